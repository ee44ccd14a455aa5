// Spec §6 (EDM's stochastic sampler, Karras et al. 2022 Algorithm 2 with churn); S_min, S_max unshifted (×s).
package epg.sample;

import epg.diffusion.KarrasGrid;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Per interval: γ = min(S_churn/n, √2 − 1) when S_min·s ≤ σ_i ≤ S_max·s (else 0), σ̂ = σ_i·(1 + γ),
 * x̂ = x + sqrt(σ̂² − σ_i²)·S_noise·z, then a Heun step from σ̂ to σ_{i+1}; NFE 2(n − 1).
 */
public record EdmStochastic(double churn, double sMin, double sMax, double sNoise) implements Sampler {
    public static final EdmStochastic RELEASED = new EdmStochastic(40, 0.05, 50, 1.003);

    @Override
    public Tensor sample(Denoiser denoiser, Tensor noise, Tensor labels, KarrasGrid grid, SeedNoise steps) {
        double s = grid.shift();
        return Sampler.walk(noise, grid, (x, i, sigma, next) -> {
            double gamma = sigma >= sMin * s && sigma <= sMax * s ? Math.min(churn / grid.n(), Math.sqrt(2) - 1) : 0;
            double hat = sigma * (1 + gamma);
            Tensor xHat = gamma == 0 ? x : x.add(steps.step(i, x).mul(new Scalar(Math.sqrt(hat * hat
                    - sigma * sigma) * sNoise)));
            return Heun.step(denoiser, xHat, labels, hat, next);
        });
    }
}
