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
            // as PIL: blur the columns of the transposed image (the rows), transpose back, blur the columns
            a = transpose(a, w, h, c);
            b = blurColumns(a, b, w, h * c, radius);
            a = transpose(b, h, w, c);
            b = new int[a.length];
            a = blurColumns(a, b, h, row, radius);
        }
        byte[] out = new byte[src.length];
        for (int i = 0; i < out.length; i++) out[i] = (byte) a[i];
        return new ByteImage(w, h, c, out);
    }

    /** Three box passes down the columns of an n x m sample array; returns the buffer holding the result. */
    private static int[] blurColumns(int[] a, int[] b, int n, int m, float radius) {
        for (int pass = 0; pass < PASSES; pass++) {
            boxPass(a, b, n, m, radius);
            int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }

    /** The h x w x c transpose of a w x h x c (row-major, interleaved) sample array. */
    private static int[] transpose(int[] in, int w, int h, int c) {
        int[] out = new int[in.length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++) out[(x * h + y) * c + ch] = in[(y * w + x) * c + ch];
        return out;
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
     * ImagingLineBoxBlur down every column of an n x m sample array at once: a window of 2r+1 whole
     * rows plus fractional end rows, edges extended.
     */
    private static void boxPass(int[] in, int[] out, int n, int m, float floatRadius) {
        int radius = (int) floatRadius, last = n - 1;
        long ww = (long) ((float) (1 << 24) / (floatRadius * 2 + 1));
        long fw = ((1L << 24) - (radius * 2L + 1) * ww) / 2;
        int edgeA = Math.min(radius + 1, n);
        long[] acc = new long[m];
        for (int j = 0; j < m; j++) {
            long s = (long) in[j] * (radius + 1) + (long) in[last * m + j] * (radius - edgeA + 1);
            for (int x = 0; x < edgeA - 1; x++) s += in[x * m + j];
            acc[j] = s;
        }
        for (int x = 0; x <= last; x++) {
            // the element leaving the window, the one entering, and the far neighbour, all clamped to the line
            int sub = Math.max(x - radius - 1, 0) * m, add = Math.min(x + radius, last) * m;
            int far = Math.min(x + radius + 1, last) * m, o = x * m;
            for (int j = 0; j < m; j++) {
                long s = acc[j] += in[add + j] - in[sub + j];
                out[o + j] = (int) ((s * ww + (long) (in[sub + j] + in[far + j]) * fw + (1 << 23)) >> 24);
            }
        }
    }
}
