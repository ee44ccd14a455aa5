// The network building block (spec §2): parameters, buffers and children whose dotted names are the state-dict keys.
package epg.nn;

import epg.tensor.Checkpoints;
import epg.tensor.Natives;
import epg.tensor.Scope;
import epg.tensor.TensorSource;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A tree of named tensors. Parameters are leaf tensors that require gradients; buffers do not (BatchNorm
 * running statistics). Names join with dots exactly as PyTorch's {@code state_dict()} does, so the released
 * checkpoints load by key. Forward passes are plain methods of the subclasses.
 */
public abstract class Module {
    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    private FlatParameters flat;

    /** Every network starts here, before its subclass creates a tensor: the natives load first (see Natives). */
    protected Module() {
        Natives.load();
    }

    /**
     * Registers {@code value} (a fresh tensor the caller no longer uses) as parameter {@code name}. A fresh leaf becomes
     * the parameter itself, not a detached alias: an alias would leave the original handle holding the storage after
     * {@link FlatParameters} moves the parameter into its flat buffer, until the garbage collector happened to run
     * (an EPG-B/16 step's peak 9.8 GB, 8.6 GB without them: the model's and its EMA copy's construction storages).
     */
    protected final Tensor parameter(String name, Tensor value) {
        Tensor p = Scope.keep(value.is_leaf() && !value.requires_grad() ? value : value.detach());
        p.requires_grad_(true);
        parameters.put(name, p);
        return p;
    }

    protected final Tensor buffer(String name, Tensor value) {
        Tensor b = Scope.keep(value);
        buffers.put(name, b);
        return b;
    }

    protected final <M extends Module> M child(String name, M module) {
        children.put(name, module);
        return module;
    }

    public final boolean isTraining() { return training; }

    /**
     * Sets training mode (dropout active, BatchNorm on batch statistics) on this module and all below it. The public
     * networks ({@link EpgModel}, {@link RcmEncoder}, ...) return their own type, so that {@code model.eval().forward(
     * ...)} compiles.
     */
    public Module train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
        return this;
    }

    /** Evaluation mode: {@code train(false)}. */
    public Module eval() { return train(false); }

    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        visit("", (m, prefix) -> m.parameters.forEach((k, v) -> out.put(prefix + k, v)));
        return out;
    }

    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        visit("", (m, prefix) -> m.buffers.forEach((k, v) -> out.put(prefix + k, v)));
        return out;
    }

    /** Parameters and buffers, in PyTorch's state-dict order (own parameters, own buffers, then each child). */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        visit("", (m, prefix) -> {
            m.parameters.forEach((k, v) -> out.put(prefix + k, v));
            m.buffers.forEach((k, v) -> out.put(prefix + k, v));
        });
        return out;
    }

    /**
     * Moves every parameter and buffer to {@code device} in place (each tensor keeps its identity: optimisers); a flat
     * layout is dropped (flatten after moving).
     */
    public Module to(org.bytedeco.pytorch.Device device) {
        flat = null;
        try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
            for (Tensor t : stateDict().values()) t.set_data(t.to(device, t.scalar_type()));
        }
        return this;
    }

    /** The flat buffers this module's parameters are views into ({@link FlatParameters#flatten}), or null. */
    public final FlatParameters flatParameters() { return flat; }

    final void flat(FlatParameters layout) { this.flat = layout; }

    public final long parameterCount() {
        return namedParameters().values().stream().mapToLong(Tensor::numel).sum();
    }

    private void visit(String prefix, BiConsumer<Module, String> action) {
        action.accept(this, prefix);
        children.forEach((name, c) -> c.visit(prefix + name + ".", action));
    }

    /** Copies {@code source}'s values into this module's tensors (see {@link StateDictLoader}). */
    public final LoadReport load(Map<String, Tensor> source, boolean strict) {
        try {
            return StateDictLoader.load(this, TensorSource.of(source), strict);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // tensors in memory: nothing to read
        }
    }

    /** The same from tensors fetched one at a time ({@link TensorSource}). */
    public final LoadReport load(TensorSource source, boolean strict) throws IOException {
        return StateDictLoader.load(this, source, strict);
    }

    /**
     * The same from a checkpoint file: a safetensors file is read one tensor at a time, each freed once copied
     * ({@link Checkpoints#open}), so loading holds the network and one of its tensors, not a second copy of it.
     */
    public final LoadReport load(Path file, boolean strict) throws IOException {
        try (TensorSource s = Checkpoints.open(file)) {
            return load(s, strict);
        }
    }

    protected static long[] shape(Tensor t) { return Torch.shape(t); }
}
