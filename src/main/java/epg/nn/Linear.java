// A fully connected layer y = x·Wᵀ + b (spec §2), weight [out, in] as in PyTorch.
package epg.nn;

import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** A fully connected layer {@code y = x·Wᵀ + b}, weight [out, in] as in PyTorch. */
public final class Linear extends Module {
    public final Tensor weight;
    public final Tensor bias; // null when the layer has no bias
    public final int in, out;

    public Linear(int in, int out, boolean bias) {
        this.in = in;
        this.out = out;
        this.weight = parameter("weight", Torch.zeros(out, in));
        this.bias = bias ? parameter("bias", Torch.zeros(out)) : null;
    }

    public Tensor forward(Tensor x) {
        return bias == null ? torch.linear(x, weight) : torch.linear(x, weight, bias); // [..., out]
    }
}
