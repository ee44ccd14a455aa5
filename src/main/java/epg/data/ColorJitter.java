// Spec §3.1: torchvision's ColorJitter(0.4, 0.4, 0.2, 0.1) on PIL images (ImageEnhance blends, HSV hue rotation).
package epg.data;

import java.util.SplittableRandom;

/** One draw of ColorJitter: the order of the four operations and their factors. */
public record ColorJitter(int[] order, double brightness, double contrast, double saturation, double hue) {
    public static final double BRIGHTNESS = 0.4, CONTRAST = 0.4, SATURATION = 0.2, HUE = 0.1;

    /** torchvision's get_params: a random permutation of the four operations, then the four factors. */
    public static ColorJitter sample(SplittableRandom r) {
        int[] order = {0, 1, 2, 3};
        for (int i = 3; i > 0; i--) { int j = r.nextInt(i + 1), t = order[i]; order[i] = order[j]; order[j] = t; }
        return new ColorJitter(order, Seeds.uniform(r, 1 - BRIGHTNESS, 1 + BRIGHTNESS),
                Seeds.uniform(r, 1 - CONTRAST, 1 + CONTRAST),
                Seeds.uniform(r, 1 - SATURATION, 1 + SATURATION), Seeds.uniform(r, -HUE, HUE));
    }

    public ByteImage apply(ByteImage img) {
        for (int op : order)
            img = switch (op) {
                case 0 -> brightness(img, brightness);
                case 1 -> contrast(img, contrast);
                case 2 -> saturation(img, saturation);
                default -> hue(img, hue);
            };
        return img;
    }

    /** ImageEnhance.Brightness: blend with black. */
    public static ByteImage brightness(ByteImage img, double factor) {
        return blend(new byte[img.pixels().length], img, factor);
    }

    /** ImageEnhance.Contrast: blend with the rounded mean of the grey-scale ('L') image. */
    public static ByteImage contrast(ByteImage img, double factor) {
        byte[] grey = img.toGrey().pixels();
        long sum = 0;
        for (byte g : grey) sum += g & 0xFF;
        byte[] degenerate = new byte[img.pixels().length];
        java.util.Arrays.fill(degenerate, (byte) (int) ((double) sum / grey.length + 0.5));
        return blend(degenerate, img, factor);
    }

    /** ImageEnhance.Color: blend with the grey-scale image (nothing to do on grey input). */
    public static ByteImage saturation(ByteImage img, double factor) {
        return img.channels() == 1 ? img : blend(img.greyscaleKeepChannels().pixels(), img, factor);
    }

    /** PIL Image.blend(degenerate, img, alpha) with a float alpha: truncation, clipped when extrapolating. */
    private static ByteImage blend(byte[] degenerate, ByteImage img, double factor) {
        float a = (float) factor;
        byte[] src = img.pixels(), out = new byte[src.length];
        for (int i = 0; i < src.length; i++) {
            int d = degenerate[i] & 0xFF;
            float t = d + a * ((src[i] & 0xFF) - d);
            out[i] = t <= 0f ? 0 : t >= 255f ? (byte) 255 : (byte) (int) t;
        }
        return new ByteImage(img.width(), img.height(), img.channels(), out);
    }

    /** torchvision adjust_hue on PIL: RGB to PIL HSV, hue byte += uint8(factor * 255) (wrapping), back to RGB. */
    public static ByteImage hue(ByteImage img, double factor) {
        if (img.channels() == 1) return img;
        int shift = (int) (factor * 255) & 0xFF;
        byte[] p = img.pixels(), out = new byte[p.length];
        int[] hsv = new int[3];
        for (int i = 0; i < p.length; i += 3) {
            Hsv.fromRgb(p[i] & 0xFF, p[i + 1] & 0xFF, p[i + 2] & 0xFF, hsv);
            Hsv.toRgb((hsv[0] + shift) & 0xFF, hsv[1], hsv[2], out, i);
        }
        return new ByteImage(img.width(), img.height(), 3, out);
    }
}
