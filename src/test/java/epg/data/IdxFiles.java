// Spec §8 (tests): IDX files written by hand, and generated data in Fashion-MNIST's layout for tests that train.
package epg.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files (gzipped when the name ends in ".gz") as the format's description defines them. */
public final class IdxFiles {
    /** Images and labels per split of {@link #fashionMnistLayout}. */
    public static final int TRAIN = 300, TEST = 200;

    private IdxFiles() {}

    /** An IDX file: magic, then each dimension, as big-endian int32, then the payload. */
    public static void write(Path f, int magic, int[] dims, byte[] data) throws IOException {
        try (OutputStream file = Files.newOutputStream(f);
             var out = new DataOutputStream(f.toString().endsWith(".gz") ? new GZIPOutputStream(file) : file)) {
            out.writeInt(magic);
            for (int d : dims) out.writeInt(d);
            out.write(data);
        }
    }

    /**
     * {@code dir} filled like Fashion-MNIST (the four .gz files, 28×28 grey, labels 0..9 each equally often, shuffled)
     * with {@link #TRAIN} and {@link #TEST} random images: what tests pass as `--data DIR` or EPG_DATA.
     */
    public static Path fashionMnistLayout(Path dir) { return fashionMnistLayout(dir, TRAIN, TEST); }

    /** {@link #fashionMnistLayout(Path)} with {@code train} and {@code test} images (at least 10 each). */
    public static Path fashionMnistLayout(Path dir, int train, int test) {
        try {
            Files.createDirectories(dir);
            Random r = new Random(7);
            split(dir, "train", train, r);
            split(dir, "t10k", test, r);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void split(Path dir, String prefix, int n, Random r) throws IOException {
        byte[] pixels = new byte[n * 28 * 28], labels = new byte[n];
        r.nextBytes(pixels);
        for (int i = 0; i < n; i++) labels[i] = (byte) (i % 10);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            byte t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        write(dir.resolve(prefix + "-images-idx3-ubyte.gz"), 0x803, new int[]{n, 28, 28}, pixels);
        write(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), 0x801, new int[]{n}, labels);
    }
}
