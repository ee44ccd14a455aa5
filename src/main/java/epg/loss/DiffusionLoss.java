// Spec §4: the x-prediction loss of diffusion fine-tuning, per sample w_i·mean_pixels((D(x + ε·t) − x)²).
package epg.loss;

import epg.diffusion.Preconditioning;
import epg.diffusion.SnappedLognormal;
import epg.sample.Denoiser;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The network's loss on a batch: z ~ N(0, 1) per sample → grid index i of σ = exp(P_mean + P_std·z) on the snapped
 * grid, t = σ_i·s, weight w_i = 1/(σ_i − σ_{i+1}); x_t = x + ε·t; D = F(c_in·x_t, c(t), y) (x-prediction).
 */
public final class DiffusionLoss {
    /** The noise levels of a batch: t = σ_i·s and the weight w_i, one each per sample. */
    public record Levels(double[] t, double[] weight) {}

    private final Denoiser denoiser;
    private final SnappedLognormal levels;
    private final double shift;

    /** {@code network} is the online network F; {@code shift} the resolution shift s. */
    public DiffusionLoss(Preconditioning.Network network, SnappedLognormal levels, double shift) {
        this.denoiser = Denoiser.of(new Preconditioning(Preconditioning.Kind.DIFFUSION, shift), network);
        this.levels = levels;
        this.shift = shift;
    }

    /** The levels of standard normals z [B] (one per sample). */
    public Levels levels(double[] z) {
        double[] t = new double[z.length], w = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            int i = levels.index(z[k]);
            t[k] = levels.sigma(i) * shift;
            w[k] = levels.weight(i, shift);
        }
        return new Levels(t, w);
    }

    /** clean, eps [B, C, H, W] float32, labels int64 [B] (after label dropout), all on one device → [B] float32. */
    public Tensor perSample(Tensor clean, Tensor eps, Tensor labels, Levels at) {
        int b = at.t().length;
        Device device = clean.device();
        Tensor sigma = Torch.fromDoubles(at.t(), b).to(device, ScalarType.Float);                   // [B]
        Tensor xt = clean.add(eps.mul(sigma.reshape(b, 1, 1, 1)));                                 // [B, C, H, W]
        Tensor denoised = denoiser.denoise(xt, sigma, labels);                                     // [B, C, H, W]
        Tensor err = denoised.to(ScalarType.Float).sub(clean).square();                            // [B, C, H, W]
        Tensor perPixel = err.flatten(1, -1).mean(new long[]{1}, false, new ScalarTypeOptional()); // [B]
        return perPixel.mul(Torch.fromDoubles(at.weight(), b).to(device, ScalarType.Float));       // [B]
    }
}
