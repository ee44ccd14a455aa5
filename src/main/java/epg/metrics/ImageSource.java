// The image sets `epg evaluate` reads (spec §7): ADM-style .npz (arr_0, uint8 NHWC) or a folder of PNG images.
package epg.metrics;

import epg.sample.SampleRun;
import epg.tensor.DType;
import epg.tensor.Npz;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Batches of uint8 images [B, H, W, C] in a fixed order; every image has the same shape. */
public interface ImageSource extends AutoCloseable {
    /** The number of images. */
    long count();

    /** [H, W, C] of every image. */
    long[] imageShape();

    /** The next at most {@code max} images (none at the end). */
    Tensor next(int max) throws IOException;

    @Override
    void close() throws IOException;

    /**
     * The image set behind {@code path}: an {@code epg sample} output folder (one holding samples.npz beside its PNGs
     * and grid.png) stands for its samples.npz, which holds exactly its images and their labels; anything else is
     * itself.
     */
    static Path resolve(Path path) {
        Path npz = path.resolve(SampleRun.NPZ);
        return Files.isDirectory(path) && Files.isRegularFile(npz) ? npz : path;
    }

    /** A folder of PNGs (sorted by file name) or an .npz holding arr_0. */
    static ImageSource open(Path path) throws IOException {
        if (Files.isDirectory(path)) return PngFolder.open(path);
        if (!Files.isRegularFile(path))
            throw new IOException(path + " does not exist: expected a folder of PNG images or an .npz with arr_0");
        return npz(path);
    }

    private static ImageSource npz(Path file) throws IOException {
        Npz.Rows rows = Npz.rows(file, "arr_0");
        long[] shape = rows.header().shape();
        if (shape.length != 4 || (shape[3] != 1 && shape[3] != 3) || rows.header().dtype() != DType.U8) {
            rows.close();
            throw new IOException(file + ": arr_0 must be uint8 images [N, H, W, C] with C = 1 or 3, found "
                    + rows.header().dtype() + " " + Arrays.toString(shape));
        }
        return new ImageSource() {
            public long count() { return shape[0]; }

            public long[] imageShape() { return new long[]{shape[1], shape[2], shape[3]}; }

            public Tensor next(int max) throws IOException { return rows.next(max); }

            public void close() throws IOException { rows.close(); }
        };
    }
}
