// The global gradient norm and clipping of a training step (the Trainer's and the benchmarks'; spec §4 clips at 0.5).
package epg.train;

import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.Collection;

/** torch.nn.utils.clip_grad_norm_: ‖(‖g_p‖₂)_p‖₂, and g ← g·max/(norm + 1e-6) when that factor is below 1. */
public final class GradNorm {
    private GradNorm() {}

    /** The L2 norm over every defined gradient (0 when there is none); call inside a scope. */
    public static double of(Collection<Tensor> params) {
        TensorVector norms = new TensorVector();
        for (Tensor p : params) if (p.grad().defined()) norms.push_back(p.grad().norm());
        return norms.empty() ? 0 : torch.stack(norms).norm().item_double();
    }

    /** Scales the gradients down to norm {@code max}; returns the norm before clipping. */
    public static double clip(Collection<Tensor> params, double max) { return clip(params, of(params), max); }

    /** As {@link #clip(Collection, double)} when the gradients' norm is already known. */
    public static double clip(Collection<Tensor> params, double norm, double max) {
        double factor = max / (norm + 1e-6);
        if (factor >= 1) return norm;
        Scalar f = new Scalar(factor);
        try (NoGradGuard g = new NoGradGuard()) {
            for (Tensor p : params) if (p.grad().defined()) p.grad().mul_(f);
        }
        return norm;
    }
}
