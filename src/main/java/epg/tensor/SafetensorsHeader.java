// The safetensors header (format spec: 8-byte length, JSON of dtype/shape/data_offsets per tensor, __metadata__).
package epg.tensor;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import epg.config.Json;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A header read and checked in full before any tensor is allocated: every size it claims is compared with the
 * file's length, so a corrupt or hostile file fails with one line naming the file, the key and the problem.
 *
 * @param tensors  every tensor, in data order
 * @param metadata the string metadata
 * @param dataStart file offset of the data section (8 + header length)
 */
record SafetensorsHeader(List<Entry> tensors, Map<String, String> metadata, long dataStart) {
    /** The largest header read (the reference implementation's limit). */
    static final long MAX_HEADER = 100_000_000;
    /** More dimensions than any tensor needs (libtorch's own limit is 64 as well). */
    static final int MAX_DIMS = 64;

    /** One tensor: element type, shape and its bytes [begin, end) within the data section. */
    record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

    static SafetensorsHeader read(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size < 8) throw corrupt(file, "it is shorter than its 8-byte header length (" + size + " bytes)");
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, len, 0, file);
        long headerLen = len.flip().getLong();
        if (headerLen <= 0 || headerLen > size - 8 || headerLen > MAX_HEADER)
            throw corrupt(file, "the header length field says " + Long.toUnsignedString(headerLen) + " bytes, but "
                    + (headerLen > 0 && headerLen <= size - 8 ? "headers are limited to " + MAX_HEADER
                    : "the file has " + (size - 8) + " bytes after it") + " (truncated or not safetensors?)");
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, 8, file);
        JsonElement json;
        try {
            json = Json.tree(new String(hb.array(), StandardCharsets.UTF_8).trim(), "the header");
        } catch (IllegalArgumentException e) {
            throw corrupt(file, e.getMessage());
        }
        if (!json.isJsonObject()) throw corrupt(file, "the header is not a JSON object");
        return parse(json.getAsJsonObject(), size - 8 - headerLen, 8 + headerLen, file);
    }

    private static SafetensorsHeader parse(JsonObject header, long dataLength, long dataStart, Path file)
            throws IOException {
        List<Entry> tensors = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) metadata(e.getValue(), metadata, file);
            else tensors.add(entry(e.getKey(), e.getValue(), dataLength, file));
        }
        tensors.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < tensors.size(); i++) {
            Entry a = tensors.get(i - 1), b = tensors.get(i);
            if (b.begin() < a.end() && b.begin() < b.end())
                throw corrupt(file, "tensors '" + a.name() + "' and '" + b.name() + "' overlap in the data (bytes "
                        + a.begin() + ".." + a.end() + " and " + b.begin() + ".." + b.end() + ")");
        }
        return new SafetensorsHeader(List.copyOf(tensors), metadata, dataStart);
    }

    private static void metadata(JsonElement m, Map<String, String> out, Path file) throws IOException {
        if (!m.isJsonObject()) throw corrupt(file, "key '__metadata__' must be an object of strings");
        for (Map.Entry<String, JsonElement> e : m.getAsJsonObject().entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString())
                throw corrupt(file, "metadata key '" + e.getKey() + "' holds " + kind(v) + ", not a string");
            out.put(e.getKey(), v.getAsString());
        }
    }

    private static Entry entry(String name, JsonElement v, long dataLength, Path file) throws IOException {
        String where = "tensor '" + name + "'";
        if (!v.isJsonObject()) throw corrupt(file, where + " must be an object with dtype, shape and data_offsets");
        JsonObject info = v.getAsJsonObject();
        JsonElement dt = info.get("dtype");
        if (dt == null || !dt.isJsonPrimitive() || !dt.getAsJsonPrimitive().isString())
            throw corrupt(file, where + ": key 'dtype' is " + (dt == null ? "missing" : kind(dt) + ", not a string"));
        DType dtype;
        try {
            dtype = DType.ofSafetensors(dt.getAsString());
        } catch (IllegalArgumentException e) {
            throw corrupt(file, where + ": key 'dtype' " + dt + " is not supported (supported: "
                    + Arrays.toString(DType.values()) + ")");
        }
        long[] shape = longs(info.get("shape"), "shape", where, MAX_DIMS, file);
        long[] offsets = longs(info.get("data_offsets"), "data_offsets", where, 2, file);
        if (offsets.length != 2)
            throw corrupt(file, where + ": key 'data_offsets' must hold two numbers [begin, end], got "
                    + Arrays.toString(offsets));
        long bytes = bytes(shape, dtype, where, file);
        if (offsets[0] > offsets[1] || offsets[1] > dataLength)
            throw corrupt(file, where + ": key 'data_offsets' " + Arrays.toString(offsets) + " lies outside the "
                    + dataLength + " data bytes (truncated file?)");
        if (offsets[1] - offsets[0] != bytes)
            throw corrupt(file, where + ": key 'data_offsets' spans " + (offsets[1] - offsets[0]) + " bytes, but "
                    + dtype + " of shape " + Arrays.toString(shape) + " needs " + bytes);
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** numel(shape) × element size, refused when it overflows. */
    private static long bytes(long[] shape, DType dtype, String where, Path file) throws IOException {
        try {
            long n = dtype.bytes;
            for (long s : shape) n = Math.multiplyExact(n, s);
            return n;
        } catch (ArithmeticException e) {
            throw corrupt(file, where + ": key 'shape' " + Arrays.toString(shape) + " claims more than 2^63 bytes");
        }
    }

    /** An array of at most {@code max} whole numbers in [0, 2^62]. */
    private static long[] longs(JsonElement v, String key, String where, int max, Path file) throws IOException {
        String what = where + ": key '" + key + "'";
        if (v == null) throw corrupt(file, what + " is missing");
        if (!v.isJsonArray()) throw corrupt(file, what + " must be an array of whole numbers, got " + kind(v));
        JsonArray a = v.getAsJsonArray();
        if (a.size() > max) throw corrupt(file, what + " has " + a.size() + " entries; at most " + max);
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = whole(a.get(i));
            if (out[i] < 0)
                throw corrupt(file, what + " must hold whole numbers in [0, 2^62], got " + brief(a.get(i)));
        }
        return out;
    }

    /** The element as a whole number in [0, 2^62], or -1. */
    private static long whole(JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) return -1;
        try {
            BigDecimal d = new BigDecimal(e.getAsString());
            if (d.signum() < 0 || d.compareTo(BigDecimal.valueOf(1L << 62)) > 0) return -1;
            return d.longValueExact();
        } catch (ArithmeticException | NumberFormatException x) {
            return -1;
        }
    }

    private static String kind(JsonElement v) {
        if (v.isJsonObject()) return "an object";
        if (v.isJsonArray()) return "an array";
        if (v.isJsonNull()) return "null";
        JsonPrimitive p = v.getAsJsonPrimitive();
        return (p.isString() ? "a string " : p.isNumber() ? "a number " : "a boolean ") + brief(v);
    }

    private static String brief(JsonElement v) {
        String s = v.toString();
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    static void readFully(FileChannel ch, ByteBuffer b, long pos, Path file) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) throw corrupt(file, "it ends at byte " + pos + " (truncated?)");
            pos += n;
        }
    }

    static IOException corrupt(Path file, String why) {
        return new IOException(file + " is not a valid safetensors file: " + why);
    }
}
