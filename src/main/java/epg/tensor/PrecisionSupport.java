// Spec §3 "mixed precision" on the CPU: whether libtorch runs bf16/fp16 matrix products natively on this CPU.
package epg.tensor;

import java.util.List;

/**
 * How libtorch's CPU kernels run a reduced precision, judged from the CPU's flags (libtorch 2.10: its oneDNN bf16
 * path needs avx512bw+avx512vl+avx512dq or avx_ne_convert, its fp16 path avx512_fp16 or avx_ne_convert; without them
 * a bf16 matrix product takes ATen's generic loop).
 *
 * @param precision what was asked for
 * @param level     how it runs here
 * @param missing   the flags whose absence makes it slow (empty when native)
 * @param expected  what that costs, in words ("" when native)
 */
public record PrecisionSupport(Precision precision, Level level, List<String> missing, String expected) {
    /** How a reduced precision runs on this CPU. */
    public enum Level {
        /** In hardware (AVX512-BF16, AMX, AVX512-FP16): faster than fp32. */
        NATIVE,
        /** oneDNN converts to fp32 inside its kernels: no speed-up over fp32 to expect (a probe decides auto). */
        CONVERTED,
        /** ATen's generic, single-threaded loop: many times slower than fp32. */
        FALLBACK
    }

    /** The flags that make bf16 native. */
    public static final List<String> BF16_FLAGS = List.of("avx512_bf16", "amx_bf16");
    /** The flags that make fp16 native. */
    public static final List<String> FP16_FLAGS = List.of("avx512_fp16", "amx_fp16");
    /** Measured on a 2-core AVX2 EPYC (libtorch 2.10): bf16 training steps against fp32. */
    static final String FALLBACK_COST = "about 10x slower than fp32 (measured for bf16 on an AVX2-only EPYC: "
            + "libtorch falls back to a single-threaded loop)";
    static final String CONVERTED_COST = "no speed-up over fp32 to expect (oneDNN converts to fp32 inside its kernels;"
            + " not measured here)";

    public PrecisionSupport {
        missing = List.copyOf(missing);
    }

    /** The support of {@code p} on {@code cpu}; FP32 is always native. */
    public static PrecisionSupport of(Precision p, CpuFeatures cpu) {
        return switch (p) {
            case FP32 -> new PrecisionSupport(p, Level.NATIVE, List.of(), "");
            case BF16 -> judge(p, cpu, BF16_FLAGS, cpu.hasAny("avx_ne_convert")
                    || cpu.has("avx512bw") && cpu.has("avx512vl") && cpu.has("avx512dq"));
            case FP16 -> judge(p, cpu, FP16_FLAGS, cpu.has("avx_ne_convert"));
        };
    }

    private static PrecisionSupport judge(Precision p, CpuFeatures cpu, List<String> nativeFlags, boolean converted) {
        if (nativeFlags.stream().anyMatch(cpu::has)) return new PrecisionSupport(p, Level.NATIVE, List.of(), "");
        return converted ? new PrecisionSupport(p, Level.CONVERTED, nativeFlags, CONVERTED_COST)
                : new PrecisionSupport(p, Level.FALLBACK, nativeFlags, FALLBACK_COST);
    }

    public boolean isNative() { return level == Level.NATIVE; }

    /**
     * The one-line warning for a non-native precision: "--precision bf16: this CPU (MODEL) has none of avx512_bf16,
     * amx_bf16: about 10x slower than fp32 ...; --precision fp32 or auto avoids it".
     */
    public String warning(CpuFeatures cpu) {
        return "--precision " + precision.id() + ": this CPU (" + cpu.model() + ") has none of "
                + String.join(", ", missing) + ": " + expected + "; --precision fp32 or auto avoids it";
    }
}
