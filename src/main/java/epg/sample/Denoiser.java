// Spec §6: the denoiser D(x, σ, y) every sampler sees (the network behind it never sees σ).
package epg.sample;

import epg.diffusion.Preconditioning;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** x [B, C, H, W] at noise level σ [B] (shifted), labels int64 [B] → estimate of the clean image [B, C, H, W]. */
@FunctionalInterface
public interface Denoiser {
    Tensor denoise(Tensor x, Tensor sigma, Tensor labels);

    /**
     * One σ for the whole batch, known on the host (what the samplers pass): a wrapper such as {@link Guidance} can
     * decide what to compute from it without reading the device.
     */
    default Tensor denoise(Tensor x, double sigma, Tensor labels) { return denoise(x, sigmas(sigma, x), labels); }

    /** The device the denoiser computes on ("cpu", "cuda:0"): where a sampler's noise and labels must be. */
    default String device() { return "cpu"; }

    /** The prediction before any clamp to the data range (itself when it has none): what guidance combines. */
    default Denoiser raw() { return this; }

    /** Network evaluations per image of one call (2 for {@link Autoguidance}). */
    default int networks() { return 1; }

    /** D(x, σ, y) of a network F(c_in·x, c(σ), y) through its preconditioning (spec §1, §4, §5). */
    static Denoiser of(Preconditioning preconditioning, Preconditioning.Network network) {
        return (x, sigma, labels) -> preconditioning.denoise(network, x, sigma, labels);
    }

    /** Clamps to [−1, 1] (spec §1: the denoiser's result, after guidance, is clamped at every sampler call). */
    static Tensor clampUnit(Tensor t) {
        return t.clamp(new ScalarOptional(new Scalar(-1.0)), new ScalarOptional(new Scalar(1.0)));
    }

    /** σ as a [B] tensor in x's dtype and device. */
    static Tensor sigmas(double sigma, Tensor x) {
        return torch.full_like(x.select(1, 0).select(1, 0).select(1, 0), new Scalar(sigma));    // [B]
    }
}
