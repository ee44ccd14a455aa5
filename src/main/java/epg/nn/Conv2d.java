// The patch-embedding convolution: kernel = stride = patch size, no padding (spec §2.1 patch_embed.proj).
package epg.nn;

import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** The patch-embedding convolution, kernel = stride = patch size, no padding; weight [out, in, k, k]. */
public final class Conv2d extends Module {
    public final Tensor weight, bias;
    private final long[] stride, padding = {0, 0}, dilation = {1, 1};

    public Conv2d(int in, int out, int kernel) {
        this.weight = parameter("weight", Torch.zeros(out, in, kernel, kernel));
        this.bias = parameter("bias", Torch.zeros(out));
        this.stride = new long[]{kernel, kernel};
    }

    public Tensor forward(Tensor x) {
        return torch.conv2d(x, weight, new TensorOptional(bias), stride, padding, dilation, 1); // [B, out, H/k, W/k]
    }
}
