// Spec §3 (momentum encoder, rate 0.99) and §4–§5 (EMA 0.9999 for sampling): target ← rate·target + (1 − rate)·source.
package epg.train;

import epg.nn.FlatParameters;
import epg.nn.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An exponential moving average of one module's parameters (and optionally its buffers) held in another module of
 * the same shape, updated in place with lerp_ under no-grad. The target's parameters never require gradients.
 * Floating buffers are averaged like parameters; integer buffers (BatchNorm's num_batches_tracked) are copied.
 * When both modules' parameters are flat with the same layout ({@link FlatParameters}), the parameters are one lerp_
 * per buffer.
 */
public final class Ema {
    private final Module source, target;
    private final List<Tensor[]> parameters = new ArrayList<>(), averaged = new ArrayList<>(),
            copied = new ArrayList<>();
    private final double rate;
    private FlatParameters flatSource, flatTarget;
    private boolean flat;

    public Ema(Module source, Module target, double rate, boolean buffers) {
        if (!(rate >= 0 && rate <= 1)) throw new IllegalArgumentException("EMA rate must be in [0, 1], got " + rate);
        this.rate = rate;
        this.source = source;
        this.target = target;
        pair(source.namedParameters(), target.namedParameters(), true);
        if (buffers) pair(source.namedBuffers(), target.namedBuffers(), false);
        for (Tensor t : target.namedParameters().values()) t.requires_grad_(false);
    }

    private void pair(Map<String, Tensor> source, Map<String, Tensor> target, boolean params) {
        if (!source.keySet().equals(target.keySet()))
            throw new IllegalArgumentException("EMA source and target differ in their tensors");
        source.forEach((name, s) -> {
            Tensor t = target.get(name);
            (params ? parameters : s.is_floating_point() ? averaged : copied).add(new Tensor[]{s, t});
        });
    }

    public double rate() { return rate; }

    /** Whether the last update averaged the parameters as whole flat buffers. */
    public boolean flat() { return flat; }

    /** One update; call inside a scope. */
    public void update() {
        Scalar weight = new Scalar(1 - rate);
        try (NoGradGuard g = new NoGradGuard()) {
            if (flatLayouts()) {
                List<FlatParameters.Chunk> s = flatSource.chunks(), t = flatTarget.chunks();
                for (int i = 0; i < s.size(); i++) t.get(i).data().lerp_(s.get(i).data(), weight);
            } else {
                for (Tensor[] st : parameters) st[1].lerp_(st[0], weight);
            }
            for (Tensor[] st : averaged) st[1].lerp_(st[0], weight);
            for (Tensor[] st : copied) st[1].copy_(st[0]);
        }
    }

    /** Whether both modules are flat with one layout (checked again whenever either layout changes). */
    private boolean flatLayouts() {
        FlatParameters s = source.flatParameters(), t = target.flatParameters();
        if (s != flatSource || t != flatTarget) {
            flatSource = s;
            flatTarget = t;
            flat = s != null && t != null && s.sameLayout(t);
        }
        return flat;
    }
}
