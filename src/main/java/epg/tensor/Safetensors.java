// The safetensors checkpoint format: an 8-byte header length, a JSON header, then raw little-endian tensor data.
package epg.tensor;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The safetensors format: an 8-byte header length, a JSON header, then the raw little-endian tensor data. */
public final class Safetensors {
    private static final Gson GSON = new Gson();

    private Safetensors() {}

    /** A file's tensors (in file order) and its string metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw corrupt(file, "shorter than its 8-byte header length");
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0);
            long headerLen = len.flip().getLong();
            if (headerLen <= 0 || headerLen > size - 8 || headerLen > 100_000_000)
                throw corrupt(file, "header length " + headerLen + " is impossible");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            JsonObject header;
            try {
                header = GSON.fromJson(new String(hb.array(), StandardCharsets.UTF_8).trim(), JsonObject.class);
            } catch (RuntimeException e) {
                throw corrupt(file, "header is not JSON (" + e.getMessage() + ")");
            }
            long base = 8 + headerLen;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Map.Entry<String, JsonElement>> entries = new ArrayList<>(header.entrySet());
            entries.sort((a, b) -> Long.compare(begin(a.getValue()), begin(b.getValue())));
            for (Map.Entry<String, JsonElement> e : entries) {
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().getAsJsonObject().entrySet()
                            .forEach(m -> metadata.put(m.getKey(), m.getValue().getAsString()));
                    continue;
                }
                JsonObject info = e.getValue().getAsJsonObject();
                DType dtype = DType.ofSafetensors(info.get("dtype").getAsString());
                long[] shape = GSON.fromJson(info.get("shape"), long[].class);
                long[] offsets = GSON.fromJson(info.get("data_offsets"), long[].class);
                long n = offsets[1] - offsets[0];
                if (offsets[0] < 0 || n < 0 || base + offsets[1] > size)
                    throw corrupt(file, "tensor '" + e.getKey() + "' lies outside the file (truncated?)");
                if (n != Torch.numel(shape) * dtype.bytes)
                    throw corrupt(file, "tensor '" + e.getKey() + "' has " + n + " bytes for shape "
                            + Arrays.toString(shape));
                ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, base + offsets[0], n);
                tensors.put(e.getKey(), Scope.keep(RawTensor.fromBytes(data, dtype, shape)));
            }
            return new Contents(tensors, metadata);
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
     */
    public static Map<String, String> metadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (ch.size() < 8) throw corrupt(file, "shorter than its 8-byte header length");
            readFully(ch, len, 0);
            long headerLen = len.flip().getLong();
            if (headerLen <= 0 || headerLen > ch.size() - 8 || headerLen > 100_000_000)
                throw corrupt(file, "header length " + headerLen + " is impossible");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            Map<String, String> metadata = new LinkedHashMap<>();
            try {
                JsonObject header = GSON.fromJson(new String(hb.array(), StandardCharsets.UTF_8).trim(),
                        JsonObject.class);
                JsonElement m = header == null ? null : header.get("__metadata__");
                if (m != null && m.isJsonObject())
                    m.getAsJsonObject().entrySet().forEach(e -> metadata.put(e.getKey(), e.getValue().getAsString()));
            } catch (RuntimeException e) {
                throw corrupt(file, "header is not JSON with string metadata (" + e.getMessage() + ")");
            }
            return metadata;
        }
    }

    private static long begin(JsonElement e) {
        if (!e.isJsonObject() || !e.getAsJsonObject().has("data_offsets")) return -1;
        return e.getAsJsonObject().get("data_offsets").getAsJsonArray().get(0).getAsLong();
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) throw new IOException("unexpected end of file");
            pos += n;
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    private static IOException corrupt(Path file, String why) {
        return new IOException(file + " is not a valid safetensors file: " + why);
    }
}
