// Spec §6 (Heun, Karras et al. 2022 Algorithm 2 without churn): second-order correction everywhere; NFE 2(n − 1).
package epg.sample;

import epg.diffusion.KarrasGrid;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** The Heun sampler (Karras et al. 2022, Algorithm 2 without churn): second order, the last step to σ = 0 Euler. */
public record Heun() implements Sampler {
    @Override
    public Tensor sampleFrom(Denoiser denoiser, Tensor start, Tensor labels, KarrasGrid grid, SeedNoise steps) {
        return Sampler.walk(start, grid, (x, i, sigma, next) -> step(denoiser, x, labels, sigma, next));
    }

    /** Euler predictor then trapezoidal corrector from σ to σ_next (> 0) → [B, C, H, W]. */
    public static Tensor step(Denoiser d, Tensor x, Tensor labels, double sigma, double sigmaNext) {
        double h = sigmaNext - sigma;
        Tensor d0 = Sampler.derivative(d, x, labels, sigma);                                     // [B, C, H, W]
        Tensor predicted = x.add(d0.mul(new Scalar(h)));                                          // [B, C, H, W]
        Tensor d1 = Sampler.derivative(d, predicted, labels, sigmaNext);                         // [B, C, H, W]
        return x.add(d0.add(d1).mul(new Scalar(0.5 * h)));
    }
}
