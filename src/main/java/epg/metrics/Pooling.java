// The pooling ops of the FID Inception graph (pytorch-fid inception.py): TensorFlow-style 3×3 average pool, max pools.
package epg.metrics;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

final class Pooling {
    private static final long[] K3 = {3, 3}, S1 = {1, 1}, S2 = {2, 2}, P0 = {0, 0}, P1 = {1, 1};

    private Pooling() {}

    /** 3×3, stride 1, padding 1, padded zeros excluded from the mean (count_include_pad=False, as TensorFlow). */
    static Tensor avg3(Tensor x) { return torch.avg_pool2d(x, K3, S1, P1, false, false, new LongOptional()); }

    /** 3×3, stride 1, padding 1 max pool (the FID graph's last block, FIDInceptionE_2). */
    static Tensor max3(Tensor x) { return torch.max_pool2d(x, K3, S1, P1, S1, false); }

    /** 3×3, stride 2, no padding max pool (stem and the grid-reduction blocks). */
    static Tensor max3s2(Tensor x) { return torch.max_pool2d(x, K3, S2, P0, S1, false); }
}
