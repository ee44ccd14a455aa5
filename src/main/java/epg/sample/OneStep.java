// Spec §6 (consistency models, one step): D(ε·σ_max·s, σ_max·s).
package epg.sample;

import epg.diffusion.KarrasGrid;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** One denoiser call from pure noise; only the grid's first point (σ_max·s) is used. */
public record OneStep() implements Sampler {
    @Override
    public Tensor sample(Denoiser denoiser, Tensor noise, Tensor labels, KarrasGrid grid, SeedNoise steps) {
        double top = grid.sigma(0);
        return Sampler.denoise(denoiser, noise.mul(new Scalar(top)), labels, top);               // [B, C, H, W]
    }
}
