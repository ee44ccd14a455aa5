// Spec §3: the NT-Xent loss with per-sample temperatures, positives on the diagonal of the local block.
package epg.loss;

import epg.tensor.Torch;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * NT(f, g): rows of f [B, E] and g [B, E] are L2-normalised; logits = f·g_allᵀ [B, W·B] where g_all is g gathered
 * from every process with this process's block first; loss_b = logsumexp_j(logits_bj/τ_b) − logits_bb/τ_b, in float32.
 * No MoCo-v3 2τ factor. Returns the per-sample loss [B].
 */
public final class NtXent {
    /** Collects g from every process, this process's rows first. */
    @FunctionalInterface
    public interface Gather {
        Tensor all(Tensor g);

        /** One process: g itself. */
        Gather LOCAL = g -> g;
    }

    private NtXent() {}

    public static Tensor perSample(Tensor f, Tensor g, Tensor tau) { return perSample(f, g, tau, Gather.LOCAL); }

    /** f, g [B, E] (any float dtype), τ [B] → loss [B] float32. */
    public static Tensor perSample(Tensor f, Tensor g, Tensor tau, Gather gather) {
        long b = f.size(0);
        Tensor fn = normalize(f), gn = gather.all(normalize(g));
        // [B, W·B] / τ_b
        Tensor logits = fn.matmul(gn.t()).to(ScalarType.Float).div(tau.to(ScalarType.Float).unsqueeze(1));
        return logits.logsumexp(new long[]{1}, false).sub(logits.narrow(1, 0, b).diagonal());
    }

    /** Row-wise x / max(‖x‖₂, 1e-12), as torch.nn.functional.normalize, in float32. */
    public static Tensor normalize(Tensor x) {
        Tensor xf = x.to(ScalarType.Float);
        return xf.div(xf.norm(new ScalarOptional(Torch.scalar(2)), new long[]{1}, true).clamp_min(Torch.scalar(1e-12)));
    }
}
