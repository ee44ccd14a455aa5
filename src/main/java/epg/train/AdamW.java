// AdamW with decoupled weight decay (Loshchilov & Hutter; spec §3–§5), its state held by name for exact resume.
package epg.train;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * PyTorch's single-tensor AdamW, step for step: p ← p·(1 − lr·wd); m ← lerp(m, g, 1 − β1); v ← β2·v + (1 − β2)·g²;
 * p ← p − lr/(1 − β1ᵗ) · m / (sqrt(v)/sqrt(1 − β2ᵗ) + ε). Parameters without a gradient are skipped. A parameter
 * with a learning-rate factor f (a parameter group of lr·f, as the release's layer-wise decay builds) uses lr·f in
 * both the decay and the step.
 */
public final class AdamW {
    /** @param noDecay parameter names that take no weight decay (e.g. pos_embed, cls_token) */
    public record Options(double beta1, double beta2, double eps, double weightDecay, Set<String> noDecay) {
        public Options {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
                throw new IllegalArgumentException("AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
            if (!(eps > 0)) throw new IllegalArgumentException("AdamW eps must be > 0, got " + eps);
            if (!(weightDecay >= 0))
                throw new IllegalArgumentException("AdamW weight decay must be >= 0, got " + weightDecay);
            noDecay = Set.copyOf(noDecay);
        }
    }

    private final Map<String, Tensor> params;
    private final Options options;
    private final Map<String, Double> lrScales;
    private final Map<String, Tensor> expAvg = new LinkedHashMap<>(), expAvgSq = new LinkedHashMap<>();
    private long step;

    public AdamW(Map<String, Tensor> namedParameters, Options options) { this(namedParameters, options, Map.of()); }

    /** {@code lrScales}: the learning-rate factor of each named parameter (a name it lacks: 1). */
    public AdamW(Map<String, Tensor> namedParameters, Options options, Map<String, Double> lrScales) {
        this.params = new LinkedHashMap<>(namedParameters);
        this.options = options;
        this.lrScales = Map.copyOf(lrScales);
        lrScales.forEach((name, f) -> {
            if (!(f >= 0)) throw new IllegalArgumentException("learning-rate factor of " + name + " must be >= 0");
        });
        try (NoGradGuard g = new NoGradGuard()) {
            params.forEach((name, p) -> {
                expAvg.put(name, Scope.keep(torch.zeros_like(p)));
                expAvgSq.put(name, Scope.keep(torch.zeros_like(p)));
            });
        }
    }

    public long stepCount() { return step; }

    /** One update with learning rate {@code lr}; call inside a scope (its temporaries are freed there). */
    public void step(double lr) {
        step++;
        double bc1 = 1 - Math.pow(options.beta1(), step), bc2 = 1 - Math.pow(options.beta2(), step);
        Scalar lerp = Torch.scalar(1 - options.beta1()), b2 = Torch.scalar(options.beta2()),
                oneMinusB2 = Torch.scalar(1 - options.beta2());
        Scalar eps = Torch.scalar(options.eps()), sqrtBc2 = Torch.scalar(Math.sqrt(bc2));
        try (NoGradGuard g = new NoGradGuard()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                Tensor p = e.getValue(), grad = p.grad();
                if (!grad.defined()) continue;
                double groupLr = lr * lrScales.getOrDefault(e.getKey(), 1.0);
                if (options.weightDecay() > 0 && !options.noDecay().contains(e.getKey()))
                    p.mul_(Torch.scalar(1 - groupLr * options.weightDecay()));
                Tensor m = expAvg.get(e.getKey()), v = expAvgSq.get(e.getKey());
                m.lerp_(grad, lerp);
                v.mul_(b2).addcmul_(grad, grad, oneMinusB2);
                p.addcdiv_(m, v.sqrt().div_(sqrtBc2).add_(eps), Torch.scalar(-groupLr / bc1));
            }
        }
    }

    /** Drops every gradient (PyTorch's zero_grad(set_to_none=True)). */
    public void zeroGrad() {
        for (Tensor p : params.values()) if (p.grad().defined()) p.mutable_grad().put(new Tensor());
    }

    /** Moments keyed "exp_avg.NAME" / "exp_avg_sq.NAME", and the step count, for a training-state checkpoint. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        expAvg.forEach((k, v) -> out.put("exp_avg." + k, v));
        expAvgSq.forEach((k, v) -> out.put("exp_avg_sq." + k, v));
        out.put("step", Torch.fromLongs(new long[]{step}, 1));
        return out;
    }

    public void loadState(Map<String, Tensor> state) {
        try (NoGradGuard g = new NoGradGuard()) {
            for (String k : params.keySet()) {
                expAvg.get(k).copy_(require(state, "exp_avg." + k));
                expAvgSq.get(k).copy_(require(state, "exp_avg_sq." + k));
            }
        }
        step = Torch.toLongs(require(state, "step"))[0];
    }

    private static Tensor require(Map<String, Tensor> state, String key) {
        Tensor t = state.get(key);
        if (t == null)
            throw new IllegalArgumentException("optimiser state lacks '" + key
                    + "': the checkpoint was written for another model");
        return t;
    }
}
