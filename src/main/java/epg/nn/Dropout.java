// Dropout (spec §2.2 decoder attn_drop / proj_drop; §5: rate 0.5, the online pass's mask replayed for the target).
package epg.nn;

import epg.tensor.Rng;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Inverted dropout, a no-op outside training. Without a generator it is libtorch's dropout (global generator);
 * with one, the keep mask is drawn from it, so that restoring the generator's state replays the same masks
 * (consistency training evaluates its target with the online pass's dropout mask, spec §5).
 */
final class Dropout {
    private Dropout() {}

    static Tensor apply(Tensor x, double p, boolean training, Rng rng) {
        if (!training || p <= 0) return x;
        if (rng == null) return torch.dropout(x, p, true);
        double keep = 1 - p;
        Tensor mask = torch.bernoulli(x.detach(), keep, rng.optional()); // shape of x; 1 with probability keep
        return x.mul(mask).mul(Torch.scalar(1 / keep));
    }
}
