// Spec §6 (consistency models, one step): D(ε·σ_max·s, σ_max·s).
package epg.sample;

import epg.diffusion.KarrasGrid;
import org.bytedeco.pytorch.Tensor;

/** One denoiser call from pure noise; only the grid's first point (σ_max·s) is used. */
public record OneStep() implements Sampler {
    @Override
    public Tensor sampleFrom(Denoiser denoiser, Tensor start, Tensor labels, KarrasGrid grid, SeedNoise steps) {
        return Sampler.denoise(denoiser, start, labels, grid.sigma(0));                          // [B, C, H, W]
    }
}
