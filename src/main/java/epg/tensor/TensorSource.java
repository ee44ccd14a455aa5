// A checkpoint's named tensors handed out one at a time (spec §2 state dicts), so that a loader holds one of them
// beside the network instead of a second copy of the whole network.
package epg.tensor;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Named CPU tensors, each fetched by name: a file read on demand ({@link SafetensorsFile}) or tensors in memory. */
public interface TensorSource extends AutoCloseable {
    /** Every tensor's shape, by name. */
    Map<String, long[]> shapes();

    /** Every tensor's element type, by name. */
    Map<String, ScalarType> dtypes();

    /** The string metadata (empty where the format has none). */
    Map<String, String> metadata();

    /**
     * The named tensor, or null where there is none. A source that reads on demand returns a new tensor on each call,
     * owned by the {@link Scope} open at the call (a loader opens one per tensor, so each is freed once copied); a
     * source that holds its tensors returns its own, which stay its own.
     */
    Tensor tensor(String name) throws IOException;

    /** Frees what the source holds (its tensors, its open file). */
    @Override
    void close() throws IOException;

    /** Every tensor's element count. */
    default long numel() { return shapes().values().stream().mapToLong(Torch::numel).sum(); }

    /** A source over tensors the caller owns (closing it frees nothing). */
    static TensorSource of(Map<String, Tensor> tensors) {
        return new TensorSource() {
            @Override public Map<String, long[]> shapes() { return shapesOf(tensors); }
            @Override public Map<String, ScalarType> dtypes() { return dtypesOf(tensors); }
            @Override public Map<String, String> metadata() { return Map.of(); }
            @Override public Tensor tensor(String name) { return tensors.get(name); }
            @Override public void close() {}
        };
    }

    /** The element types of {@code tensors}, by name in their order. */
    static Map<String, ScalarType> dtypesOf(Map<String, Tensor> tensors) { return byName(tensors, Tensor::scalar_type); }

    /** The shapes of {@code tensors}, by name in their order. */
    static Map<String, long[]> shapesOf(Map<String, Tensor> tensors) { return byName(tensors, Torch::shape); }

    /** {@code f} of each value of {@code entries}, by name in their order. */
    static <V, R> Map<String, R> byName(Map<String, V> entries, Function<V, R> f) {
        Map<String, R> out = new LinkedHashMap<>();
        entries.forEach((k, v) -> out.put(k, f.apply(v)));
        return out;
    }
}
