// Spec §6 (Euler-ancestral, k-diffusion's rule): Euler to σ_down, then fresh noise of σ_up; σ_down² + σ_up² = σ_{i+1}².
package epg.sample;

import epg.diffusion.KarrasGrid;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * @param eta noise amount (1: full ancestral step, 0: plain Euler);
 *            σ_up = min(σ_{i+1}, η·σ_{i+1}·sqrt(σ_i² − σ_{i+1}²)/σ_i).
 */
public record EulerAncestral(double eta) implements Sampler {
    @Override
    public Tensor sampleFrom(Denoiser denoiser, Tensor start, Tensor labels, KarrasGrid grid, SeedNoise steps) {
        return Sampler.walk(start, grid, (x, i, sigma, next) -> {
            double up = Math.min(next, eta * next * Math.sqrt(sigma * sigma - next * next) / sigma);
            double down = Math.sqrt(next * next - up * up);
            Tensor moved = Euler.step(denoiser, x, labels, sigma, down);                          // [B, C, H, W]
            return up == 0 ? moved : moved.add(steps.step(i, x).mul(new Scalar(up)));
        });
    }
}
