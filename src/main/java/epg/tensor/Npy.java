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

    /** An array's element type and shape, as read from or written to an .npy header. */
    public record Header(DType dtype, long[] shape) {
        public long rows() { return shape.length == 0 ? 1 : shape[0]; }
    }

    public static Tensor read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return read(in, file.toString());
        }
    }

    /** The whole array in {@code in}; {@code source} names it in error messages. */
    public static Tensor read(InputStream in, String source) throws IOException {
        Header h = readHeader(in, source);
        return readRows(in, h, h.rows(), source);
    }

    /** Reads the magic, version and header, leaving {@code in} at the first data byte. */
    public static Header readHeader(InputStream in, String source) throws IOException {
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
        if (len > 1 << 24) throw malformed(source, "header length " + len + " is impossible");
        byte[] text = in.readNBytes((int) len);
        if (text.length < len) throw malformed(source, "it ends inside the header");
        return parseHeader(new String(text, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1), source);
    }

    private static Header parseHeader(String dict, String source) throws IOException {
        Matcher descr = DESCR_KEY.matcher(dict), fortran = FORTRAN_KEY.matcher(dict), shape = SHAPE_KEY.matcher(dict);
        if (!descr.find() || !fortran.find() || !shape.find())
            throw malformed(source, "header " + dict.trim() + " lacks descr, fortran_order or shape");
        DType dtype = DESCR.get(descr.group(1));
        if (dtype == null)
            throw malformed(source, "element type '" + descr.group(1)
                    + "' is not supported (only <f4 <f8 |u1 <i8, little-endian)");
        if (fortran.group(1).equals("True"))
            throw malformed(source, "the array is stored in Fortran order, which is not supported; re-save it from"
                    + " NumPy with np.ascontiguousarray(a)");
        try {
            long[] dims = Arrays.stream(shape.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .mapToLong(Long::parseLong).toArray();
            if (Arrays.stream(dims).anyMatch(d -> d < 0)) throw new NumberFormatException("negative dimension");
            return new Header(dtype, dims);
        } catch (NumberFormatException e) {
            throw malformed(source, "shape (" + shape.group(1) + ") is not a tuple of sizes");
        }
    }

    /** The next {@code rows} rows (first-axis entries) of an array with header {@code h}: a tensor [rows, ...]. */
    public static Tensor readRows(InputStream in, Header h, long rows, String source) throws IOException {
        long[] shape = h.shape().length == 0 ? new long[0] : h.shape().clone();
        if (shape.length > 0) shape[0] = rows;
        Tensor t = torch.empty(shape, Torch.options(h.dtype().scalarType), null);
        long n = Torch.numel(shape) * h.dtype().bytes;
        BytePointer dst = new BytePointer(t.data_ptr()).capacity(n);
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(n, 1))];
        for (long done = 0; done < n; ) {
            int got = in.readNBytes(buf, 0, (int) Math.min(buf.length, n - done));
            if (got <= 0)
                throw malformed(source, "the data ends after " + done + " of " + n + " bytes (truncated file?)");
            dst.position(done).put(buf, 0, got);
            done += got;
        }
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
