// Reads PyTorch's zip checkpoint format (torch.save of a state dict, e.g. the released nnet_ema.pth) without Python.
package epg.tensor;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The file is a zip holding {@code <archive>/data.pkl} (a pickle whose tensors refer to storages by key) and one
 * entry {@code <archive>/data/<key>} of raw little-endian bytes per storage. libtorch's own pickle reader cannot
 * read state dicts (the OrderedDict with {@code _metadata}), hence this reader.
 * <p>
 * A checkpoint may be hostile. Reading runs in three phases, and nothing is allocated for a tensor before the
 * second has passed: the pickle is unpickled under limits ({@link BoundedUnpickler}: no code runs, every claimed
 * length fits the pickle), the resulting tree is walked under limits (depth, entries, key length, no cycles, no dict
 * reached twice: memo bombs), and every tensor's view and every storage's size is checked against the archive; only
 * then are the storages read.
 */
public final class TorchPickle {
    /** The largest data.pkl read (a state dict of 100k tensors pickles to about 10 MB). */
    static final long MAX_PICKLE = 256L << 20;
    /** Nesting of dicts below the root, entries visited in all, characters of a flattened key. */
    static final int MAX_DEPTH = 32, MAX_ENTRIES = 1_000_000, MAX_KEY = 4096;

    private TorchPickle() {}

    /** Every tensor in the file, keyed as in the state dict; nested dictionaries are flattened with dots. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (Opened f = open(file)) {
            return materialise(f.layouts, f.storages);
        }
    }

    /**
     * The file with its pickle read and every tensor's view checked (the first two phases), each tensor read from its
     * storage only when asked for: loading a network from it holds one storage and one tensor beside the network.
     */
    public static TensorSource source(Path file) throws IOException { return open(file); }

