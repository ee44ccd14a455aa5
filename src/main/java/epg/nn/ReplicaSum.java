// Spec §3 "multi-process runs use synchronised BatchNorm": the sum over every process of a per-process statistic.
package epg.nn;

import org.bytedeco.pytorch.Tensor;

/**
 * A differentiable sum across the data-parallel replicas: forward gives Σ_r local_r on every rank; backward sends
 * each rank the gradient of the global loss with respect to that sum (the gradients reaching it on all ranks, summed),
 * so that, after the gradients are averaged over ranks, W processes of batch B equal one process of batch W·B.
 */
public interface ReplicaSum {
    /** Σ over replicas of {@code local} (same shape). */
    Tensor sum(Tensor local);

    /** The number of replicas W. */
    int replicas();
}
