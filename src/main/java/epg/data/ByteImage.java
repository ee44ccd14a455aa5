// Spec §1 and §3.1: an 8-bit image (grey or RGB, interleaved rows) and its pixel-exact PIL operations.
package epg.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/** {@code channels} (1 or 3) interleaved uint8 samples per pixel, rows top to bottom. */
public record ByteImage(int width, int height, int channels, byte[] pixels) {
    public ByteImage {
        if (channels != 1 && channels != 3)
            throw new IllegalArgumentException("channels must be 1 or 3, not " + channels);
        if (pixels.length != width * height * channels)
            throw new IllegalArgumentException("expected " + width * height * channels + " samples, got "
                    + pixels.length);
    }

    public static ByteImage blank(int width, int height, int channels) {
        return new ByteImage(width, height, channels, new byte[width * height * channels]);
    }

    /** Sample {@code c} of pixel (x, y) in 0..255. */
    public int get(int x, int y, int c) { return pixels[(y * width + x) * channels + c] & 0xFF; }

    /** PIL's convert('RGB') of an 'L' image: the grey value in all three channels. */
    public ByteImage toRgb() {
        if (channels == 3) return this;
        byte[] out = new byte[pixels.length * 3];
        for (int i = 0; i < pixels.length; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = pixels[i];
        return new ByteImage(width, height, 3, out);
    }

    /** PIL's convert('L'): ITU-R 601-2 luma L = (19595 R + 38470 G + 7471 B + 2^15) >> 16. */
    public ByteImage toGrey() {
        if (channels == 1) return this;
        byte[] out = new byte[width * height];
        for (int i = 0; i < out.length; i++) out[i] = (byte) luma(pixels, 3 * i);
        return new ByteImage(width, height, 1, out);
    }

    static int luma(byte[] p, int i) {
        return ((p[i] & 0xFF) * 19595 + (p[i + 1] & 0xFF) * 38470 + (p[i + 2] & 0xFF) * 7471 + 0x8000) >> 16;
    }

    /** torchvision RandomGrayscale on an RGB image: luma copied to every channel (channel count kept). */
    public ByteImage greyscaleKeepChannels() { return channels == 1 ? this : toGrey().toRgb(); }

    /** Mirror left-right. */
    public ByteImage flip() {
        byte[] out = new byte[pixels.length];
        int c = channels;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                System.arraycopy(pixels, (y * width + x) * c, out, (y * width + width - 1 - x) * c, c);
        return new ByteImage(width, height, c, out);
    }

    /** PIL ImageOps.solarize: every sample at or above {@code threshold} becomes 255 - v. */
    public ByteImage solarize(int threshold) {
        byte[] out = pixels.clone();
        for (int i = 0; i < out.length; i++) if ((out[i] & 0xFF) >= threshold) out[i] = (byte) (255 - (out[i] & 0xFF));
        return new ByteImage(width, height, channels, out);
    }

    /** Zero padding of {@code p} pixels on every side (28 -> 32 for MNIST with p = 2). */
    public ByteImage pad(int p) {
        ByteImage out = blank(width + 2 * p, height + 2 * p, channels);
        int row = width * channels;
        for (int y = 0; y < height; y++)
            System.arraycopy(pixels, y * row, out.pixels, ((y + p) * out.width + p) * channels, row);
        return out;
    }

    /** The sub-image at (left, top) of size w x h. */
    public ByteImage crop(int left, int top, int w, int h) {
        if (left < 0 || top < 0 || left + w > width || top + h > height)
            throw new IllegalArgumentException("crop " + w + "x" + h + "+" + left + "+" + top + " outside " + width
                    + "x" + height);
        ByteImage out = blank(w, h, channels);
        for (int y = 0; y < h; y++)
            System.arraycopy(pixels, ((top + y) * width + left) * channels, out.pixels, y * w * channels, w * channels);
        return out;
    }

    /** A BufferedImage sharing nothing with this one (TYPE_3BYTE_BGR or TYPE_BYTE_GRAY), for PNG writing. */
    public BufferedImage toBufferedImage() {
        BufferedImage bi = new BufferedImage(width, height, channels == 3 ? BufferedImage.TYPE_3BYTE_BGR
                : BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((DataBufferByte) bi.getRaster().getDataBuffer()).getData();
        if (channels == 1) System.arraycopy(pixels, 0, dst, 0, pixels.length);
        else for (int i = 0; i < pixels.length; i += 3) {
            dst[i] = pixels[i + 2];
            dst[i + 1] = pixels[i + 1];
            dst[i + 2] = pixels[i];
        }
        return bi;
    }
}
