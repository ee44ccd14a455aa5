// docs/distributed.md: a stage's per-sample random draws, taken for the global batch and cut to this rank's rows.
package epg.train;

import epg.dist.Distributed;
import epg.tensor.Rng;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Every rank draws from the same seeded generator for all W·B samples and keeps its block, so W processes of batch B
 * consume exactly the numbers one process of batch W·B does (on the CPU generator, whatever the device).
 */
record BatchDraws(Rng rng, Distributed group) {
    /** Standard normals, one per sample of this rank: float64 [B]. */
    double[] normals(int localBatch) {
        return Torch.toDoubles(group.slice(torch.randn(new long[]{(long) localBatch * group.worldSize()},
                rng.optional(), Torch.options(ScalarType.Double))));
    }

    /** Standard normal images of this rank's samples, float32 [B, C, H, W] (local shape given). */
    Tensor normals(long[] localShape) {
        long[] global = localShape.clone();
        global[0] *= group.worldSize();
        return group.slice(torch.randn(global, rng.optional(), Torch.options(ScalarType.Float)));
    }

    /** U(0, 1) per sample of this rank, float32 [B]. */
    Tensor uniforms(int localBatch) {
        return group.slice(torch.rand(new long[]{(long) localBatch * group.worldSize()}, rng.optional(),
                Torch.options(ScalarType.Float)));
    }
}
