// The safetensors checkpoint format: an 8-byte header length, a JSON header, then raw little-endian tensor data.
package epg.tensor;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The safetensors format: an 8-byte header length, a JSON header, then the raw little-endian tensor data. */
public final class Safetensors {
    private static final Gson GSON = new Gson();

    private Safetensors() {}

    /**
     * A file's tensors (in file order) and its string metadata. The tensors outlive any open {@link Scope}: close the
     * contents once their values have been copied (as {@code Module.load} copies them into a network) to free them
     * now, rather than when the garbage collector finds them, which a JVM with a small heap may not do for the rest of
     * the run (a whole extra copy of the model, or of a training state, resident all along).
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) implements TensorSource {
        @Override
        public Map<String, long[]> shapes() { return TensorSource.shapesOf(tensors); }

        @Override
        public Map<String, ScalarType> dtypes() { return TensorSource.dtypesOf(tensors); }

        @Override
        public Tensor tensor(String name) { return tensors.get(name); }

        /** Frees every tensor of {@link #tensors} (unless an open scope still holds it) and empties the map. */
        @Override
        public void close() {
            tensors.values().forEach(Tensor::close);
            tensors.clear();
        }
    }

    /** Reads the whole file; its header is checked in full (SafetensorsHeader) before any tensor is allocated. */
    public static Contents read(Path file) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String name : f.shapes().keySet()) tensors.put(name, Scope.keep(f.tensor(name)));
            return new Contents(tensors, f.metadata());
        }
    }

    public static Map<String, Tensor> readTensors(Path file) throws IOException { return read(file).tensors(); }

    /**
     * Writes {@code tensors} (any device; copied to CPU) with string metadata, atomically (temporary file, rename).
     * The tensors keep the map's order; the metadata is written sorted by key, so the same content gives the same
     * bytes whatever map the caller passes (Map.of's order changes from one JVM to the next).
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        JsonObject header = new JsonObject();
        if (metadata != null && !metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            new TreeMap<>(metadata).forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        List<Tensor> contiguous = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor c = e.getValue().detach().cpu().contiguous();
            contiguous.add(c);
            long n = c.numel() * c.element_size();
            JsonObject info = new JsonObject();
            info.addProperty("dtype", DType.of(c.scalar_type()).name());
            info.add("shape", GSON.toJsonTree(Torch.shape(c)));
            info.add("data_offsets", GSON.toJsonTree(new long[]{offset, offset + n}));
            header.add(e.getKey(), info);
            offset += n;
        }
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        int pad = (8 - json.length % 8) % 8; // keep the data 8-byte aligned, as the reference writer does
        ByteBuffer head = ByteBuffer.allocate(8 + json.length + pad).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(json.length + pad).put(json);
        for (int i = 0; i < pad; i++) head.put((byte) ' ');
        AtomicFile.write(file, ch -> {
            writeFully(ch, head.flip());
            for (Tensor c : contiguous) writeFully(ch, RawTensor.bytes(c));
        });
    }

    /**
     * The string metadata of a file, from its header alone (no tensor is read): a cheap look at a model file's step.
     * The header is checked in full, as by {@link #read}.
     */
    public static Map<String, String> metadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return SafetensorsHeader.read(ch, file).metadata();
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }
}
