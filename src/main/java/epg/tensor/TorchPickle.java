// Reads PyTorch's zip checkpoint format (torch.save of a state dict, e.g. the released nnet_ema.pth) without Python.
package epg.tensor;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The file is a zip holding {@code <archive>/data.pkl} (a pickle whose tensors refer to storages by key) and one
 * entry {@code <archive>/data/<key>} of raw little-endian bytes per storage. libtorch's own pickle reader cannot
 * read state dicts (the OrderedDict with {@code _metadata}), hence this reader.
 */
public final class TorchPickle {
    private TorchPickle() {}

    /** Every tensor in the file, keyed as in the state dict; nested dictionaries are flattened with dots. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new IOException(file + " is not a PyTorch zip checkpoint (torch.save from PyTorch >= 1.6): "
                    + e.getMessage() + ". Re-save it with torch.save(state_dict, f) or convert it to safetensors.", e);
        }
        try (zip) {
            ZipEntry pkl = zip.stream()
                    .filter(e -> e.getName().endsWith("/data.pkl") || e.getName().equals("data.pkl")).findFirst()
                    .orElseThrow(() -> new IOException(file + " has no data.pkl entry: not a torch.save checkpoint"));
            String archive = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            Object root;
            try (InputStream in = zip.getInputStream(pkl)) {
                root = new StorageUnpickler(zip, archive, file).load(in);
            } catch (PickleException e) {
                throw new IOException(file + ": cannot unpickle data.pkl (" + e.getMessage() + ")", e);
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            flatten("", root, out, file);
            return out;
        }
    }

    private static void flatten(String prefix, Object value, Map<String, Tensor> out, Path file) throws IOException {
        if (value instanceof Tensor t) {
            out.put(prefix.isEmpty() ? "tensor" : prefix.substring(0, prefix.length() - 1), t);
        } else if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) flatten(prefix + e.getKey() + ".", e.getValue(), out, file);
        }
        // Other values (step counters, config strings, None) are not tensors and are skipped.
    }

    static {
        for (DType d : DType.values()) Unpickler.registerConstructor("torch", d.storage, new StorageType(d));
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", TorchPickle::rebuildTensor);
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", args -> args[0]);
        Unpickler.registerConstructor("collections", "OrderedDict", args -> new StateDictMap());
    }

    /** The class object pickled for a storage type; persistent ids carry it to name the element type. */
    record StorageType(DType dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("storage types are not constructed directly");
        }
    }

    /** A storage's elements as a flat 1-D tensor. */
    record Storage(Tensor flat) {}

    /** OrderedDict as pickled by state_dict(): its instance attributes (_metadata) are accepted and ignored. */
    public static final class StateDictMap extends LinkedHashMap<Object, Object> {
        public void __setstate__(HashMap<?, ?> state) { /* _metadata: version numbers of modules, not needed */ }
    }

    /** _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]). */
    private static Object rebuildTensor(Object[] a) {
        Storage s = (Storage) a[0];
        long offset = ((Number) a[1]).longValue();
        long[] size = longs((Object[]) a[2]), stride = longs((Object[]) a[3]);
        Tensor t = torch.as_strided(s.flat(), size, stride, new LongOptional(offset)).contiguous().clone();
        return Scope.keep(t);
    }

    private static long[] longs(Object[] xs) {
        long[] out = new long[xs.length];
        for (int i = 0; i < xs.length; i++) out[i] = ((Number) xs[i]).longValue();
        return out;
    }

    private static final class StorageUnpickler extends Unpickler {
        private static final short SETITEMS = 'u';
        private final ZipFile zip;
        private final String archive;
        private final Path file;
        private final Map<String, Storage> loaded = new HashMap<>();

        StorageUnpickler(ZipFile zip, String archive, Path file) {
            this.zip = zip;
            this.archive = archive;
            this.file = file;
        }

        /** SETITEMS in the pickled order: razorvine's own collects the pairs in a HashMap, losing the key order. */
        @Override
        protected Object dispatch(short key) throws PickleException, IOException {
            if (key != SETITEMS) return super.dispatch(key);
            java.util.List<Object> items = stack.pop_all_since_marker(); // key, value, key, value, ... in pickled order
            @SuppressWarnings("unchecked") Map<Object, Object> dict = (Map<Object, Object>) stack.peek();
            for (int i = 0; i + 1 < items.size(); i += 2) dict.put(items.get(i), items.get(i + 1));
            return NO_RETURN_VALUE;
        }

        /** pid = ("storage", storage_type, key, location, numel). */
        @Override
        protected Object persistentLoad(Object pid) {
            Object[] t = (Object[]) pid;
            if (t.length < 5 || !"storage".equals(t[0]))
                throw new PickleException("unknown persistent id " + java.util.Arrays.toString(t));
            DType dtype = ((StorageType) t[1]).dtype();
            String key = t[2].toString();
            long numel = ((Number) t[4]).longValue();
            return loaded.computeIfAbsent(key, k -> new Storage(Scope.keep(readStorage(k, dtype, numel))));
        }

        private Tensor readStorage(String key, DType dtype, long numel) {
            ZipEntry e = zip.getEntry(archive + "data/" + key);
            if (e == null) throw new PickleException(file + " lacks storage entry data/" + key + " (truncated file?)");
            long n = numel * dtype.bytes;
            ByteBuffer buf = ByteBuffer.allocateDirect(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
            try (InputStream in = zip.getInputStream(e)) {
                byte[] chunk = new byte[1 << 16];
                int r;
                while (buf.hasRemaining() && (r = in.read(chunk, 0, Math.min(chunk.length, buf.remaining()))) > 0)
                    buf.put(chunk, 0, r);
            } catch (IOException ex) {
                throw new PickleException(file + ": cannot read storage " + key + ": " + ex.getMessage());
            }
            if (buf.hasRemaining())
                throw new PickleException(file + ": storage " + key + " is shorter than its " + numel + " elements");
            return RawTensor.fromBytes(buf.flip(), dtype, new long[]{numel});
        }
    }
}
