// An indexed container whose children are named "0", "1", ... (PyTorch's ModuleList / Sequential keys, gaps allowed).
package epg.nn;

import java.util.ArrayList;
import java.util.List;

/** An indexed container of modules whose children are named "0", "1", ... as PyTorch's ModuleList names them. */
public final class ModuleList<M extends Module> extends Module {
    private final List<M> items = new ArrayList<>();

    /** Adds {@code m} under the key {@code index} (Sequential keys skip parameter-free layers such as ReLU). */
    public <T extends M> T put(int index, T m) {
        items.add(child(Integer.toString(index), m));
        return m;
    }

    public <T extends M> T add(T m) { return put(items.size(), m); }

    public List<M> items() { return items; }

    public int size() { return items.size(); }
}
