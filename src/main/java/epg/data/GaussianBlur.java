// Spec §3.1: the Gaussian blur of the MoCo-v3 views, a true separable Gaussian (documented substitute for PIL's box approximation).
package epg.data;

import java.util.SplittableRandom;

/**
 * Blur with a sampled Gaussian of standard deviation sigma in [0.1, 2] (MoCo v3 draws it uniformly),
 * truncated at 3 sigma, edges extended (replicated) as PIL does; rounding to the nearest level.
 */
public final class GaussianBlur {
    private GaussianBlur() {}

    public static final double SIGMA_MIN = 0.1, SIGMA_MAX = 2.0;

    public static double sampleSigma(SplittableRandom r) { return Seeds.uniform(r, SIGMA_MIN, SIGMA_MAX); }

    public static ByteImage apply(ByteImage img, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        float[] k = new float[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) sum += k[i + radius] = (float) Math.exp(-0.5 * i * i / (sigma * sigma));
        for (int i = 0; i < k.length; i++) k[i] /= (float) sum;
        int w = img.width(), h = img.height(), c = img.channels();
        float[] tmp = new float[w * h * c];
        byte[] src = img.pixels(), out = new byte[src.length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++) {
                    float s = 0;
                    for (int i = -radius; i <= radius; i++) s += k[i + radius] * (src[(y * w + clamp(x + i, w)) * c + ch] & 0xFF);
                    tmp[(y * w + x) * c + ch] = s;
                }
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++) {
                    float s = 0;
                    for (int i = -radius; i <= radius; i++) s += k[i + radius] * tmp[(clamp(y + i, h) * w + x) * c + ch];
                    out[(y * w + x) * c + ch] = (byte) Math.min(255, Math.round(s));
                }
        return new ByteImage(w, h, c, out);
    }

    private static int clamp(int i, int n) { return i < 0 ? 0 : i >= n ? n - 1 : i; }
}
