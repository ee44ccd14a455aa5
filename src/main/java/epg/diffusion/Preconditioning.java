// Spec §1 (c_in, c(σ)), §4 (x-prediction D = F(c_in·x, c(σ), y)) and §5 (consistency D = c_skip·x + c_out·F).
package epg.diffusion;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import static epg.diffusion.KarrasGrid.SIGMA_DATA;
import static epg.diffusion.KarrasGrid.SIGMA_MIN;

/**
 * Turns a network F(c_in·x, c(σ), y), which never sees σ, into the denoiser D(x, σ, y). Every σ here is already
 * shifted (σ·s). The coefficient functions exist for doubles (reference values, tests) and for [B] tensors (batches,
 * computed in σ's dtype so that D(x, σ_min·s) = x holds exactly for a consistency model).
 *
 * @param kind  the parameterisation: DIFFUSION (F is the clean image) or CONSISTENCY (skip connection)
 * @param shift the resolution shift s (the consistency boundary is σ_min·s)
 */
public record Preconditioning(Kind kind, double shift) {
    /** The two parameterisations: diffusion (x-prediction) and consistency (c_skip·x + c_out·F). */
    public enum Kind {
        DIFFUSION, CONSISTENCY;

        public static Kind parse(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "diffusion" -> DIFFUSION;
                case "consistency" -> CONSISTENCY;
                default -> throw new IllegalArgumentException("unknown parameterisation '" + name
                        + "'; use diffusion or consistency");
            };
        }
    }

    /**
     * The network's contract (EpgModel::forward): scaled input [B, C, H, W], time condition [B], labels [B]
     * → [B, C, H, W].
     */
    @FunctionalInterface
    public interface Network {
        Tensor forward(Tensor xScaled, Tensor timeCondition, Tensor labels);
    }

    private static final double LOG_GUARD = 1e-44;

    public static double cIn(double sigma) { return 1 / Math.sqrt(sigma * sigma + SIGMA_DATA * SIGMA_DATA); }

    public static double timeCondition(double sigma) { return 250 * Math.log(sigma + LOG_GUARD); }

    public static double cSkip(double sigma, double shift) {
        double d = sigma - SIGMA_MIN * shift;
        return SIGMA_DATA * SIGMA_DATA / (d * d + SIGMA_DATA * SIGMA_DATA);
    }

    public static double cOut(double sigma, double shift) {
        return (sigma - SIGMA_MIN * shift) * SIGMA_DATA / Math.sqrt(sigma * sigma + SIGMA_DATA * SIGMA_DATA);
    }

    /** c_in = 1/sqrt(σ² + σ_data²) of σ [B] → [B]. */
    public static Tensor cIn(Tensor sigma) { return sigma.square().add(new Scalar(SIGMA_DATA * SIGMA_DATA)).rsqrt(); }

    /** c(σ) = 250·ln(σ + 1e-44) of σ [B] → [B]. */
    public static Tensor timeCondition(Tensor sigma) {
        return sigma.add(new Scalar(LOG_GUARD)).log().mul(new Scalar(250.0));
    }

    /** c_skip = σ_data²/((σ − σ_min·s)² + σ_data²) of σ [B] → [B]. */
    public static Tensor cSkip(Tensor sigma, double shift) {
        Tensor d2 = sigma.sub(new Scalar(SIGMA_MIN * shift)).square();                            // [B]
        return d2.add(new Scalar(SIGMA_DATA * SIGMA_DATA)).reciprocal().mul(new Scalar(SIGMA_DATA * SIGMA_DATA));
    }

    /** c_out = (σ − σ_min·s)·σ_data/sqrt(σ² + σ_data²) of σ [B] → [B]. */
    public static Tensor cOut(Tensor sigma, double shift) {
        return sigma.sub(new Scalar(SIGMA_MIN * shift)).mul(cIn(sigma)).mul(new Scalar(SIGMA_DATA)); // [B]
    }

    /** D(x, σ, y) for x [B, C, H, W], σ [B] (any dtype; used in x's), labels [B] → [B, C, H, W]. */
    public Tensor denoise(Network f, Tensor x, Tensor sigma, Tensor labels) {
        Tensor s = sigma.to(x.scalar_type());                                                    // [B]
        Tensor out = f.forward(x.mul(perSample(cIn(s))), timeCondition(s), labels);            // [B, C, H, W]
        if (kind == Kind.DIFFUSION) return out;
        return x.mul(perSample(cSkip(s, shift))).add(out.to(x.scalar_type()).mul(perSample(cOut(s, shift))));
    }

    /** [B] → [B, 1, 1, 1], to scale images per sample. */
    static Tensor perSample(Tensor v) { return v.reshape(v.size(0), 1, 1, 1); }

    /** Reads the parameterisation a model file records under "parameterisation", or {@code fallback}. */
    public static Kind kindOf(java.util.Map<String, String> metadata, Kind fallback) {
        String v = metadata == null ? null : metadata.get(METADATA_KEY);
        return v == null ? fallback : Kind.parse(v);
    }

    public static final String METADATA_KEY = "parameterisation";
}
