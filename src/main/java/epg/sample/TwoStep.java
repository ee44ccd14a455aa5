// Spec §6 (consistency models, two steps; ECT's rule): x = D(ε·σ_max·s, σ_max·s); x ← x + σ_mid·s·z; D(x, σ_mid·s).
package epg.sample;

import epg.diffusion.KarrasGrid;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/** @param midSigma the unshifted middle noise level (ECT: 0.821), multiplied by s when applied. */
public record TwoStep(double midSigma) implements Sampler {
    public static final double ECT_MID_SIGMA = 0.821;

    @Override
    public Tensor sampleFrom(Denoiser denoiser, Tensor start, Tensor labels, KarrasGrid grid, SeedNoise steps) {
        Tensor first = new OneStep().sampleFrom(denoiser, start, labels, grid, steps);             // [B, C, H, W]
        double mid = midSigma * grid.shift();
        Tensor renoised = first.add(steps.step(0, first).mul(new Scalar(mid)));                   // [B, C, H, W]
        return Sampler.denoise(denoiser, renoised, labels, mid);
    }
}
