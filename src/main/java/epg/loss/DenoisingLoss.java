// Spec §4: the x-prediction loss, per sample w_i·mean_pixels((D(x_t) − x)²).
package epg.loss;

import org.bytedeco.pytorch.Tensor;

/** The weighted denoising loss of diffusion fine-tuning. */
public final class DenoisingLoss {
    private DenoisingLoss() {}

    /** denoised, clean [B, C, H, W] (any float dtype), weights [B] → [B] float32. */
    public static Tensor perSample(Tensor denoised, Tensor clean, Tensor weights) {
        Tensor err = denoised.to(org.bytedeco.pytorch.global.torch.ScalarType.Float).sub(clean).square(); // [B, C, H, W]
        return err.flatten(1, -1).mean(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).mul(weights); // [B]
    }
}
