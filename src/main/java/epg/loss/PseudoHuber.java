// Spec §5: the pseudo-Huber distance of consistency training, d_b/sqrt(d_b.detach() + c²) with d_b = Σ_pixels (a − b)².
package epg.loss;

import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** The released form: its gradient is that of sqrt(d + c²), its value d/sqrt(d + c²). */
public final class PseudoHuber {
    public static final double C = 0.06;

    private PseudoHuber() {}

    /** a, b [B, C, H, W] → [B] float32. */
    public static Tensor perSample(Tensor a, Tensor b, double c) {
        Tensor diff = a.to(torch.ScalarType.Float).sub(b.to(torch.ScalarType.Float));                   // [B, C, H, W]
        Tensor d = diff.square().flatten(1, -1)
                .sum(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()); // [B]
        return d.div(d.detach().add(Torch.scalar(c * c)).sqrt());                                          // [B]
    }
}
