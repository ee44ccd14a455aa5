// Spec §6 (Euler-SDE): Euler–Maruyama on the reverse VE SDE dx = −2σ·∇log p·dσ + sqrt(2σ)·dw̄ (EDM eq. 6 with β = 1/σ).
package epg.sample;

import epg.diffusion.KarrasGrid;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** x ← x + 2·d·(σ_{i+1} − σ_i) + sqrt(2σ_i·(σ_i − σ_{i+1}))·z with d = (x − D(x, σ_i))/σ_i; n − 1 denoiser calls. */
public record EulerSde() implements Sampler {
    @Override
    public Tensor sampleFrom(Denoiser denoiser, Tensor start, Tensor labels, KarrasGrid grid, SeedNoise steps) {
        return Sampler.walk(start, grid, (x, i, sigma, next) -> {
            // [B, C, H, W]
            Tensor drift = Sampler.derivative(denoiser, x, labels, sigma).mul(new Scalar(2 * (next - sigma)));
            return x.add(drift).add(steps.step(i, x).mul(new Scalar(Math.sqrt(2 * sigma * (sigma - next)))));
        });
    }
}
