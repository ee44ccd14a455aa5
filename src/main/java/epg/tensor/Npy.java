// NumPy's .npy array format (numpy.lib.format, versions 1.0-3.0): magic, a Python-dict header, raw C-order data.
package epg.tensor;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Supported element types: {@code <f4 <f8 |u1 <i8}, C order only. Errors name the file (or zip entry) they concern. */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Map<String, DType> DESCR = Map.of("<f4", DType.F32, "<f8", DType.F64, "|u1", DType.U8,
            "<u1", DType.U8, "<i8", DType.I64);
    private static final Pattern DESCR_KEY = Pattern.compile("'descr'\\s*:\\s*'([^']*)'"),
            FORTRAN_KEY = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)"),
            SHAPE_KEY = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final int CHUNK = 1 << 20;

    private Npy() {}

    /** NumPy's own limit on dimensions. */
    static final int MAX_DIMS = 64;

    /** An array's element type and shape, as read from or written to an .npy header. */
    public record Header(DType dtype, long[] shape) {
        public long rows() { return shape.length == 0 ? 1 : shape[0]; }

        /** The data's length in bytes (the header's parser has made sure that it does not overflow). */
        public long dataBytes() { return Torch.numel(shape) * dtype.bytes; }
    }

    public static Tensor read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in, Files.size(file), file.toString());
        }
    }

    /** The whole array in {@code in}, which holds {@code length} bytes; {@code source} names it in error messages. */
    public static Tensor read(InputStream in, long length, String source) throws IOException {
        Header h = readHeader(in, length, source);
        return readRows(in, h, h.rows(), source);
    }

    /**
     * Reads the magic, version and header of an array of {@code length} bytes (file or zip entry), leaving {@code in}
     * at the first data byte. The data size the header claims is checked against {@code length}.
     */
    public static Header readHeader(InputStream in, long length, String source) throws IOException {
        byte[] magic = in.readNBytes(8);
        if (magic.length < 8 || !Arrays.equals(Arrays.copyOf(magic, 6), MAGIC))
            throw malformed(source, "it does not start with the .npy magic \\x93NUMPY");
        int major = magic[6];
        if (major < 1 || major > 3)
            throw malformed(source, "unsupported .npy format version " + major + "." + magic[7]);
        byte[] lenBytes = in.readNBytes(major == 1 ? 2 : 4);
        if (lenBytes.length < (major == 1 ? 2 : 4)) throw malformed(source, "it ends inside the header");
        ByteBuffer lb = ByteBuffer.wrap(Arrays.copyOf(lenBytes, 4)).order(ByteOrder.LITTLE_ENDIAN);
        long len = Integer.toUnsignedLong(lb.getInt());
        long before = 8 + lenBytes.length;
        if (len > 1 << 24 || len > length - before)
            throw malformed(source, "header length " + len + " is impossible in " + length + " bytes");
        byte[] text = in.readNBytes((int) len);
        if (text.length < len) throw malformed(source, "it ends inside the header");
        Header h = parseHeader(new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1),
                source);
        long room = length - before - len;
        if (h.dataBytes() > room)
            throw malformed(source, "the header's shape " + Arrays.toString(h.shape()) + " of " + h.dtype() + " needs "
                    + h.dataBytes() + " data bytes, but only " + room + " follow (truncated or corrupt)");
        return h;
    }

    private static Header parseHeader(String dict, String source) throws IOException {
        Matcher descr = DESCR_KEY.matcher(dict), fortran = FORTRAN_KEY.matcher(dict), shape = SHAPE_KEY.matcher(dict);
        if (!descr.find() || !fortran.find() || !shape.find())
            throw malformed(source, "header " + brief(dict) + " lacks descr, fortran_order or shape");
        DType dtype = DESCR.get(descr.group(1));
        if (dtype == null)
            throw malformed(source, "element type '" + brief(descr.group(1))
                    + "' is not supported (only <f4 <f8 |u1 <i8, little-endian)");
        if (fortran.group(1).equals("True"))
            throw malformed(source, "the array is stored in Fortran order, which is not supported; re-save it from"
                    + " NumPy with np.ascontiguousarray(a)");
        long[] dims;
        try {
            dims = Arrays.stream(shape.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
        } catch (NumberFormatException e) {
            throw malformed(source, "shape (" + brief(shape.group(1)) + ") is not a tuple of sizes");
        }
        if (dims.length > MAX_DIMS || Arrays.stream(dims).anyMatch(d -> d < 0))
            throw malformed(source, "shape (" + brief(shape.group(1)) + ") is not a tuple of at most " + MAX_DIMS
                    + " sizes >= 0");
        try {
            long n = dtype.bytes;
            for (long d : dims) n = Math.multiplyExact(n, d);
        } catch (ArithmeticException e) {
            throw malformed(source, "shape " + Arrays.toString(dims) + " claims more than 2^63 bytes");
        }
        return new Header(dtype, dims);
    }

    private static String brief(String s) {
        String t = s.strip();
        return t.length() <= 80 ? t : t.substring(0, 77) + "...";
    }

    /** The next {@code rows} rows (first-axis entries) of an array with header {@code h}: a tensor [rows, ...]. */
    public static Tensor readRows(InputStream in, Header h, long rows, String source) throws IOException {
        long[] shape = h.shape().length == 0 ? new long[0] : h.shape().clone();
        if (shape.length > 0) shape[0] = rows;
        Tensor t = RawTensor.empty(h.dtype(), shape);
        long n = Torch.numel(shape) * h.dtype().bytes, got = RawTensor.readInto(in, t, n);
        if (got < n) throw malformed(source, "the data ends after " + got + " of " + n + " bytes (truncated file?)");
        return t;
    }

    public static void write(Path file, Tensor t) throws IOException {
        AtomicFile.write(file, ch -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), CHUNK);
            write(out, t);
            out.flush();
        });
    }

    /** Writes {@code t} (any device; copied to contiguous CPU memory) as .npy, version 1.0 (2.0 if needed). */
    public static void write(OutputStream out, Tensor t) throws IOException {
        Tensor c = t.detach().cpu().contiguous();
        out.write(header(new Header(DType.of(c.scalar_type()), Torch.shape(c))));
        writeData(out, c);
    }

    /** The bytes of a contiguous CPU tensor, streamed in chunks (arrays may exceed 2 GiB). */
    public static void writeData(OutputStream out, Tensor contiguousCpu) throws IOException {
        long n = contiguousCpu.numel() * contiguousCpu.element_size();
        if (n == 0) return;
        BytePointer src = new BytePointer(contiguousCpu.data_ptr()).capacity(n);
        byte[] buf = new byte[(int) Math.min(CHUNK, n)];
        for (long done = 0; done < n; done += buf.length) {
            int len = (int) Math.min(buf.length, n - done);
            src.position(done).get(buf, 0, len);
            out.write(buf, 0, len);
        }
    }

    /** Magic, version and the padded header dict for {@code h} (total length a multiple of 64, as NumPy writes it). */
    public static byte[] header(Header h) {
        String descr = DESCR.entrySet().stream()
                .filter(e -> e.getValue() == h.dtype() && !e.getKey().equals("<u1")).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("cannot write element type " + h.dtype() + " to .npy"));
        String dims = Arrays.stream(h.shape()).mapToObj(Long::toString).collect(Collectors.joining(", "));
        if (h.shape().length == 1) dims += ",";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        boolean v1 = dict.length() + 11 < 65536;
        int prefix = v1 ? 10 : 12, total = (prefix + dict.length() + 1 + 63) / 64 * 64;
        String padded = dict + " ".repeat(total - prefix - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN)
                .put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
        if (v1) b.putShort((short) padded.length()); else b.putInt(padded.length());
        return b.put(padded.getBytes(StandardCharsets.ISO_8859_1)).array();
    }

    static IOException malformed(String source, String why) {
        return new IOException(source + " is not a readable .npy array: " + why);
    }
}
