// Spec §3 "mixed precision": --precision on a CPU without native bf16 warns, or fails under --strict-precision.
package epg.cli;

import epg.tensor.CpuFeatures;
import epg.tensor.Precision;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComputeOptionsTest {
    private static final CpuFeatures AVX2 = CpuFeatures.of("AMD EPYC 7B12", "avx2 fma");
    private static final CpuFeatures BF16 = CpuFeatures.of("AMD EPYC 9B14",
            "avx2 avx512f avx512bw avx512vl avx512dq avx512_bf16");

    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Mixin ComputeOptions compute;

        @Override public void run() {}
    }

    private static ComputeOptions parse(String... args) {
        Probe p = new Probe();
        new CommandLine(p).parseArgs(args);
        return p.compute;
    }

    @Test
    void bf16WithoutNativeSupportWarnsOnceNamingTheFlags() {
        Optional<String> w = ComputeOptions.checkCpu(Precision.BF16, AVX2, false);
        assertTrue(w.isPresent());
        assertTrue(w.get().startsWith("--precision bf16: this CPU (AMD EPYC 7B12) has none of avx512_bf16, amx_bf16: "
                + "about 10x slower than fp32"), w.get());
        assertEquals(Optional.empty(), ComputeOptions.checkCpu(Precision.BF16, BF16, false));
        assertEquals(Optional.empty(), ComputeOptions.checkCpu(Precision.FP32, AVX2, true));
    }

    @Test
    void strictPrecisionTurnsTheWarningIntoAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ComputeOptions.checkCpu(Precision.BF16, AVX2, true));
        assertTrue(e.getMessage().contains("avx512_bf16, amx_bf16") && e.getMessage().endsWith("(--strict-precision)"),
                e.getMessage());
        assertEquals(Optional.empty(), ComputeOptions.checkCpu(Precision.BF16, BF16, true));
    }

    @Test
    void fp16OnTheCpuIsRefusedNamingTheMissingFlags() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ComputeOptions.checkCpu(Precision.FP16, BF16, false));
        assertTrue(e.getMessage().contains("needs --device cuda") && e.getMessage().contains("avx512_fp16, amx_fp16"),
                e.getMessage());
    }

    @Test
    void theAliasesAndTheStrictFlagParse() {
        ComputeOptions c = parse("--bf16", "--strict-precision");
        assertEquals(Precision.BF16, c.precision());
        assertTrue(c.strictPrecision);
        assertEquals(Precision.FP32, parse().precision());
        assertThrows(IllegalArgumentException.class, () -> parse("--bf16", "--precision", "fp32").precision());
    }
}
