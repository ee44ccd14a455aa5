// Spec §3 "mixed precision" on the CPU: which flags make bf16/fp16 native, converted or the slow fallback.
package epg.tensor;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrecisionSupportTest {
    static final CpuFeatures AVX2 = CpuFeatures.of("AMD EPYC 7B12", "avx avx2 fma");
    static final CpuFeatures AVX512 = CpuFeatures.of("Intel Xeon 8273CL",
            "avx2 fma avx512f avx512bw avx512vl avx512dq");
    static final CpuFeatures AVX512_BF16 = CpuFeatures.of("AMD EPYC 9B14",
            "avx2 fma avx512f avx512bw avx512vl avx512dq avx512_bf16");
    static final CpuFeatures AMX = CpuFeatures.of("Intel Xeon 8480", "avx2 avx512f amx_tile amx_bf16 amx_int8");
    static final CpuFeatures SPR_FP16 = CpuFeatures.of("Intel Xeon 8480+", "avx512f avx512_fp16 amx_bf16");

    @Test
    void bf16IsNativeWithAvx512Bf16OrAmxOnly() {
        assertEquals(PrecisionSupport.Level.NATIVE, PrecisionSupport.of(Precision.BF16, AVX512_BF16).level());
        assertEquals(PrecisionSupport.Level.NATIVE, PrecisionSupport.of(Precision.BF16, AMX).level());
        assertEquals(PrecisionSupport.Level.CONVERTED, PrecisionSupport.of(Precision.BF16, AVX512).level());
        assertEquals(PrecisionSupport.Level.CONVERTED,
                PrecisionSupport.of(Precision.BF16, CpuFeatures.of("client", "avx2 avx_ne_convert")).level());
        PrecisionSupport avx2 = PrecisionSupport.of(Precision.BF16, AVX2);
        assertEquals(PrecisionSupport.Level.FALLBACK, avx2.level());
        assertEquals(List.of("avx512_bf16", "amx_bf16"), avx2.missing());
        // avx512f alone is not oneDNN's bf16 path (it needs bw, vl and dq too)
        assertEquals(PrecisionSupport.Level.FALLBACK,
                PrecisionSupport.of(Precision.BF16, CpuFeatures.of("knl", "avx2 avx512f")).level());
    }

    @Test
    void fp16IsNativeWithAvx512Fp16OrAmxFp16AndFp32Always() {
        assertEquals(PrecisionSupport.Level.NATIVE, PrecisionSupport.of(Precision.FP16, SPR_FP16).level());
        assertEquals(PrecisionSupport.Level.FALLBACK, PrecisionSupport.of(Precision.FP16, AVX512_BF16).level());
        assertEquals(List.of("avx512_fp16", "amx_fp16"), PrecisionSupport.of(Precision.FP16, AVX2).missing());
        assertTrue(PrecisionSupport.of(Precision.FP32, CpuFeatures.of("old", "sse2")).isNative());
    }

    @Test
    void theWarningNamesTheCpuTheMissingFlagsAndTheCost() {
        String w = PrecisionSupport.of(Precision.BF16, AVX2).warning(AVX2);
        assertEquals("--precision bf16: this CPU (AMD EPYC 7B12) has none of avx512_bf16, amx_bf16: about 10x slower "
                + "than fp32 (measured for bf16 on an AVX2-only EPYC: libtorch falls back to a single-threaded loop);"
                + " --precision fp32 or auto avoids it", w);
        assertTrue(PrecisionSupport.of(Precision.BF16, AVX512).warning(AVX512).contains("no speed-up over fp32"));
    }
}
