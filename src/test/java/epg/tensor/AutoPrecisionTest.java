// Spec §3 "mixed precision", "auto": the decision from injected flags and probe results, and the probe's cache.
package epg.tensor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AutoPrecisionTest {
    private static final Supplier<AutoPrecision.Probe> NEVER = () -> {
        throw new AssertionError("the probe must not run when the flags settle it");
    };

    @Test
    void withoutAnyBf16PathAutoIsFp32AndNothingIsProbed() {
        AutoPrecision.Decision d = AutoPrecision.decide(PrecisionSupportTest.AVX2, NEVER);
        assertEquals(Precision.FP32, d.precision());
        assertEquals("no avx512_bf16/amx_bf16 on this CPU: bf16 would be about 10x slower than fp32", d.reason());
    }

    @Test
    void theProbeDecidesWhereBf16HasAPath() {
        // 10 ms fp32 / 3 ms bf16 = 3.33x >= 1.5: bf16
        assertEquals(Precision.BF16, AutoPrecision.decide(PrecisionSupportTest.AVX512_BF16,
                () -> new AutoPrecision.Probe(10, 3)).precision());
        // native flags but a probe at 1.25x: fp32 (for example a busy or throttled machine)
        assertEquals(Precision.FP32, AutoPrecision.decide(PrecisionSupportTest.AVX512_BF16,
                () -> new AutoPrecision.Probe(10, 8)).precision());
        // exactly 1.5x: bf16
        assertEquals(Precision.BF16, AutoPrecision.decide(PrecisionSupportTest.AVX512,
                () -> new AutoPrecision.Probe(3, 2)).precision());
        // converted path, slower: fp32, and the reason quotes the measured ratio 0.50
        AutoPrecision.Decision d = AutoPrecision.decide(PrecisionSupportTest.AVX512,
                () -> new AutoPrecision.Probe(5, 10));
        assertEquals(Precision.FP32, d.precision());
        assertTrue(d.reason().contains("0.50x"), d.reason());
    }

    @Test
    void withoutTheProbeTheFlagsDecide() {
        assertEquals(Precision.BF16, AutoPrecision.decide(PrecisionSupportTest.AMX, null).precision());
        assertEquals(Precision.FP32, AutoPrecision.decide(PrecisionSupportTest.AVX512, null).precision());
        assertEquals(Precision.BF16, AutoPrecision.decide("cuda:1").precision());
    }

    @Test
    void theCacheKeepsOneProbePerKeyAndShrugsOffDamage(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("epg/precision-probe.properties");
        String a = AutoPrecision.cacheKey(PrecisionSupportTest.AVX2, "2.10.0-1.5.13", "ATen AVX2");
        String b = AutoPrecision.cacheKey(PrecisionSupportTest.AVX512_BF16, "2.10.0-1.5.13", "ATen AVX512");
        assertEquals("AMD EPYC 7B12 | avx2 fma | libtorch 2.10.0-1.5.13 | ATen AVX2", a);
        assertNull(AutoPrecision.read(file, a));
        AutoPrecision.write(file, a, new AutoPrecision.Probe(2.5, 25));
        AutoPrecision.write(file, b, new AutoPrecision.Probe(2.5, 0.75));
        assertEquals(new AutoPrecision.Probe(2.5, 25), AutoPrecision.read(file, a));
        assertEquals(new AutoPrecision.Probe(2.5, 0.75), AutoPrecision.read(file, b));
        assertNull(AutoPrecision.read(file, AutoPrecision.cacheKey(PrecisionSupportTest.AVX2, "2.11.0", "ATen AVX2")),
                "another libtorch version probes again");
        assertNull(AutoPrecision.read(file, AutoPrecision.cacheKey(PrecisionSupportTest.AVX512_BF16, "2.10.0-1.5.13",
                "ATen AVX2 oneDNN AVX2")), "an emulated AVX2 run probes for itself");
        Files.writeString(file, Files.readString(file).replace("2.5,25.0", "oops"));
        assertNull(AutoPrecision.read(file, a), "a damaged entry is measured again");
        assertEquals(new AutoPrecision.Probe(2.5, 0.75), AutoPrecision.read(file, b));
    }

    @Test
    void probeTimesMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new AutoPrecision.Probe(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new AutoPrecision.Probe(1, Double.NaN));
    }
}
