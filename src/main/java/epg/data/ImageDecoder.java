// Spec §8: decoding PNG, JPEG, BMP and GIF with javax.imageio into RGB as PIL's convert('RGB') does.
package epg.data;

import epg.tensor.AtomicFile;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Reads an image file to 8-bit RGB. Conversions follow PIL 9.4: grey is replicated, palettes are
 * looked up, alpha is dropped (not composited), 16-bit colour keeps the high byte and 16-bit grey
 * (PIL mode 'I') is clipped to 0..255. Decoder warnings (a truncated JPEG) are errors.
 */
public final class ImageDecoder {
    /** The largest image decoded, in pixels: PIL's MAX_IMAGE_PIXELS (a 89-megapixel image is about 256 MB as RGB). */
    public static final long DEFAULT_MAX_PIXELS = 89_478_485;
    /** The environment variable that sets another limit (a whole number of pixels). */
    public static final String MAX_PIXELS_ENV = "EPG_MAX_IMAGE_PIXELS";
    /** The largest image an RGB byte array can hold. */
    private static final long ARRAY_PIXELS = Integer.MAX_VALUE / 3;
    private static volatile long maxPixels;

    private ImageDecoder() {}

    static { ImageIO.setUseCache(false); }

    /** The largest image (width × height) that {@link #readRgb} decodes; a larger one fails before decoding. */
    public static long maxPixels() { return maxPixels > 0 ? maxPixels : envMaxPixels(); }

    /** Sets {@link #maxPixels} for this process (e.g. `epg prepare --max-image-pixels`); 0 restores the default. */
    public static void setMaxPixels(long pixels) {
        if (pixels < 0 || pixels > ARRAY_PIXELS)
            throw new IllegalArgumentException("the image limit must be in [1, " + ARRAY_PIXELS + "] pixels, got "
                    + pixels);
        maxPixels = pixels;
    }

    private static long envMaxPixels() {
        String v = System.getenv(MAX_PIXELS_ENV);
        if (v == null || v.isBlank()) return DEFAULT_MAX_PIXELS;
        try {
            long n = Long.parseLong(v.strip());
            if (n >= 1 && n <= ARRAY_PIXELS) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(MAX_PIXELS_ENV + " must be a whole number of pixels in [1, " + ARRAY_PIXELS
                + "], got '" + v
                + "'; unset it for the default " + DEFAULT_MAX_PIXELS);
    }

    public static ByteImage readRgb(Path file) {
        return withReader(file, reader -> {
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((r, message) -> warnings.add(message));
            checkSize(file, reader.getWidth(0), reader.getHeight(0));
            BufferedImage image = reader.read(0);
            if (!warnings.isEmpty())
                throw new DataException(file, "corrupt or truncated image (" + warnings.get(0)
                        + "); re-download or delete it");
            return toRgb(image, file);
        });
    }

    /** The declared size, from the header, against the limit: refused before any pixel memory is allocated. */
    private static void checkSize(Path file, int width, int height) {
        if (width <= 0 || height <= 0)
            throw new DataException(file, "declares an image of " + width + "x" + height + " pixels; corrupt");
        long pixels = (long) width * height, limit = maxPixels();
        if (pixels > limit)
            throw new DataException(file, "declares " + width + "x" + height + " = " + pixels + " pixels, more "
                    + "than the limit of " + limit + " (a decompression bomb?); raise " + MAX_PIXELS_ENV
                    + " or --max-image-pixels if the image is genuine");
    }

    /** Width and height from the file's header only, or null when it cannot be read as an image. */
    public static int[] size(Path file) {
        try {
            return withReader(file, reader -> new int[]{reader.getWidth(0), reader.getHeight(0)});
        } catch (RuntimeException e) {
            return null;
        }
    }

    private interface ReaderJob<T> { T run(ImageReader reader) throws IOException; }

    /** Runs {@code job} with the reader that claims the file's content; every failure names the file. */
    private static <T> T withReader(Path file, ReaderJob<T> job) {
        if (!Files.isRegularFile(file)) throw new DataException(file, "no such file; check the path");
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext())
                throw new DataException(file, "not a PNG, JPEG, BMP or GIF image (unsupported "
                        + "format or empty file); convert or delete it");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return job.run(reader);
            } finally {
                reader.dispose();
            }
        } catch (DataException e) {
            throw e;
        } catch (IIOException | RuntimeException e) {
            throw new DataException(file, "cannot decode (" + e.getMessage()
                    + "): corrupt, truncated or unsupported; re-download or delete it", e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    static ByteImage toRgb(BufferedImage image, Path file) {
        int w = image.getWidth(), h = image.getHeight();
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        byte[] out = new byte[w * h * 3];
        if (cm instanceof IndexColorModel icm) {
            int[] idx = raster.getSamples(0, 0, w, h, 0, (int[]) null);
            for (int i = 0; i < idx.length; i++) {
                out[3 * i] = (byte) icm.getRed(idx[i]);
                out[3 * i + 1] = (byte) icm.getGreen(idx[i]);
                out[3 * i + 2] = (byte) icm.getBlue(idx[i]);
            }
            return new ByteImage(w, h, 3, out);
        }
        int colours = cm.getNumColorComponents(), bits = cm.getComponentSize(0);
        if (colours != 1 && colours != 3)
            throw new DataException(file, colours + "-component colour (CMYK?) is not supported; convert it to RGB");
        if (bits != 8 && bits != 16)
            throw new DataException(file, bits + "-bit samples are not supported; convert to 8-bit");
        int[] samples = new int[w * h];
        for (int c = 0; c < 3; c++) {
            if (c < colours) raster.getSamples(0, 0, w, h, c, samples);
            for (int i = 0; i < samples.length; i++)
                out[3 * i + c] = (byte) (c >= colours ? out[3 * i] & 0xFF
                        : eightBit(samples[i], bits, colours == 1 && !cm.hasAlpha()));
        }
        return new ByteImage(w, h, 3, out);
    }

    /**
     * PIL keeps the high byte of 16-bit colour and grey-alpha ('RGB;16B', 'LA;16B') but clips 16-bit grey ('I' to
     * 'RGB').
     */
    private static int eightBit(int v, int bits, boolean plainGrey) {
        if (bits == 8) return v;
        return plainGrey ? Math.min(v, 255) : v >> 8;
    }

    /** Writes a lossless PNG, through a temporary file so that an interrupted write leaves nothing. */
    public static void writePng(ByteImage image, Path file) {
        try {
            AtomicFile.write(file, channel -> {
                if (!ImageIO.write(image.toBufferedImage(), "png", Channels.newOutputStream(channel)))
                    throw new IOException("no PNG writer");
            });
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write PNG (" + e.getMessage()
                    + "); check free space and permissions", e);
        }
    }
}
