// BatchNorm1d of the RCM projector (spec §2.1, §3): batch statistics in training, running statistics in evaluation.
package epg.nn;

import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * BatchNorm over features [B, F]: batch statistics in training (synchronised over ranks when asked), running ones in
 * evaluation.
 */
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

    /** Null: statistics of this process's batch; else the statistics of the global batch over every replica. */
    private ReplicaSum sync;

    /** Synchronised BatchNorm (training mode): mean and variance over every replica's batch. Null turns it off. */
    public void synchronise(ReplicaSum sync) { this.sync = sync != null && sync.replicas() > 1 ? sync : null; }

    /** [B, F] → [B, F]; in training mode the running statistics are updated in place (unbiased variance). */
    public Tensor forward(Tensor x) {
        boolean training = isTraining();
        if (training) try (NoGradGuard g = new NoGradGuard()) { numBatchesTracked.add_(new Scalar(1L)); }
        if (training && sync != null) return synchronised(x);
        return torch.batch_norm(x, new TensorOptional(weight), new TensorOptional(bias),
                new TensorOptional(runningMean), new TensorOptional(runningVar), training, MOMENTUM, EPS, false);
    }

    /** Statistics of the global batch of N = W·B rows (two passes, float32), then the running-statistics update. */
    private Tensor synchronised(Tensor x) {
        long n = x.size(0) * sync.replicas();
        Tensor xf = x.to(ScalarType.Float);                                                          // [B, F]
        Tensor mean = sync.sum(xf.sum(0)).div(Torch.scalar(n)); // [F]
        Tensor centred = xf.sub(mean);                                                               // [B, F]
        Tensor var = sync.sum(centred.square().sum(0)).div(Torch.scalar(n)); // [F] biased
        try (NoGradGuard g = new NoGradGuard()) {
            runningMean.mul_(Torch.scalar(1 - MOMENTUM)).add_(mean.detach().mul(Torch.scalar(MOMENTUM)));
            runningVar.mul_(Torch.scalar(1 - MOMENTUM)).add_(var.detach().mul(Torch.scalar(MOMENTUM * n / (n - 1.0))));
        }
        Tensor y = centred.mul(var.add(Torch.scalar(EPS)).rsqrt()).mul(weight).add(bias);            // [B, F]
        return y.to(x.scalar_type());
    }
}
