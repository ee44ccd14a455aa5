// docs/benchmarks.md "CPU kinds": reading the CPU's model and flags, and replacing the flags for tests.
package epg.tensor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuFeaturesTest {
    /** Two processors of an AVX2-only EPYC, abridged from a real /proc/cpuinfo. */
    static final String AVX2_CPUINFO = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            model name\t: AMD EPYC 7B12
            flags\t\t: fpu sse2 avx fma avx2 bmi2 sha_ni
            
            processor\t: 1
            model name\t: Some Other Model
            flags\t\t: fpu avx512f
            """;

    @Test
    void theFirstProcessorsModelAndFlagsAreRead() {
        CpuFeatures c = CpuFeatures.parse(AVX2_CPUINFO);
        assertEquals("AMD EPYC 7B12", c.model());
        assertTrue(c.has("avx2") && c.has("fma") && c.has("sha_ni"));
        assertFalse(c.has("avx512f"), "the second processor's flags are not the first's");
        assertEquals(List.of("avx2", "fma"), c.relevantFlags());
        assertEquals("avx2 fma", c.relevantText());
    }

    @Test
    void relevantFlagsFollowTheFixedOrderWhateverTheInputOrder() {
        CpuFeatures c = CpuFeatures.of("x", "AMX_BF16, avx512_bf16 avx512f avx2 sse4_2");
        assertEquals("avx2 avx512f avx512_bf16 amx_bf16", c.relevantText());
        assertEquals("none", CpuFeatures.of("x", "sse2").relevantText());
    }

    @Test
    void thePropertyReplacesTheFlagsAndWinsOverTheEnvironment() {
        CpuFeatures fromProperty = CpuFeatures.read("avx2 fma", "avx512f avx512_bf16");
        assertEquals(List.of("avx2", "fma"), fromProperty.relevantFlags());
        CpuFeatures fromEnv = CpuFeatures.read(null, "avx512f,avx512_bf16");
        assertEquals(List.of("avx512f", "avx512_bf16"), fromEnv.relevantFlags());
        assertEquals(CpuFeatures.read(null, null).model(), fromEnv.model(), "the model stays the machine's");
    }

    @Test
    void anEmptyModelIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CpuFeatures.of(" ", "avx2"));
    }
}
