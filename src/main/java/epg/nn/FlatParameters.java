// Parameter storage for whole-buffer updates (apex/DeepSpeed's flat-buffer layout): one buffer per dtype and device.
package epg.nn;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A module's parameters as views into one contiguous buffer per (dtype, device), in state-dict order: the values are
 * copied in and each parameter's data set to its view, so the parameter keeps its identity, name, shape and
 * requires_grad, and state-dict loading (copy_ into it) and saving read and write the buffer. Parameters that require
 * gradients get a flat gradient buffer of the same layout: {@link #adoptGradients} copies a gradient autograd created
 * into its view and makes the view the parameter's gradient, after which backward accumulates into it in place
 * (AccumulateGrad adds into a defined gradient when grad mode is off) and zeroing is one op per buffer.
 * Build it after the module's construction, loading and device move ({@link Module#to} undoes it).
 */
public final class FlatParameters {
    /** The buffers of one dtype and device: values, and gradients (null when no parameter requires one). */
    public static final class Chunk {
        private final Tensor data, grad;

        private Chunk(Tensor data, Tensor grad) {
            this.data = data;
            this.grad = grad;
        }

        public Tensor data() { return data; }

        /** Null when no parameter of this chunk requires a gradient. */
        public Tensor grad() { return grad; }

        public long numel() { return data.numel(); }
    }

    /** Where one parameter lives: {@code numel} elements from {@code offset} of {@code chunk}. */
    public static final class Slot {
        private final Chunk chunk;
        private final Tensor parameter;
        private final long offset, numel;
        private Tensor gradView;
        private long gradAddress;
        private boolean attached;

        private Slot(Chunk chunk, Tensor parameter, long offset, long numel) {
            this.chunk = chunk;
            this.parameter = parameter;
            this.offset = offset;
            this.numel = numel;
        }

        public Chunk chunk() { return chunk; }

        public long offset() { return offset; }

        public long numel() { return numel; }

        /** Whether the parameter's gradient is its view of the flat gradient buffer. */
        public boolean attached() { return attached; }
    }

    private final List<Chunk> chunks = new ArrayList<>();
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final Map<Tensor, Slot> byTensor = new IdentityHashMap<>();

    private FlatParameters() {}

    /** Makes {@code module}'s parameters views into flat buffers (once: a flat module returns its layout). */
    public static FlatParameters flatten(Module module) {
        if (module.flatParameters() != null) return module.flatParameters();
        FlatParameters f = new FlatParameters();
        Map<String, List<Map.Entry<String, Tensor>>> byKind = new LinkedHashMap<>();
        module.namedParameters().entrySet().forEach(e -> byKind.computeIfAbsent(kind(e.getValue()),
                k -> new ArrayList<>()).add(e));
        try (NoGradGuard g = new NoGradGuard()) {
            byKind.values().forEach(f::addChunk);
        }
        module.flat(f);
        return f;
    }

    private static String kind(Tensor t) { return t.scalar_type() + "@" + t.device().str().getString(); }

    private void addChunk(List<Map.Entry<String, Tensor>> params) {
        Tensor first = params.get(0).getValue();
        long total = params.stream().mapToLong(e -> e.getValue().numel()).sum();
        boolean grads = params.stream().anyMatch(e -> e.getValue().requires_grad());
        org.bytedeco.pytorch.TensorOptions like = Torch.options(first.scalar_type(), first.device());
        Tensor data = Scope.keep(torch.empty(new long[]{total}, like, null));                 // [N]
        Tensor grad = grads ? Scope.keep(torch.zeros(new long[]{total}, like)) : null;        // [N]
        Chunk c = new Chunk(data, grad);
        chunks.add(c);
        long offset = 0;
        for (Map.Entry<String, Tensor> e : params) {
            Tensor p = e.getValue();
            long n = p.numel();
            Tensor view = data.narrow(0, offset, n).view(Torch.shape(p));   // [shape of p]
            view.copy_(p);
            p.set_data(view);
            Slot s = new Slot(c, p, offset, n);
            slots.put(e.getKey(), s);
            byTensor.put(p, s);
            offset += n;
        }
    }

    public List<Chunk> chunks() { return Collections.unmodifiableList(chunks); }

    /** The slot of a parameter of this module (by identity), or null. */
    public Slot slot(Tensor parameter) { return byTensor.get(parameter); }

    /** Slots by parameter name, in state-dict order. */
    public Map<String, Slot> slots() { return Collections.unmodifiableMap(slots); }

    /**
     * Makes the gradient of every parameter that has one its view of the flat gradient buffer (copying the values
     * autograd created), and detaches the slots whose gradient was since replaced or dropped. Returns how many slots
     * changed (0 on every step after the first, as long as only backward and {@link #zeroGradients} touch them).
     */
    public int adoptGradients() {
        int changed = 0;
        try (NoGradGuard g = new NoGradGuard()) {
            for (Slot s : slots.values()) {
                if (s.chunk.grad == null || !s.parameter.requires_grad()) continue;
                Tensor grad = s.parameter.grad();
                if (s.attached && grad.defined() && grad.data_ptr().address() == s.gradAddress) continue;
                if (s.attached) { s.attached = false; changed++; }
                if (!grad.defined()) continue;
                if (s.gradView == null) {
                    s.gradView = Scope.keep(s.chunk.grad.narrow(0, s.offset, s.numel)
                            .view(Torch.shape(s.parameter)));                      // [shape of p]
                    s.gradAddress = s.gradView.data_ptr().address();
                }
                s.gradView.copy_(grad);
                s.parameter.mutable_grad().put(s.gradView);
                s.attached = true;
                changed++;
            }
        }
        return changed;
    }

    /** Zeroes the flat gradient buffers in place (the views stay the parameters' gradients). */
    public void zeroGradients() {
        try (NoGradGuard g = new NoGradGuard()) {
            for (Chunk c : chunks) if (c.grad != null) c.grad.zero_();
        }
    }

    /** Whether {@code other} has the same names, dtypes, devices, sizes and offsets (an EMA copy of this module). */
    public boolean sameLayout(FlatParameters other) {
        if (chunks.size() != other.chunks.size() || !slots.keySet().equals(other.slots.keySet())) return false;
        for (int i = 0; i < chunks.size(); i++) {
            Tensor a = chunks.get(i).data, b = other.chunks.get(i).data;
            if (a.numel() != b.numel() || !kind(a).equals(kind(b)))
                return false;
        }
        for (Map.Entry<String, Slot> e : slots.entrySet()) {
            Slot a = e.getValue(), b = other.slots.get(e.getKey());
            if (a.offset != b.offset || a.numel != b.numel
                    || chunks.indexOf(a.chunk) != other.chunks.indexOf(b.chunk)) return false;
        }
        return true;
    }
}
