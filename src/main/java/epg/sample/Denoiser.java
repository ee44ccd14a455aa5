// Spec §6: the denoiser D(x, σ, y) every sampler sees (the network behind it never sees σ).
package epg.sample;

import org.bytedeco.pytorch.Tensor;

/** x [B, C, H, W] at noise level σ [B] (shifted), labels int64 [B] → estimate of the clean image [B, C, H, W]. */
@FunctionalInterface
public interface Denoiser {
    Tensor denoise(Tensor x, Tensor sigma, Tensor labels);
}
