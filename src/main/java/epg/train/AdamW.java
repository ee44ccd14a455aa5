// AdamW with decoupled weight decay (Loshchilov & Hutter; spec §3–§5), its state held by name for exact resume.
package epg.train;

import epg.nn.FlatParameters;
import epg.nn.Module;
import epg.tensor.Scope;
import epg.tensor.TensorSource;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PyTorch's single-tensor AdamW, step for step: p ← p·(1 − lr·wd); m ← lerp(m, g, 1 − β1); v ← β2·v + (1 − β2)·g²;
 * p ← p − lr/(1 − β1ᵗ) · m / (sqrt(v)/sqrt(1 − β2ᵗ) + ε). Parameters without a gradient are skipped. A parameter
 * with a learning-rate factor f (a parameter group of lr·f, as the release's layer-wise decay builds) uses lr·f in
 * both the decay and the step. On flat parameter buffers (docs/benchmarks.md, "Levers") the same element-wise
 * operations run once per span of neighbouring parameters (moments, denominator) and once per run of equal factor and
 * decay (decay, step): the same numbers, a few ops instead of ~8 per parameter. Long spans go window by window
 * ({@link #WINDOW}).
 */
public final class AdamW {
    /** Flat elements updated together: 4 MiB per buffer, below glibc's mmap threshold and within a last-level cache. */
    static final long WINDOW = 1L << 20;
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
    private final Map<FlatParameters.Chunk, Tensor[]> flatMoments = new IdentityHashMap<>();
    private final Gradients gradients;
    private List<Run> runs = List.of();
    private int runsVersion = -1;
    private long step, window = WINDOW;

    /** Parameters of one span that share learning-rate factor and decay: {@code numel} elements from {@code offset}. */
    private record Run(Gradients.Span span, long offset, long numel, double lrScale, boolean decay) {}

    /** One step's learning rate, bias correction 1 − β1ᵗ and the scalars of the moment and denominator updates. */
    private record Factors(double lr, double bc1, Scalar lerp, Scalar b2, Scalar oneMinusB2, Scalar sqrtBc2,
                           Scalar eps) {}

    public AdamW(Map<String, Tensor> namedParameters, Options options) { this(namedParameters, options, Map.of()); }

    /** {@code lrScales}: the learning-rate factor of each named parameter (a name it lacks: 1). */
    public AdamW(Map<String, Tensor> namedParameters, Options options, Map<String, Double> lrScales) {
        this(namedParameters, options, lrScales, List.of());
    }

    /**
     * With {@code layouts}, the flat layouts of the modules holding the parameters ({@link FlatParameters}): the
     * moments get the same layout, and the update is a few ops per span of adjacent parameters (see {@link
     * Gradients}) instead of per parameter, with the same formula and order of operations on every element.
     */
    public AdamW(Map<String, Tensor> namedParameters, Options options, Map<String, Double> lrScales,
                 Collection<FlatParameters> layouts) {
        this.params = new LinkedHashMap<>(namedParameters);
        this.options = options;
        this.lrScales = Map.copyOf(lrScales);
        lrScales.forEach((name, f) -> {
            if (!(f >= 0)) throw new IllegalArgumentException("learning-rate factor of " + name + " must be >= 0");
        });
        this.gradients = new Gradients(params, layouts);
        try (NoGradGuard g = new NoGradGuard()) {
            params.forEach((name, p) -> {
                FlatParameters.Slot slot = layouts.stream().map(f -> f.slot(p)).filter(s -> s != null).findFirst()
                        .orElse(null);
                expAvg.put(name, slot == null ? Scope.keep(torch.zeros_like(p)) : momentView(slot, 0, p));
                expAvgSq.put(name, slot == null ? Scope.keep(torch.zeros_like(p)) : momentView(slot, 1, p));
            });
        }
    }

    /** The flat optimiser with the layouts of {@code modules} (flattened here when {@code layout} is FLAT). */
    public static AdamW of(Map<String, Tensor> namedParameters, Options options, Map<String, Double> lrScales,
                           Collection<Module> modules, ParameterLayout layout) {
        List<FlatParameters> layouts = layout == ParameterLayout.FLAT
                ? modules.stream().map(FlatParameters::flatten).toList() : List.of();
        return new AdamW(namedParameters, options, lrScales, layouts);
    }

    private Tensor momentView(FlatParameters.Slot slot, int which, Tensor p) {
        Tensor[] m = flatMoments.computeIfAbsent(slot.chunk(), c -> new Tensor[]{
                Scope.keep(torch.zeros_like(c.data())), Scope.keep(torch.zeros_like(c.data()))});
        return Scope.keep(m[which].narrow(0, slot.offset(), slot.numel()).view(Torch.shape(p)));  // [shape of p]
    }

    /** Updates {@code elements} flat elements at a time from now on (tests: windows that cut parameters). */
    AdamW window(long elements) {
        if (elements < 1) throw new IllegalArgumentException("window must be >= 1 element, got " + elements);
        window = elements;
        return this;
    }

    public long stepCount() { return step; }

    /** The gradients of the parameters (norm, clipping, unscaling, zeroing; flat where the parameters are). */
    public Gradients gradients() { return gradients; }

    /** One update with learning rate {@code lr}; call inside a scope (its temporaries are freed there). */
    public void step(double lr) {
        gradients.collect();
        step++;
        double bc1 = 1 - Math.pow(options.beta1(), step), bc2 = 1 - Math.pow(options.beta2(), step);
        Scalar lerp = Torch.scalar(1 - options.beta1()), b2 = Torch.scalar(options.beta2()),
                oneMinusB2 = Torch.scalar(1 - options.beta2());
        Scalar eps = Torch.scalar(options.eps()), sqrtBc2 = Torch.scalar(Math.sqrt(bc2));
        Factors f = new Factors(lr, bc1, lerp, b2, oneMinusB2, sqrtBc2, eps);
        try (NoGradGuard g = new NoGradGuard()) {
            List<Run> all = runs();
            for (int i = 0, j; i < all.size(); i = j) {
                j = spanEnd(all, i);
                Gradients.Span span = all.get(i).span();
                for (long a = span.offset(), end = a + span.numel(); a < end; a += window) {
                    try (Scope temporaries = Scope.open()) {
                        update(span.chunk(), all.subList(i, j), a, Math.min(end, a + window), f);
                    }
                }
            }
            for (String name : gradients.loose()) {
                Tensor p = params.get(name), grad = p.grad();
                if (!grad.defined()) continue;
                double groupLr = lr * lrScales.getOrDefault(name, 1.0);
                if (decays(name)) p.mul_(Torch.scalar(1 - groupLr * options.weightDecay()));
                Tensor m = expAvg.get(name), v = expAvgSq.get(name);
                m.lerp_(grad, lerp);
                v.mul_(b2).addcmul_(grad, grad, oneMinusB2);
                p.addcdiv_(m, v.sqrt().div_(sqrtBc2).add_(eps), Torch.scalar(-groupLr / bc1));
            }
        }
    }

    /**
     * The update of flat elements [from, to) of {@code chunk}, whose parameters are {@code runs} (one span): moments and
     * denominator over the window, then decay and step over each run's part of it. Per element the same operations in
     * the same order as over the whole span; the window keeps the denominator below glibc's mmap threshold (a
     * whole-span temporary of an EPG-B/16 is hundreds of MiB, freshly mapped and zero-filled page by page every step)
     * and the ~8 passes within the last-level cache.
     */
    private void update(FlatParameters.Chunk chunk, List<Run> runs, long from, long to, Factors f) {
        Tensor[] mv = flatMoments.get(chunk);
        long n = to - from;
        Tensor grad = chunk.grad().narrow(0, from, n), m = mv[0].narrow(0, from, n), v = mv[1].narrow(0, from, n); // [n]
        m.lerp_(grad, f.lerp());
        v.mul_(f.b2()).addcmul_(grad, grad, f.oneMinusB2());
        Tensor denom = v.sqrt().div_(f.sqrtBc2()).add_(f.eps());                                           // [n]
        for (Run r : runs) {
            long a = Math.max(from, r.offset()), b = Math.min(to, r.offset() + r.numel());
            if (a >= b) continue;
            double groupLr = f.lr() * r.lrScale();
            Tensor p = chunk.data().narrow(0, a, b - a);                                                   // [b - a]
            if (r.decay()) p.mul_(Torch.scalar(1 - groupLr * options.weightDecay()));
            p.addcdiv_(mv[0].narrow(0, a, b - a), denom.narrow(0, a - from, b - a), Torch.scalar(-groupLr / f.bc1()));
        }
    }

    /** The index after the last run of the span that run {@code i} belongs to. */
    private static int spanEnd(List<Run> runs, int i) {
        int j = i;
        while (j < runs.size() && runs.get(j).span() == runs.get(i).span()) j++;
        return j;
    }

    private boolean decays(String name) { return options.weightDecay() > 0 && !options.noDecay().contains(name); }

    /** The spans cut where the learning-rate factor or the decay changes (recomputed when the spans change). */
    private List<Run> runs() {
        if (runsVersion == gradients.version()) return runs;
        List<Run> out = new ArrayList<>();
        for (Gradients.Span s : gradients.spans()) {
            long offset = s.offset();
            Run open = null;
            for (String name : s.names()) {
                long n = params.get(name).numel();
                double f = lrScales.getOrDefault(name, 1.0);
                boolean d = decays(name);
                if (open != null && open.lrScale() == f && open.decay() == d)
                    open = new Run(s, open.offset(), open.numel() + n, f, d);
                else {
                    if (open != null) out.add(open);
                    open = new Run(s, offset, n, f, d);
                }
                offset += n;
            }
            if (open != null) out.add(open);
        }
        runs = List.copyOf(out);
        runsVersion = gradients.version();
        return runs;
    }

    /**
     * Drops every gradient (PyTorch's zero_grad(set_to_none=True)); gradients in flat buffers are zeroed in place
     * instead (the parameter still counts as having a gradient, as after zero_grad(set_to_none=False)).
     */
    public void zeroGrad() { gradients.zero(); }

    /** Moments keyed "exp_avg.NAME" / "exp_avg_sq.NAME", and the step count, for a training-state checkpoint. */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        expAvg.forEach((k, v) -> out.put("exp_avg." + k, v));
        expAvgSq.forEach((k, v) -> out.put("exp_avg_sq." + k, v));
        out.put("step", Torch.fromLongs(new long[]{step}, 1));
        return out;
    }

    /** Copies {@link #state()}'s tensors back, each fetched, copied and freed in a scope of its own. */
    public void loadState(TensorSource state) throws IOException {
        try (NoGradGuard g = new NoGradGuard()) {
            for (String k : params.keySet()) {
                copy(state, "exp_avg." + k, expAvg.get(k));
                copy(state, "exp_avg_sq." + k, expAvgSq.get(k));
            }
        }
        try (Scope s = Scope.open()) {
            step = Torch.toLongs(require(state, "step"))[0];
        }
    }

    private static void copy(TensorSource state, String key, Tensor into) throws IOException {
        try (Scope s = Scope.open()) {
            into.copy_(require(state, key));
        }
    }

    private static Tensor require(TensorSource state, String key) throws IOException {
        Tensor t = state.tensor(key);
        if (t == null)
            throw new IllegalArgumentException("optimiser state lacks '" + key
                    + "': the checkpoint was written for another model");
        return t;
    }
}
