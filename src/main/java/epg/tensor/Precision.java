// Spec §3 "mixed precision": the arithmetic of the forward passes: float32, or bf16/fp16 autocast.
package epg.tensor;

import org.bytedeco.pytorch.global.torch.ScalarType;

/** FP32: no autocast. BF16: autocast to bfloat16 (CPU or CUDA). FP16: autocast to float16 with a loss scaler (CUDA). */
public enum Precision {
    FP32, BF16, FP16;

    /** "fp32", "bf16" or "fp16" (case-insensitive). */
    public static Precision parse(String s) {
        for (Precision p : values()) if (p.name().equalsIgnoreCase(s.trim())) return p;
        throw new IllegalArgumentException("precision must be fp32, bf16 or fp16, got '" + s + "'");
    }

    /** "auto": bf16 on CUDA or where this CPU runs it faster than fp32 ({@link AutoPrecision}), else fp32. */
    public static Precision auto(String device) { return AutoPrecision.decide(device).precision(); }

    /** "fp32", "bf16" or "fp16", as options and config.json spell it. */
    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }

    /** The autocast dtype; null for FP32. */
    public ScalarType autocastType() {
        return switch (this) {
            case FP32 -> null;
            case BF16 -> ScalarType.BFloat16;
            case FP16 -> ScalarType.Half;
        };
    }
}
