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
        int w = img.width(), h = img.height(), c = img.channels(), row = w * c;
        byte[] src = img.pixels();
        int[] a = new int[src.length], b = new int[src.length];
        for (int i = 0; i < src.length; i++) a[i] = src[i] & 0xFF;
        if (radius != 0) {
            // rows: w elements of c samples each; then columns: h elements of a whole row each
            for (int pass = 0; pass < 2 * PASSES; pass++) {
                if (pass < PASSES) for (int y = 0; y < h; y++) boxPass(a, b, y * row, w, c, radius);
                else boxPass(a, b, 0, h, row, radius);
                int[] t = a;
                a = b;
                b = t;
            }
        }
        byte[] out = new byte[src.length];
        for (int i = 0; i < out.length; i++) out[i] = (byte) a[i];
        return new ByteImage(w, h, c, out);
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

    /**
     * ImagingLineBoxBlur along a line of n elements, each a vector of m consecutive samples starting at
     * base + i * m: a window of 2r+1 whole elements plus fractional end elements, edges extended.
     */
    private static void boxPass(int[] in, int[] out, int base, int n, int m, float floatRadius) {
        int radius = (int) floatRadius, last = n - 1;
        long ww = (long) ((float) (1 << 24) / (floatRadius * 2 + 1));
        long fw = ((1L << 24) - (radius * 2L + 1) * ww) / 2;
        int edgeA = Math.min(radius + 1, n);
        long[] acc = new long[m];
        for (int j = 0; j < m; j++) {
            long s = (long) in[base + j] * (radius + 1) + (long) in[base + last * m + j] * (radius - edgeA + 1);
            for (int x = 0; x < edgeA - 1; x++) s += in[base + x * m + j];
            acc[j] = s;
        }
        for (int x = 0; x <= last; x++) {
            // the element leaving the window, the one entering, and the far neighbour, all clamped to the line
            int sub = base + Math.max(x - radius - 1, 0) * m, add = base + Math.min(x + radius, last) * m;
            int far = base + Math.min(x + radius + 1, last) * m, o = base + x * m;
            for (int j = 0; j < m; j++) {
                long s = acc[j] += in[add + j] - in[sub + j];
                out[o + j] = (int) ((s * ww + (long) (in[sub + j] + in[far + j]) * fw + (1 << 23)) >> 24);
            }
        }
    }
}
