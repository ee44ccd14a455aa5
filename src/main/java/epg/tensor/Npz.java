// NumPy's .npz archives (numpy.savez / savez_compressed): a zip of NAME.npy entries, stored or deflated (ADM's reference batches).
package epg.tensor;

import org.bytedeco.pytorch.Tensor;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Whole-array reads, row-streamed reads (for image batches larger than memory likes) and writes. */
public final class Npz {
    private Npz() {}

    /** The array names in {@code file}, in archive order, without the ".npy" suffix. */
    public static List<String> names(Path file) throws IOException {
        try (ZipFile zip = open(file)) {
            return zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".npy")).map(n -> n.substring(0, n.length() - 4)).toList();
        }
    }

    public static Map<String, Tensor> read(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : names(file)) out.put(name, read(file, name));
        return out;
    }

    public static Tensor read(Path file, String name) throws IOException {
        try (Rows rows = rows(file, name)) {
            return Scope.keep(rows.next(rows.remaining()).reshape(rows.header().shape()));
        }
    }

    /** A streaming reader over the first axis of array {@code name} (e.g. ADM's arr_0 images, [N, H, W, C] uint8). */
    public static Rows rows(Path file, String name) throws IOException {
        ZipFile zip = open(file);
        try {
            ZipEntry entry = zip.getEntry(name + ".npy");
            if (entry == null) throw new IOException(file + " has no array '" + name + "' (it holds " + names(file) + ")");
            String source = file + ":" + entry.getName();
            InputStream in = new BufferedInputStream(zip.getInputStream(entry), 1 << 16);
            return new Rows(zip, in, Npy.readHeader(in, source), source);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    public static final class Rows implements AutoCloseable {
        private final ZipFile zip;
        private final InputStream in;
        private final Npy.Header header;
        private final String source;
        private long remaining;

        private Rows(ZipFile zip, InputStream in, Npy.Header header, String source) {
            this.zip = zip;
            this.in = in;
            this.header = header;
            this.source = source;
            this.remaining = header.rows();
        }

        public Npy.Header header() { return header; }

        public long remaining() { return remaining; }

        /** The next at most {@code max} rows, shape [n, ...]; n = 0 at the end. */
        public Tensor next(long max) throws IOException {
            long n = Math.min(max, remaining);
            remaining -= n;
            try {
                return Npy.readRows(in, header, n, source);
            } catch (ZipException e) {
                throw Npy.malformed(source, "the zip entry is corrupt (" + e.getMessage() + ")");
            }
        }

        @Override
        public void close() throws IOException {
            try (zip) { in.close(); }
        }
    }

    /** Writes {@code arrays} as numpy.savez does (stored entries), atomically. */
    public static void write(Path file, Map<String, Tensor> arrays) throws IOException {
        write(file, w -> { for (Map.Entry<String, Tensor> e : arrays.entrySet()) w.put(e.getKey(), e.getValue()); });
    }

    public interface Body { void write(Writer w) throws IOException; }

    /** Writes the arrays that {@code body} adds, in order, atomically (temporary file, then rename). */
    public static void write(Path file, Body body) throws IOException {
        AtomicFile.write(file, ch -> {
            ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 20));
            body.write(new Writer(zip));
            zip.finish();
            zip.flush();
        });
    }

    public static final class Writer {
        private final ZipOutputStream zip;

        private Writer(ZipOutputStream zip) { this.zip = zip; }

        /** One whole array as a stored entry (the layout numpy.savez writes). */
        public void put(String name, Tensor t) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Npy.write(bytes, t);
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            ZipEntry e = new ZipEntry(name + ".npy");
            e.setMethod(ZipEntry.STORED);
            e.setSize(bytes.size());
            e.setCompressedSize(bytes.size());
            e.setCrc(crc.getValue());
            zip.putNextEntry(e);
            bytes.writeTo(zip);
            zip.closeEntry();
        }

        /** A deflated entry of the given shape whose rows are appended with {@link RowWriter#write} (any size). */
        public RowWriter begin(String name, DType dtype, long... shape) throws IOException {
            ZipEntry e = new ZipEntry(name + ".npy");
            e.setMethod(ZipEntry.DEFLATED);
            zip.setLevel(Deflater.BEST_SPEED);
            zip.putNextEntry(e);
            Npy.Header h = new Npy.Header(dtype, shape);
            zip.write(Npy.header(h));
            return new RowWriter(zip, h, name);
        }
    }

    public static final class RowWriter implements AutoCloseable {
        private final ZipOutputStream out;
        private final Npy.Header header;
        private final String name;
        private long written;

        private RowWriter(ZipOutputStream out, Npy.Header header, String name) {
            this.out = out;
            this.header = header;
            this.name = name;
        }

        /** Appends rows [n, ...] whose trailing shape and element type match the header. */
        public void write(Tensor rows) throws IOException {
            Tensor c = rows.detach().cpu().contiguous();
            long[] shape = Torch.shape(c), want = header.shape();
            if (DType.of(c.scalar_type()) != header.dtype() || shape.length != want.length
                    || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), Arrays.copyOfRange(want, 1, want.length)))
                throw new IllegalArgumentException("rows " + Arrays.toString(shape) + " " + c.scalar_type() + " do not fit array '" + name
                        + "' " + Arrays.toString(want) + " " + header.dtype());
            if (written + shape[0] > header.rows()) throw new IllegalArgumentException("more rows than the " + header.rows() + " declared for '" + name + "'");
            Npy.writeData(out, c);
            written += shape[0];
        }

        @Override
        public void close() throws IOException {
            if (written != header.rows())
                throw new IOException("array '" + name + "' received " + written + " of its " + header.rows() + " declared rows");
            out.closeEntry();
        }
    }

    private static ZipFile open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + " does not exist or is not a file");
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new IOException(file + " is not a valid .npz file (a zip of .npy arrays, as numpy.savez writes): " + e.getMessage()
                    + (Files.size(file) > 0 ? " (truncated or not a zip?)" : " (the file is empty)"), e);
        }
    }
}
