// Spec §6, §7: NumPy's .npz (numpy.savez / savez_compressed), ADM's sample and reference batches: a zip of NAME.npy.
package epg.tensor;

import org.bytedeco.pytorch.Tensor;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads stored or deflated archives, whole or row by row (image batches larger than memory likes). Writes stored
 * entries as numpy.savez does, whole arrays or streamed rows (50k images at 256 px pass 4 GiB: ZIP64 then), always
 * atomically: the file appears under its name only when complete.
 */
public final class Npz {
    private Npz() {}

    /** The array names in {@code file}, in archive order, without the ".npy" suffix. */
    public static List<String> names(Path file) throws IOException {
        try (ZipFile zip = open(file)) {
            List<String> names = zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".npy"))
                    .map(n -> n.substring(0, n.length() - 4)).toList();
            for (String n : names)
                if (n.startsWith("/") || n.contains("\\") || List.of(n.split("/")).contains(".."))
                    throw new IOException(file + " holds an entry named '" + n + ".npy', which is a path, not an "
                            + "array name (a hostile archive?); it is not read");
            return names;
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
            if (entry == null)
                throw new IOException(file + " has no array '" + name + "' (it holds " + names(file) + ")");
            String source = file + ":" + entry.getName();
            long length = ZipEntries.size(entry, Files.size(file), source);
            InputStream in = new BufferedInputStream(zip.getInputStream(entry), 1 << 16);
            return new Rows(zip, in, Npy.readHeader(in, length, source), source);
        } catch (IOException | RuntimeException e) {
            zip.close();
            throw e;
        }
    }

    /** The rows of one array of an .npz, read a batch at a time. */
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
        write(file, w -> {
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) w.put(e.getKey(), e.getValue());
        });
    }

    /** Adds the arrays of an .npz being written. */
    public interface Body { void write(Writer w) throws IOException; }

    /** Writes the arrays that {@code body} adds, in order, atomically (temporary file, then rename). */
    public static void write(Path file, Body body) throws IOException {
        AtomicFile.write(file, ch -> {
            Writer w = new Writer(new AlignedZipWriter(ch, false));
            body.write(w);
            w.zip.finish();
        });
    }

    /**
     * A new .npz holding one uint8 array {@code name} of {@code shape} (e.g. ADM's arr_0 images [N, H, W, 3]), whose
     * rows are appended with {@link RowWriter#write} however many there are; it appears under its name only when
     * the writer is closed with every row written.
     */
    public static RowWriter uint8(Path file, String name, long... shape) throws IOException {
        return create(file, name, DType.U8, false, shape);
    }

    /** The same for any element type; {@code forceZip64} writes ZIP64 records however small the array (for tests). */
    static RowWriter create(Path file, String name, DType dtype, boolean forceZip64, long... shape) throws IOException {
        AtomicFile.Pending pending = AtomicFile.open(file);
        try {
            AlignedZipWriter zip = new AlignedZipWriter(pending.channel(), forceZip64);
            return new Writer(zip).begin(name, dtype, shape).owning(file, pending);
        } catch (IOException | RuntimeException e) {
            pending.close();
            throw e;
        }
    }

    /** Adds arrays to an archive being written, as stored entries (the layout numpy.savez writes). */
    public static final class Writer {
        private final AlignedZipWriter zip;

        private Writer(AlignedZipWriter zip) { this.zip = zip; }

        /** One whole array. */
        public void put(String name, Tensor t) throws IOException {
            Tensor c = t.detach().cpu().contiguous();
            byte[] header = Npy.header(new Npy.Header(DType.of(c.scalar_type()), Torch.shape(c)));
            try (OutputStream out = zip.begin(name + ".npy", header.length + c.numel() * c.element_size())) {
                out.write(header);
                Npy.writeData(out, c);
            }
        }

        /** An array of the given shape whose rows are appended with {@link RowWriter#write} (any size). */
        public RowWriter begin(String name, DType dtype, long... shape) throws IOException {
            Npy.Header h = new Npy.Header(dtype, shape);
            byte[] header = Npy.header(h);
            OutputStream out = zip.begin(name + ".npy", header.length + Torch.numel(shape) * dtype.bytes);
            out.write(header);
            return new RowWriter(zip, out, h, name);
        }
    }

    /** The rows of one array, in order; closing it checks that every declared row was written. */
    public static final class RowWriter implements AutoCloseable {
        private final AlignedZipWriter zip;
        private final OutputStream out;
        private final Npy.Header header;
        private final String name;
        private final long rowBytes;
        private long written;
        private Path file;
        private AtomicFile.Pending pending;

        private RowWriter(AlignedZipWriter zip, OutputStream out, Npy.Header header, String name) {
            this.zip = zip;
            this.out = out;
            this.header = header;
            this.name = name;
            long[] shape = header.shape();
            this.rowBytes = Torch.numel(Arrays.copyOfRange(shape, Math.min(1, shape.length), shape.length))
                    * header.dtype().bytes;
        }

        /** Makes this writer the only array of {@code pending}: closing it completes and commits the file. */
        private RowWriter owning(Path file, AtomicFile.Pending pending) {
            this.file = file;
            this.pending = pending;
            return this;
        }

        /** Appends rows [n, ...] whose trailing shape and element type match the header. */
        public void write(Tensor rows) throws IOException {
            Tensor c = rows.detach().cpu().contiguous();
            long[] shape = Torch.shape(c), want = header.shape();
            if (DType.of(c.scalar_type()) != header.dtype() || shape.length != want.length
                    || !Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length),
                            Arrays.copyOfRange(want, 1, want.length)))
                throw new IllegalArgumentException("rows " + Arrays.toString(shape) + " " + c.scalar_type()
                        + " do not fit array '" + name + "' " + Arrays.toString(want) + " " + header.dtype());
            checkRoom(shape[0] * rowBytes);
            Npy.writeData(out, c);
            written += shape[0] * rowBytes;
        }

        /** Appends raw little-endian bytes in C order (whole rows or not; e.g. one image's uint8 HWC pixels). */
        public void write(byte[] data) throws IOException {
            checkRoom(data.length);
            out.write(data);
            written += data.length;
        }

        private void checkRoom(long bytes) {
            if (written + bytes > header.rows() * rowBytes)
                throw new IllegalArgumentException("more rows than the " + header.rows() + " declared for '" + name
                        + "'");
        }

        @Override
        public void close() throws IOException {
            try {
                if (written != header.rows() * rowBytes)
                    throw new IOException("array '" + name + "' received " + (rowBytes == 0 ? 0 : written / rowBytes)
                            + " of its " + header.rows() + " declared rows");
                out.close();
                if (pending == null) return;
                zip.finish();
                pending.commit();
            } catch (IOException | RuntimeException e) {
                if (pending == null) throw e;
                throw AtomicFile.failed(file, e);
            } finally {
                if (pending != null) pending.close();
            }
        }
    }

    private static ZipFile open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + " does not exist or is not a file");
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new IOException(file + " is not a valid .npz file (a zip of .npy arrays, as numpy.savez writes): "
                    + e.getMessage()
                    + (Files.size(file) > 0 ? " (truncated or not a zip?)" : " (the file is empty)"), e);
        }
    }
}
