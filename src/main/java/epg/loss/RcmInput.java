// Spec §1 for the RCM encoder: it sees c_in(t)·x and the time condition c(t) (t shifted, one level per batch).
package epg.loss;

import epg.diffusion.Preconditioning;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The inputs of an RCM encoder call at one noise level t for a whole batch (pre-training, and the stage-2b aux loss).
 */
final class RcmInput {
    private RcmInput() {}

    /** c_in(t)·x for x [B, C, H, W]. */
    static Tensor scaled(Tensor x, double t) { return x.mul(Torch.scalar(Preconditioning.cIn(t))); }

    /** c_in(t)·(x + ε·t). */
    static Tensor noisy(Tensor x, Tensor eps, double t) { return scaled(x.add(eps.mul(Torch.scalar(t))), t); }

    /** c(t) repeated [B], float32 on {@code device}. */
    static Tensor condition(double t, long b, org.bytedeco.pytorch.Device device) {
        return torch.full(new long[]{b}, Torch.scalar(Preconditioning.timeCondition(t)),
                Torch.options(torch.ScalarType.Float, device));
    }
}
