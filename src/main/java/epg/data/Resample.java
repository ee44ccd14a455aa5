// Spec §8 and §3.1: PIL 9.4's separable two-pass resampling (libImaging/Resample.c), bit-exact on 8-bit images.
package epg.data;

/**
 * PIL's {@code im.crop(box).resize(size, filter)}: a horizontal pass then a vertical pass, each with
 * normalised filter weights stretched by the down-scaling factor (PIL's antialiasing), fixed-point
 * weights of 22 fractional bits and rounding and clipping to 0..255 after each pass.
 */
public final class Resample {
    private Resample() {}

    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** PIL's resampling filters with their support (in input pixels at scale 1). */
    public enum Filter {
        BOX(0.5), BILINEAR(1.0), BICUBIC(2.0);

        final double support;

        Filter(double support) { this.support = support; }

        double weight(double x) {
            return switch (this) {
                case BOX -> x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
                case BILINEAR -> Math.max(0.0, 1.0 - Math.abs(x));
                case BICUBIC -> cubic(Math.abs(x));
            };
        }

        private static double cubic(double x) {
            final double a = -0.5;
            if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
            if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
            return 0.0;
        }
    }

    /** Per output position: first input index, number of taps, fixed-point weights (stride ksize). */
    private record Coeffs(int ksize, int[] first, int[] taps, int[] weights) {}

    /** precompute_coeffs + normalize_coeffs_8bpc of Resample.c for the input span [0, inSize). */
    private static Coeffs coeffs(int inSize, int outSize, Filter filter) {
        double scale = (double) inSize / outSize, filterScale = Math.max(scale, 1.0),
                support = filter.support * filterScale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[outSize], taps = new int[outSize], weights = new int[outSize * ksize];
        double[] w = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale, sum = 0;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int n = Math.min((int) (center + support + 0.5), inSize) - xmin;
            for (int x = 0; x < n; x++) sum += w[x] = filter.weight((x + xmin - center + 0.5) / filterScale);
            for (int x = 0; x < n; x++) {
                double k = sum != 0.0 ? w[x] / sum : w[x];
                weights[xx * ksize + x] = (int) (k < 0 ? -0.5 + k * (1 << PRECISION_BITS) : 0.5
                        + k * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            taps[xx] = n;
        }
        return new Coeffs(ksize, first, taps, weights);
    }

    private static byte clip8(int v) {
        if (v >= (1 << PRECISION_BITS) << 8) return (byte) 255;
        return v <= 0 ? 0 : (byte) (v >> PRECISION_BITS);
    }

    /** PIL's {@code im.resize((outW, outH), filter)}. */
    public static ByteImage resize(ByteImage src, int outW, int outH, Filter filter) {
        return resize(src, 0, 0, src.width(), src.height(), outW, outH, filter);
    }

    /** PIL's {@code im.crop((left, top, left + w, top + h)).resize((outW, outH), filter)}. */
    public static ByteImage resize(ByteImage src, int left, int top, int w, int h, int outW, int outH, Filter filter) {
        if (outW <= 0 || outH <= 0)
            throw new IllegalArgumentException("output size must be positive: " + outW + "x" + outH);
        ByteImage window = src.crop(left, top, w, h);
        if (outW == w && outH == h) return window;
        Coeffs cy = coeffs(h, outH, filter);
        if (outW == w) return vertical(window, 0, cy, outH);
        int rowFirst = outH == h ? 0 : cy.first[0];
        int rowEnd = outH == h ? h : cy.first[outH - 1] + cy.taps[outH - 1];
        ByteImage tmp = horizontal(window, rowFirst, rowEnd, coeffs(w, outW, filter), outW);
        return outH == h ? tmp : vertical(tmp, rowFirst, cy, outH);
    }

    private static ByteImage horizontal(ByteImage in, int rowFirst, int rowEnd, Coeffs k, int outW) {
        int c = in.channels(), ks = k.ksize;
        byte[] src = in.pixels();
        ByteImage out = ByteImage.blank(outW, rowEnd - rowFirst, c);
        byte[] dst = out.pixels();
        for (int y = rowFirst, o = 0; y < rowEnd; y++)
            for (int xx = 0; xx < outW; xx++) {
                int base = (y * in.width() + k.first[xx]) * c, n = k.taps[xx], kb = xx * ks;
                for (int ch = 0; ch < c; ch++, o++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < n; x++) ss += (src[base + x * c + ch] & 0xFF) * k.weights[kb + x];
                    dst[o] = clip8(ss);
                }
            }
        return out;
    }

    /** Vertical pass; row r of {@code in} is input row {@code rowOffset + r}. */
    private static ByteImage vertical(ByteImage in, int rowOffset, Coeffs k, int outH) {
        int c = in.channels(), row = in.width() * c, ks = k.ksize;
        byte[] src = in.pixels();
        ByteImage out = ByteImage.blank(in.width(), outH, c);
        byte[] dst = out.pixels();
        int[] acc = new int[row];
        for (int yy = 0; yy < outH; yy++) {
            int base = (k.first[yy] - rowOffset) * row, n = k.taps[yy], kb = yy * ks;
            java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
            for (int y = 0; y < n; y++) {
                int wgt = k.weights[kb + y], off = base + y * row;
                for (int i = 0; i < row; i++) acc[i] += (src[off + i] & 0xFF) * wgt;
            }
            for (int i = 0, o = yy * row; i < row; i++) dst[o + i] = clip8(acc[i]);
        }
        return out;
    }
}
