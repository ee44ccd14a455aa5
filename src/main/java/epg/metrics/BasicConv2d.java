// Inception's conv unit (torchvision inception.BasicConv2d): bias-free convolution, BatchNorm (eps 0.001), ReLU.
package epg.metrics;

import epg.nn.Module;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** State-dict keys: {@code conv.weight}, {@code bn.weight|bias|running_mean|running_var}. */
final class BasicConv2d extends Module {
    private final Tensor weight;
    private final BatchNorm2d bn;
    private final long[] stride, padding;

    /** A kh×kw kernel with the given stride and (symmetric) padding per axis. */
    BasicConv2d(int in, int out, int kh, int kw, int stride, int ph, int pw) {
        weight = child("conv", new ConvWeight(in, out, kh, kw)).weight;
        bn = child("bn", new BatchNorm2d(out));
        this.stride = new long[]{stride, stride};
        this.padding = new long[]{ph, pw};
    }

    /** A square k×k kernel. */
    BasicConv2d(int in, int out, int k, int stride, int pad) { this(in, out, k, k, stride, pad, pad); }

    /** A 1×1 kernel. */
    BasicConv2d(int in, int out) { this(in, out, 1, 1, 0); }

    /**
     * The input is made NCHW-contiguous first: on the CPUs measured, libtorch 2.10's 1×1 convolution of a
     * channels-last input with an output width that is not a multiple of 32 (Conv2d_3b_1x1's 80) returns wrong values
     * (~50% error).
     */
    Tensor forward(Tensor x) {
        Tensor y = torch.conv2d(x.contiguous(), weight, new TensorOptional(), stride, padding, new long[]{1, 1}, 1);
        return torch.relu(bn.forward(y));
    }

    /** The bias-free nn.Conv2d whose only tensor is {@code weight} [out, in, kh, kw]. */
    private static final class ConvWeight extends Module {
        final Tensor weight;

        ConvWeight(int in, int out, int kh, int kw) { weight = parameter("weight", Torch.zeros(out, in, kh, kw)); }
    }
}
