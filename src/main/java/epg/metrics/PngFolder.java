// A folder of PNG images as an image set for evaluation (spec §7 samples; `epg evaluate --make-ref` input).
package epg.metrics;

import epg.data.ByteImage;
import epg.data.ImageDecoder;
import epg.tensor.Torch;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Files ending in .png (any case), sorted by name, decoded by {@link ImageDecoder} (PIL's convert('RGB'): grey
 * replicated, alpha dropped, no colour management). The folder has one channel if its first image is a grey PNG
 * (colour type 0 or 4), else three (later grey images are repeated to RGB); an image of another size, or a colour
 * image in a grey folder, is an error naming the file.
 */
final class PngFolder implements ImageSource {
    /** The colour type's offset in a PNG: 8-byte signature; IHDR length, type, width, height (4 each); bit depth. */
    private static final int COLOUR_TYPE = 25;
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
        ByteImage first = ImageDecoder.readRgb(files.get(0));
        return new PngFolder(files, new long[]{first.height(), first.width(), grey(files.get(0)) ? 1 : 3});
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
        long[] nhwc = {n, shape[0], shape[1], shape[2]};
        Tensor t = torch.empty(nhwc, Torch.options(ScalarType.Byte), null); // [n, H, W, C]
        if (data.length > 0) new BytePointer(t.data_ptr()).capacity(data.length).put(data);
        return t;
    }

    @Override
    public void close() {}

    private void pixels(Path file, byte[] out, int offset) throws IOException {
        ByteImage img = ImageDecoder.readRgb(file);
        if (img.height() != shape[0] || img.width() != shape[1])
            throw new IOException(file + " is " + img.width() + "×" + img.height()
                    + ", unlike the folder's first image (" + shape[1] + "×" + shape[0] + ")");
        byte[] rgb = img.pixels();
        if (shape[2] == 3) {
            System.arraycopy(rgb, 0, out, offset, rgb.length);
            return;
        }
        if (!grey(file)) throw new IOException(file + " is in colour, unlike the folder's first image (grey)");
        for (int p = 0; p < rgb.length / 3; p++) out[offset + p] = rgb[3 * p];
    }

    /** Whether the PNG header says grey (colour type 0, or 4 with alpha); other formats count as colour. */
    private static boolean grey(Path file) throws IOException {
        byte[] head = new byte[COLOUR_TYPE + 1];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) < head.length) return false;
        }
        boolean png = head[0] == (byte) 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G';
        return png && (head[COLOUR_TYPE] & ~4) == 0;
    }

    @Override
    public String toString() { return "PNG folder (" + files.size() + " images " + Arrays.toString(shape) + ")"; }
}