    private static Opened open(Path file) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new IOException(file + " is not a PyTorch zip checkpoint (torch.save from PyTorch >= 1.6): "
                    + e.getMessage() + ". Re-save it with torch.save(state_dict, f) or convert it to safetensors.", e);
        }
        try {
            long length = Files.size(file);
            ZipEntry pkl = zip.stream()
                    .filter(e -> e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl")).findFirst()
                    .orElseThrow(() -> new IOException(file + " has no data.pkl entry: not a torch.save checkpoint"));
            String archive = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            Storages storages = new Storages(zip, archive, file, length);
            Object root = unpickle(zip, pkl, storages, file, length);
            Map<String, PickledTensor.Layout> layouts = layouts(root, file);
            if (layouts.isEmpty()) throw new IOException(file + ": data.pkl holds no tensors (not a state dict?)");
            storages.checkTotal(layouts.values());
            return new Opened(zip, layouts, storages);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** An open, checked file: its tensors' views, and the storages they are read from. */
    private record Opened(ZipFile zip, Map<String, PickledTensor.Layout> layouts, Storages storages)
            implements TensorSource {
        @Override
        public Map<String, long[]> shapes() { return TensorSource.byName(layouts, l -> l.size().clone()); }

        @Override
        public Map<String, ScalarType> dtypes() {
            return TensorSource.byName(layouts, l -> l.storage().dtype().scalarType);
        }

        @Override
        public Map<String, String> metadata() { return Map.of(); }

        /** The tensor's view copied out of its storage, which is read for it and freed at once. */
        @Override
        public Tensor tensor(String name) throws IOException {
            PickledTensor.Layout l = layouts.get(name);
            if (l == null) return null;
            Tensor data = storages.load(l.storage());
            try {
                return l.of(data);
            } finally {
                data.close();
            }
        }

        @Override
        public void close() throws IOException { zip.close(); }
    }

    private static Object unpickle(ZipFile zip, ZipEntry pkl, Storages storages, Path file, long length)
            throws IOException {
        String source = file + ":" + pkl.getName();
        long size = ZipEntries.size(pkl, length, source);
        if (size > MAX_PICKLE)
            throw new IOException(source + " is " + size + " bytes; a state dict's pickle is far smaller (limit "
                    + MAX_PICKLE + ")");
        byte[] pickle;
        try (InputStream in = zip.getInputStream(pkl)) {
            pickle = in.readNBytes((int) size);
        }
        try {
            return new BoundedUnpickler(storages.allowedGlobals(), storages::resolve).read(pickle);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            String m = oneLine(e);
            throw new IOException(source + ": " + m + (m.contains("refused") ? "" : " (not a state dict pickle as "
                    + "torch.save writes it; refused)"), e);
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() <= 300 ? m : m.substring(0, 297) + "...";
    }

    /** The tensors of the tree under {@code root}, keyed by their dotted path, each view checked. */
    private static Map<String, PickledTensor.Layout> layouts(Object root, Path file) throws IOException {
        Map<String, PickledTensor> tensors = new LinkedHashMap<>();
        new Walk(file, tensors).visit("", root, 0);
        Map<String, PickledTensor.Layout> out = new LinkedHashMap<>();
        for (Map.Entry<String, PickledTensor> e : tensors.entrySet()) {
            try {
                out.put(e.getKey(), e.getValue().layout("tensor '" + e.getKey() + "'"));
            } catch (IllegalArgumentException x) {
                throw new IOException(file + ": " + x.getMessage(), x);
            }
        }
        return out;
    }

    /** Reads each storage once, then copies every tensor's view out of it. */
    private static Map<String, Tensor> materialise(Map<String, PickledTensor.Layout> layouts, Storages storages)
            throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Scope s = Scope.open()) {
            Map<String, Tensor> flat = new HashMap<>();
            for (Map.Entry<String, PickledTensor.Layout> e : layouts.entrySet()) {
                PickledStorage st = e.getValue().storage();
                Tensor data = flat.get(st.key());
                if (data == null) flat.put(st.key(), data = storages.load(st));
                out.put(e.getKey(), Scope.keep(e.getValue().of(data)));
            }
        }
        return out;
    }

    /** The depth-first walk of the unpickled tree, with its limits. */
    private static final class Walk {
        private final Path file;
        private final Map<String, PickledTensor> out;
        private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Set<Object> path = Collections.newSetFromMap(new IdentityHashMap<>());
        private long entries;

        Walk(Path file, Map<String, PickledTensor> out) {
            this.file = file;
            this.out = out;
        }

        void visit(String key, Object value, int depth) throws IOException {
            if (value instanceof PickledTensor t) {
                String k = key.isEmpty() ? "tensor" : key;
                if (out.put(k, t) != null) throw refused("key '" + k + "' names two tensors");
            } else if (value instanceof Map<?, ?> m) {
                String where = key.isEmpty() ? "the top-level dict" : "the dict at '" + key + "'";
                if (path.contains(m)) throw refused(where + " contains itself (a cycle)");
                if (!seen.add(m)) throw refused(where + " is reached a second time (shared dicts: a memo bomb?)");
                if (depth > MAX_DEPTH) throw refused(where + " is nested deeper than " + MAX_DEPTH + " dicts");
                path.add(m);
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (++entries > MAX_ENTRIES) throw refused("holds more than " + MAX_ENTRIES + " dict entries");
                    String child = (key.isEmpty() ? "" : key + ".") + e.getKey();
                    if (child.length() > MAX_KEY)
                        throw refused("a key is longer than " + MAX_KEY + " characters ("
                                + child.substring(0, 40) + "...)");
                    visit(child, e.getValue(), depth + 1);
                }
                path.remove(m);
            }
            // Other values (step counters, config strings, lists, None) are not tensors and are skipped.
        }

        private IOException refused(String why) {
            return new IOException(file + ": data.pkl: " + why + "; refused");
        }
    }

    static {
        for (DType d : DType.values()) Unpickler.registerConstructor("torch", d.storage, new StorageType(d));
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", PickledTensor::new);
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", TorchPickle::parameter);
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter_with_state", TorchPickle::parameter);
        Unpickler.registerConstructor("collections", "OrderedDict", args -> new StateDictMap());
    }

    /** _rebuild_parameter(data, requires_grad, hooks[, state]): the tensor itself. */
    private static Object parameter(Object[] args) {
        if (args.length < 1 || !(args[0] instanceof PickledTensor))
            throw new PickleException("_rebuild_parameter of something other than a tensor");
        return args[0];
    }

    /** The class object pickled for a storage type; persistent ids carry it to name the element type. */
    record StorageType(DType dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("storage types are not constructed directly");
        }
    }

    /**
     * OrderedDict as pickled by state_dict(): its instance attributes (_metadata) are accepted and ignored. razorvine
     * finds __setstate__ by the exact class of the state (a dict: LinkedHashMap here).
     */
    public static final class StateDictMap extends LinkedHashMap<Object, Object> {
        public void __setstate__(LinkedHashMap<?, ?> state) { /* _metadata: version numbers of modules, not needed */ }

        public void __setstate__(StateDictMap state) { /* the same, pickled as an OrderedDict */ }
    }

    /** The storages the pickle names, each checked against its zip entry when first named. */
    private static final class Storages {
        private final ZipFile zip;
        private final String archive;
        private final Path file;
        private final long length;
        private final Map<String, PickledStorage> named = new HashMap<>();

        Storages(ZipFile zip, String archive, Path file, long length) {
            this.zip = zip;
            this.archive = archive;
            this.file = file;
            this.length = length;
        }

        Set<String> allowedGlobals() {
            Set<String> all = new HashSet<>(BoundedUnpickler.ALLOWED);
            for (DType d : DType.values()) all.add("torch." + d.storage);
            return all;
        }

        /** pid = ("storage", storage_type, key, location, numel). */
        Object resolve(Object pid) {
            if (!(pid instanceof Object[] t) || t.length != 5 || !"storage".equals(t[0])
                    || !(t[1] instanceof StorageType type) || !(t[2] instanceof String key))
                throw new PickleException("holds a persistent id that is not ('storage', type, key, location, numel)");
            if (!PickledStorage.plainKey(key))
                throw new PickleException("names storage '" + brief(key) + "', which is not a plain key (a path?)");
            Long numel = BoundedUnpickler.whole(t[4]);
            if (numel == null || numel < 0 || numel > Long.MAX_VALUE / type.dtype().bytes)
                throw new PickleException("storage '" + key + "' claims an impossible element count");
            PickledStorage s = named.computeIfAbsent(key, k -> storage(k, type.dtype(), numel));
            if (s.dtype() != type.dtype() || s.numel() != numel)
                throw new PickleException("storage '" + key + "' is named as " + s.dtype() + " of " + s.numel()
                        + " and as " + type.dtype() + " of " + numel);
            return s;
        }

        private PickledStorage storage(String key, DType dtype, long numel) {
            String name = archive + "data/" + key;
            ZipEntry e = zip.getEntry(name);
            if (e == null) throw new PickleException("names storage '" + key + "', but " + name + " is missing "
                    + "(truncated file?)");
            long size;
            try {
                size = ZipEntries.size(e, length, file + ":" + name);
            } catch (IOException x) {
                throw new PickleException(x.getMessage());
            }
            if (size < numel * dtype.bytes)
                throw new PickleException("storage '" + key + "' claims " + numel + " " + dtype + " elements ("
                        + numel * dtype.bytes + " bytes), but " + name + " holds " + size);
            return new PickledStorage(key, dtype, numel, size, e.getCompressedSize());
        }

        /** The storages the tensors use may not claim more of the archive than it has (overlapping entries). */
        void checkTotal(Iterable<PickledTensor.Layout> layouts) throws IOException {
            Map<String, PickledStorage> used = new HashMap<>();
            for (PickledTensor.Layout l : layouts) used.put(l.storage().key(), l.storage());
            long packed = used.values().stream().mapToLong(PickledStorage::packed).sum();
            if (packed > length)
                throw new IOException(file + ": its storages claim " + packed + " stored bytes in a file of " + length
                        + " (overlapping zip entries: corrupt or hostile); refused");
        }

        Tensor load(PickledStorage s) throws IOException {
            String name = archive + "data/" + s.key();
            try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
                return RawTensor.read(in, s.dtype(), new long[]{s.numel()}, file + ":" + name);
            }
        }

        private static String brief(String s) { return s.length() <= 40 ? s : s.substring(0, 37) + "..."; }
    }
}
