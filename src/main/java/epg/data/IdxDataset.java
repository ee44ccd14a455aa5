// Spec §8: MNIST / Fashion-MNIST IDX files (gzipped or not) as a grey-scale dataset.
package epg.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/** Images of an idx3-ubyte file with the labels of the matching idx1-ubyte file. */
public record IdxDataset(int count, int rows, int cols, byte[] pixels, byte[] labels,
        int numClasses) implements Dataset {
    static boolean isIdxFolder(Path dir) {
        return find(dir, "train", "images").isPresent() || find(dir, "t10k", "images").isPresent();
    }

    /** Finds {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] in {@code dir}. */
    public static IdxDataset open(Path dir, boolean train) {
        String split = train ? "train" : "t10k";
        Path images = find(dir, split, "images").orElseThrow(() -> new DataException(dir, "no " + split
                + "-images-idx3-ubyte[.gz]; point to an MNIST-style folder"));
        Path labels = find(dir, split, "labels").orElseThrow(() -> new DataException(dir, "no " + split
                + "-labels-idx1-ubyte[.gz] next to the images"));
        byte[][] img = read(images, 3), lab = read(labels, 1);
        int n = readInt(img[0], 0), rows = readInt(img[0], 4), cols = readInt(img[0], 8);
        if (readInt(lab[0], 0) != n)
            throw new DataException(labels, "holds " + readInt(lab[0], 0) + " labels for " + n + " images");
        int classes = 0;
        for (byte b : lab[1]) classes = Math.max(classes, (b & 0xFF) + 1);
        return new IdxDataset(n, rows, cols, img[1], lab[1], classes);
    }

    private static Optional<Path> find(Path dir, String split, String kind) {
        String stem = split + "-" + kind + (kind.equals("images") ? "-idx3-ubyte" : "-idx1-ubyte");
        return java.util.stream.Stream.of(stem, stem + ".gz", split + "." + kind + "-idx"
                + (kind.equals("images") ? 3 : 1) + "-ubyte")
                .map(dir::resolve).filter(Files::isRegularFile).findFirst();
    }

    /** {dims header, payload} of an IDX file with unsigned-byte data and {@code dims} dimensions. */
    private static byte[][] read(Path file, int dims) {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(file.toString().endsWith(".gz")
                     ? new GZIPInputStream(raw, 1 << 16) : raw)) {
            int magic = in.readInt();
            if (magic != (0x0800 | dims))
                throw new DataException(file, String.format("bad IDX magic 0x%08x (expected "
                        + "0x%08x); not an IDX ubyte file", magic, 0x0800 | dims));
            byte[] header = new byte[4 * dims];
            in.readFully(header);
            long n = 1;
            for (int d = 0; d < dims; d++) {
                int size = readInt(header, 4 * d);
                if (size < 1 || (d > 0 && size > 65536))
                    throw new DataException(file, "dimension " + d + " of the IDX header is " + size + "; corrupt "
                            + "header, re-download it");
                n *= size;
                if (n > Integer.MAX_VALUE)
                    throw new DataException(file, "the IDX header claims more than 2^31 bytes; corrupt header, "
                            + "re-download it");
            }
            byte[] data = in.readNBytes((int) n); // grows with what the file holds, not with what the header claims
            if (data.length < n)
                throw new DataException(file, "truncated IDX file: the header claims " + n + " bytes, it holds "
                        + data.length + "; re-download it");
            return new byte[][]{header, data};
        } catch (EOFException e) {
            throw new DataException(file, "truncated IDX file; re-download it", e);
        } catch (IOException e) {
            throw new DataException(file, "cannot read IDX file (" + e.getMessage() + "); re-download it", e);
        }
    }

    private static int readInt(byte[] b, int o) {
        return (b[o] & 0xFF) << 24 | (b[o + 1] & 0xFF) << 16 | (b[o + 2] & 0xFF) << 8 | (b[o + 3] & 0xFF);
    }

    @Override public int size() { return count; }

    @Override public int label(int i) { return labels[i] & 0xFF; }

    @Override public int channels() { return 1; }

    @Override public ByteImage image(int i) {
        int n = rows * cols;
        return new ByteImage(cols, rows, 1, java.util.Arrays.copyOfRange(pixels, i * n, (i + 1) * n));
    }
}
