// Spec §6 (EDM's stochastic sampler, Karras et al. 2022 Algorithm 2 with churn) as the released sample_edm_sde runs it.
package epg.sample;

import epg.diffusion.KarrasGrid;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Per interval i: γ = min(S_churn/n, √2 − 1) when S_min ≤ σ_i ≤ S_max (else 0), σ̂ = σ_i + γ·σ_i,
 * x̂ = x + sqrt(σ̂² − σ_i²)·S_noise·z, an Euler step from σ̂ to σ_{i+1}, and the second-order correction on every
 * interval but the last (the last is a plain Euler step); NFE 2(n − 1) − 1. As released, S_min and S_max are compared
 * with the shifted σ_i as given (they are not multiplied by s).
 */
public record EdmStochastic(double churn, double sMin, double sMax, double sNoise) implements Sampler {
    public static final EdmStochastic RELEASED = new EdmStochastic(40, 0.05, 50, 1.003);

    @Override
    public Tensor sampleFrom(Denoiser denoiser, Tensor start, Tensor labels, KarrasGrid grid, SeedNoise steps) {
        int last = grid.n() - 2;
        return Sampler.walk(start, grid, (x, i, sigma, next) -> {
            double gamma = sigma >= sMin && sigma <= sMax ? Math.min(churn / grid.n(), Math.sqrt(2) - 1) : 0;
            double hat = sigma + gamma * sigma;
            Tensor xHat = gamma == 0 ? x : x.add(steps.step(i, x).mul(new Scalar(Math.sqrt(hat * hat
                    - sigma * sigma) * sNoise)));                                                     // [B, C, H, W]
            return i == last ? Euler.step(denoiser, xHat, labels, hat, next)
                    : Heun.step(denoiser, xHat, labels, hat, next);
        });
    }
}
