// A folder of PNG images as an image set for evaluation (spec §7 samples; `epg evaluate --make-ref` input).
package epg.metrics;

import epg.tensor.Torch;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import javax.imageio.ImageIO;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Files ending in .png (any case), sorted by name. Grey images give their raw samples (16-bit ones scaled to 8 bits,
 * alpha dropped), no colour management; the others become RGB via getRGB, alpha dropped (as PIL's convert('RGB')).
 * The folder has one channel if its first image is grey, else three (later grey images are repeated to RGB); an
 * image of another size, or a colour image in a grey folder, is an error naming the file.
 */
final class PngFolder implements ImageSource {
    private final List<Path> files;
    private final long[] shape;
    private int position;

    private PngFolder(List<Path> files, long[] shape) {
        this.files = files;
        this.shape = shape;
    }

    static PngFolder open(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".png")).sorted().toList();
        }
        if (files.isEmpty()) throw new IOException(dir + " holds no .png images");
        BufferedImage first = read(files.get(0));
        return new PngFolder(files, new long[]{first.getHeight(), first.getWidth(), grey(first) ? 1 : 3});
    }

    @Override
    public long count() { return files.size(); }

    @Override
    public long[] imageShape() { return shape.clone(); }

    @Override
    public Tensor next(int max) throws IOException {
        int n = Math.min(max, files.size() - position);
        int size = Math.toIntExact(shape[0] * shape[1] * shape[2]);
        byte[] data = new byte[n * size];
        for (int i = 0; i < n; i++) pixels(files.get(position + i), data, i * size);
        position += n;
        Tensor t = torch.empty(new long[]{n, shape[0], shape[1], shape[2]}, Torch.options(ScalarType.Byte), null);
        if (data.length > 0) new BytePointer(t.data_ptr()).capacity(data.length).put(data);
        return t;
    }

    @Override
    public void close() {}

    private void pixels(Path file, byte[] out, int offset) throws IOException {
        BufferedImage img = read(file);
        int h = img.getHeight(), w = img.getWidth(), c = (int) shape[2];
        if (h != shape[0] || w != shape[1])
            throw new IOException(file + " is " + w + "×" + h + ", unlike the folder's first image (" + shape[1] + "×" + shape[0] + ")");
        if (grey(img)) {
            Raster r = img.getRaster();
            int shift = img.getColorModel().getComponentSize(0) - 8;
            for (int p = 0; p < h * w; p++) {
                byte v = (byte) (r.getSample(p % w, p / w, 0) >> Math.max(0, shift));
                for (int k = 0; k < c; k++) out[offset + p * c + k] = v;
            }
            return;
        }
        if (c == 1) throw new IOException(file + " is in colour, unlike the folder's first image (grey)");
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int p = 0; p < argb.length; p++) {
            out[offset + 3 * p] = (byte) (argb[p] >> 16);
            out[offset + 3 * p + 1] = (byte) (argb[p] >> 8);
            out[offset + 3 * p + 2] = (byte) argb[p];
        }
    }

    /** Grey PNGs (with or without alpha, 8 or 16 bits): read as raw samples, since Java's getRGB would apply a gamma. */
    private static boolean grey(BufferedImage img) {
        return img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    private static BufferedImage read(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) throw new IOException(file + " is not a readable PNG image");
        return img;
    }

    @Override
    public String toString() { return "PNG folder (" + files.size() + " images " + Arrays.toString(shape) + ")"; }
}
