// Spec §3–§5 (clipping, fp16 unscaling, averaging over ranks): the optimiser's gradients, in flat spans or per tensor.
package epg.train;

import epg.nn.FlatParameters;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gradients of the parameters an optimiser updates. Parameters laid out in {@link FlatParameters} whose gradient
 * is attached to the flat gradient buffer form contiguous spans (neighbours merged), and unscaling, norms, clipping and
 * zeroing are one op per span or buffer. The others ("loose": no flat layout, or no gradient so far) take the
 * per-parameter path, PyTorch's single-tensor semantics: a parameter without a gradient is left alone and zeroing
 * drops its gradient. Without layouts every parameter is loose.
 */
public final class Gradients {
    /** Attached parameters {@code names}, adjacent in {@code chunk}: {@code numel} elements from {@code offset}. */
    public record Span(FlatParameters.Chunk chunk, long offset, long numel, List<String> names) {
        public Tensor grad() { return chunk.grad().narrow(0, offset, numel); }   // [numel]

        public Tensor data() { return chunk.data().narrow(0, offset, numel); }   // [numel]
    }

    private final Map<String, Tensor> params;
    private final Map<String, FlatParameters.Slot> slots = new LinkedHashMap<>();
    private final List<FlatParameters> layouts;
    private final List<FlatParameters.Chunk> chunks = new ArrayList<>();
    private List<Span> spans = List.of();
    private List<String> loose;
    private int version;

    /** {@code params} by name; {@code layouts}: the flat layouts of the modules holding them (may be empty). */
    public Gradients(Map<String, Tensor> params, Collection<FlatParameters> layouts) {
        this.params = new LinkedHashMap<>(params);
        this.layouts = List.copyOf(layouts);
        this.layouts.forEach(f -> chunks.addAll(f.chunks()));
        params.forEach((name, p) -> layouts.stream().map(f -> f.slot(p)).filter(s -> s != null).findFirst()
                .ifPresent(s -> slots.put(name, s)));
        rebuild();
    }

    /** After backward: moves new gradients into the flat buffers (the first step's), updating the spans. */
    public void collect() {
        int changed = 0;
        for (FlatParameters f : layouts) changed += f.adoptGradients();
        if (changed > 0) rebuild();
    }

    /**
     * After averaging over ranks: a laid-out parameter without a gradient on this rank whose averaged gradient is not
     * zero (another rank had one) takes it, as the per-tensor averager gives it.
     */
    public void adoptAveraged() {
        boolean changed = false;
        try (NoGradGuard g = new NoGradGuard()) {
            for (String n : loose) {
                FlatParameters.Slot s = slots.get(n);
                Tensor p = params.get(n);
                if (s == null || s.chunk().grad() == null || p.grad().defined() || !p.requires_grad()) continue;
                Tensor region = s.chunk().grad().narrow(0, s.offset(), s.numel());          // [n_p]
                if (!region.ne(new Scalar(0.0)).any().item_bool()) continue;
                p.mutable_grad().put(region.view(Torch.shape(p)).clone());
                changed = true;
            }
        }
        if (changed) collect();
    }

    private void rebuild() {
        List<Map.Entry<String, FlatParameters.Slot>> attached = new ArrayList<>(slots.entrySet().stream()
                .filter(e -> e.getValue().attached()).toList());
        attached.sort(Comparator.<Map.Entry<String, FlatParameters.Slot>>comparingInt(
                e -> chunks.indexOf(e.getValue().chunk())).thenComparingLong(e -> e.getValue().offset()));
        List<Span> out = new ArrayList<>();
        FlatParameters.Chunk chunk = null;
        long start = 0, end = 0;
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, FlatParameters.Slot> e : attached) {
            FlatParameters.Slot s = e.getValue();
            if (s.chunk() != chunk || s.offset() != end) {
                if (chunk != null) out.add(new Span(chunk, start, end - start, List.copyOf(names)));
                chunk = s.chunk();
                start = s.offset();
                names.clear();
            }
            names.add(e.getKey());
            end = s.offset() + s.numel();
        }
        if (chunk != null) out.add(new Span(chunk, start, end - start, List.copyOf(names)));
        spans = List.copyOf(out);
        loose = params.keySet().stream().filter(n -> !slots.containsKey(n) || !slots.get(n).attached()).toList();
        version++;
    }

    /** The flat spans, in buffer order. */
    public List<Span> spans() { return spans; }

    /** The names of the parameters on the per-parameter path. */
    public List<String> loose() { return loose; }

    /** Changes whenever the spans do (optimisers cache what they derive from them). */
    public int version() { return version; }

    public Tensor parameter(String name) { return params.get(name); }

    /** The flat gradient buffers (for averaging over ranks: the same on every rank). */
    public List<Tensor> flatBuffers() {
        return chunks.stream().map(FlatParameters.Chunk::grad).filter(g -> g != null).toList();
    }

    /** The parameters outside every flat layout (averaged per tensor). */
    public List<Tensor> unflattened() {
        return params.entrySet().stream().filter(e -> !slots.containsKey(e.getKey())).map(Map.Entry::getValue)
                .toList();
    }

    /** ‖(‖g_span‖₂, ‖g_p‖₂ of loose p)‖₂ (0 when there is no gradient); call inside a scope. */
    public double norm() {
        TensorVector norms = new TensorVector();
        for (Span s : spans) norms.push_back(s.grad().norm());
        for (String n : loose) if (params.get(n).grad().defined()) norms.push_back(params.get(n).grad().norm());
        return norms.empty() ? 0 : torch.stack(norms).norm().item_double();
    }

    /** Every gradient ← gradient·{@code factor} (the loss scaler's unscaling). */
    public void scale(double factor) {
        Scalar f = new Scalar(factor);
        try (NoGradGuard g = new NoGradGuard()) {
            for (Span s : spans) s.grad().mul_(f);
            for (String n : loose) if (params.get(n).grad().defined()) params.get(n).grad().mul_(f);
        }
    }

    /** torch.nn.utils.clip_grad_norm_ given the norm: ×max/(norm + 1e-6) when that is below 1; returns norm. */
    public double clip(double norm, double max) {
        double factor = max / (norm + 1e-6);
        if (factor < 1) scale(factor);
        return norm;
    }

    /** Zeroes the flat buffers in place and drops the loose gradients. */
    public void zero() {
        layouts.forEach(FlatParameters::zeroGradients);
        for (String n : loose) {
            Tensor p = params.get(n);
            if (p.grad().defined()) p.mutable_grad().put(new Tensor());
        }
    }
}
