// BatchNorm1d of the RCM projector (spec §2.1, §3): batch statistics in training, running statistics in evaluation.
package epg.nn;

import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

public final class BatchNorm1d extends Module {
    public static final double EPS = 1e-5, MOMENTUM = 0.1;
    public final Tensor weight, bias, runningMean, runningVar, numBatchesTracked;

    public BatchNorm1d(int features) {
        this.weight = parameter("weight", Torch.ones(features));
        this.bias = parameter("bias", Torch.zeros(features));
        this.runningMean = buffer("running_mean", Torch.zeros(features));
        this.runningVar = buffer("running_var", Torch.ones(features));
        this.numBatchesTracked = buffer("num_batches_tracked", Torch.zeros(ScalarType.Long));
    }

    /** [B, F] → [B, F]; in training mode the running statistics are updated in place (unbiased variance). */
    public Tensor forward(Tensor x) {
        boolean training = isTraining();
        if (training) try (NoGradGuard g = new NoGradGuard()) { numBatchesTracked.add_(new org.bytedeco.pytorch.Scalar(1L)); }
        return torch.batch_norm(x, new TensorOptional(weight), new TensorOptional(bias), new TensorOptional(runningMean),
                new TensorOptional(runningVar), training, MOMENTUM, EPS, false);
    }
}
