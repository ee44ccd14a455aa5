// Spec §4: labels replaced by the unconditional class (index num_classes) with probability p, for classifier-free guidance.
package epg.train;

import epg.tensor.Rng;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

final class LabelDropout {
    private LabelDropout() {}

    /** labels [B] int64 → [B] with each entry = numClasses with probability p (one uniform draw per sample, always taken). */
    static Tensor apply(Tensor labels, double p, int numClasses, Rng rng) {
        Tensor u = torch.rand(new long[]{labels.size(0)}, rng.optional(), Torch.options(ScalarType.Float)); // [B]
        return torch.where(u.lt(Torch.scalar(p)), torch.full_like(labels, new org.bytedeco.pytorch.Scalar((long) numClasses)), labels);
    }
}
