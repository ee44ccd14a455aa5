// Inference-mode BatchNorm2d of Inception's conv units (torchvision BasicConv2d: eps 0.001, running statistics only).
package epg.metrics;

import epg.nn.Module;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** No num_batches_tracked buffer: this layer never trains (the loader ignores that key). */
final class BatchNorm2d extends Module {
    static final double EPS = 1e-3;
    private final Tensor weight, bias, runningMean, runningVar;

    BatchNorm2d(int channels) {
        weight = parameter("weight", Torch.ones(channels));
        bias = parameter("bias", Torch.zeros(channels));
        runningMean = buffer("running_mean", Torch.zeros(channels));
        runningVar = buffer("running_var", Torch.ones(channels));
    }

    Tensor forward(Tensor x) {
        return torch.batch_norm(x, new TensorOptional(weight), new TensorOptional(bias),
                new TensorOptional(runningMean), new TensorOptional(runningVar), false, 0.1, EPS, false);
    }
}
