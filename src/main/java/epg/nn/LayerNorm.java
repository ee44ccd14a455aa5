// LayerNorm over the last dimension, computed in float32 whatever the input dtype (spec §2.1).
package epg.nn;

import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** LayerNorm over the last dimension, computed in float32 whatever the input dtype. */
public final class LayerNorm extends Module {
    public static final double EPS = 1e-5;
    public final Tensor weight, bias;
    private final long[] normalizedShape;

    public LayerNorm(int dim) {
        this.weight = parameter("weight", Torch.ones(dim));
        this.bias = parameter("bias", Torch.zeros(dim));
        this.normalizedShape = new long[]{dim};
    }

    public Tensor forward(Tensor x) {
        ScalarType dtype = x.scalar_type();
        Tensor y = torch.layer_norm(x.to(ScalarType.Float), normalizedShape, new TensorOptional(weight),
                new TensorOptional(bias), EPS, false);
        // scalar_type() returns non-canonical enum objects: compare values
        return dtype.value == ScalarType.Float.value ? y : y.to(dtype);
    }
}
