// Spec §4: labels replaced by the unconditional class (index num_classes) with probability p, for CFG.
package epg.train;

import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

final class LabelDropout {
    private LabelDropout() {}

    /** labels [B] int64 → [B] with entry b = numClasses where the uniform draw u_b < p. */
    static Tensor apply(Tensor labels, Tensor u, double p, int numClasses) {
        return torch.where(u.lt(Torch.scalar(p)),
                torch.full_like(labels, new org.bytedeco.pytorch.Scalar((long) numClasses)), labels);
    }
}
