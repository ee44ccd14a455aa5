// Spec §6 (Euler): x ← x + d·(σ_{i+1} − σ_i) with d = (x − D(x, σ_i))/σ_i; n − 1 denoiser calls.
package epg.sample;

import epg.diffusion.KarrasGrid;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** The Euler sampler: one denoiser call per step of the grid. */
public record Euler() implements Sampler {
    @Override
    public Tensor sampleFrom(Denoiser denoiser, Tensor start, Tensor labels, KarrasGrid grid, SeedNoise steps) {
        return Sampler.walk(start, grid, (x, i, sigma, next) -> step(denoiser, x, labels, sigma, next));
    }

    /** One Euler step from σ to σ_next → [B, C, H, W]. */
    public static Tensor step(Denoiser d, Tensor x, Tensor labels, double sigma, double sigmaNext) {
        return x.add(Sampler.derivative(d, x, labels, sigma).mul(new Scalar(sigmaNext - sigma)));
    }
}
