// Spec §3.1: PIL 9.4's GaussianBlur(radius=sigma) (libImaging/BoxBlur.c: three extended box blurs per axis), bit-exact.
package epg.data;

import java.util.SplittableRandom;

/**
 * MoCo v3 blurs with {@code ImageFilter.GaussianBlur(radius=sigma)}, sigma uniform in [0.1, 2]. PIL
 * approximates the Gaussian by three passes of a box blur of fractional radius (Gwosdek et al. 2011)
 * in each direction, edges extended, with 24-bit fixed-point weights; this reproduces it exactly.
 */
public final class GaussianBlur {
    private GaussianBlur() {}

    public static final double SIGMA_MIN = 0.1, SIGMA_MAX = 2.0;
    private static final int PASSES = 3;

    public static double sampleSigma(SplittableRandom r) { return Seeds.uniform(r, SIGMA_MIN, SIGMA_MAX); }

    public static ByteImage apply(ByteImage img, double sigma) {
        float radius = boxRadius((float) sigma);
        int w = img.width(), h = img.height(), c = img.channels();
        byte[] p = img.pixels().clone(), line = new byte[Math.max(w, h)], out = new byte[line.length];
        if (radius != 0) {
            for (int y = 0; y < h; y++)
                for (int ch = 0; ch < c; ch++) blurLine(p, (y * w) * c + ch, c, w, radius, line, out);
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++) blurLine(p, x * c + ch, w * c, h, radius, line, out);
        }
        return new ByteImage(w, h, c, p);
    }

    /** _gaussian_blur_radius: the fractional box radius whose three passes have variance sigma^2. */
    static float boxRadius(float sigma) {
        float sigma2 = sigma * sigma / PASSES;
        float bigL = (float) Math.sqrt(12.0 * sigma2 + 1.0);
        float l = (float) Math.floor((bigL - 1.0) / 2.0);
        float a = (2 * l + 1) * (l * (l + 1) - 3 * sigma2);
        a /= 6 * (sigma2 - (l + 1) * (l + 1));
        return l + a;
    }

    /** Three box passes over the n samples p[start + i * stride], in place. */
    private static void blurLine(byte[] p, int start, int stride, int n, float radius, byte[] in, byte[] out) {
        for (int i = 0; i < n; i++) in[i] = p[start + i * stride];
        for (int pass = 0; pass < PASSES; pass++) {
            boxLine(in, out, n, radius);
            System.arraycopy(out, 0, in, 0, n);
        }
        for (int i = 0; i < n; i++) p[start + i * stride] = in[i];
    }

    /** ImagingLineBoxBlur for one channel: window of 2r+1 whole pixels plus fractional end pixels. */
    private static void boxLine(byte[] in, byte[] out, int n, float floatRadius) {
        int radius = (int) floatRadius, last = n - 1;
        long ww = (long) ((float) (1 << 24) / (floatRadius * 2 + 1));
        long fw = ((1L << 24) - (radius * 2L + 1) * ww) / 2;
        int edgeA = Math.min(radius + 1, n), edgeB = Math.max(n - radius - 1, 0);
        long acc = (long) (in[0] & 0xFF) * (radius + 1);
        for (int x = 0; x < edgeA - 1; x++) acc += in[x] & 0xFF;
        acc += (long) (in[last] & 0xFF) * (radius - edgeA + 1);
        for (int x = 0; x <= last; x++) {
            // the pixel leaving the window, the one entering, and the two fractional neighbours, all clamped to the line
            int sub = Math.max(x - radius - 1, 0), add = Math.min(x + radius, last), far = Math.min(x + radius + 1, last);
            acc += (in[add] & 0xFF) - (in[sub] & 0xFF);
            long bulk = acc * ww + (long) ((in[sub] & 0xFF) + (in[far] & 0xFF)) * fw;
            out[x] = (byte) ((bulk + (1 << 23)) >> 24);
        }
    }
}
