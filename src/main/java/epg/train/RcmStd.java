// The paper's Appendix E collapse diagnostic: per-channel std of the L2-normalised representation h, averaged.
package epg.train;

import epg.data.BatchTensors;
import epg.data.ByteImage;
import epg.data.CenterCrop;
import epg.data.Dataset;
import epg.data.Normalization;
import epg.diffusion.Preconditioning;
import epg.loss.NtXent;
import epg.nn.RcmEncoder;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * For each noise level σ (unshifted; applied as σ·s): h = E(c_in·(x + ε·σ·s), c(σ·s)) of the first {@code count}
 * images (centre crop, no flip), rows L2-normalised, then the standard deviation of each channel over the images,
 * averaged over channels. A healthy representation spread over the sphere gives about 1/sqrt(D); a collapsed one ≈ 0.
 */
public final class RcmStd {
    public static final double[] DEFAULT_SIGMAS = {0.002, 0.1, 1, 10, 80};

    private RcmStd() {}

    public static double[] measure(RcmEncoder encoder, Dataset data, Normalization normalization, int count,
            double[] sigmas,
                                   long seed, int batch) {
        int n = Math.min(count, data.size()), res = encoder.config.imageSize(), c = data.channels();
        if (c != encoder.config.channels())
            throw new IllegalArgumentException("the data has " + c + " channels, the encoder "
                    + encoder.config.channels());
        Normalization norm = normalization.forChannels(c);
        float[] pixels = new float[n * c * res * res];
        for (int i = 0; i < n; i++) {
            ByteImage img = CenterCrop.adm(data.image(i), res);
            norm.normalize(img, pixels, i * c * res * res);
        }
        boolean wasTraining = encoder.isTraining();
        encoder.eval();
        double s = encoder.config.shift();
        double[] out = new double[sigmas.length];
        try (NoGradGuard g = new NoGradGuard()) {
            for (int k = 0; k < sigmas.length; k++) {
                double t = sigmas[k] * s;
                Rng rng = new Rng(Rng.derive(seed, k));
                double[] sum = null, sumSq = null;
                for (int from = 0; from < n; from += batch) {
                    int m = Math.min(batch, n - from), d;
                    float[] h;
                    try (Scope step = Scope.open()) { // one scope per batch: the forward's temporaries go with it
                        Tensor x = BatchTensors.images(java.util.Arrays.copyOfRange(pixels, from * c * res * res,
                                (from + m) * c * res * res), m, c, res, res);
                        Tensor eps = torch.randn(Torch.shape(x), rng.optional(), Torch.options(ScalarType.Float));
                        Tensor in = x.add(eps.mul(Torch.scalar(t))).mul(Torch.scalar(Preconditioning.cIn(t)));
                        Tensor cond = torch.full(new long[]{m}, Torch.scalar(Preconditioning.timeCondition(t)));
                        Tensor hn = NtXent.normalize(encoder.representation(in, cond)); // [m, D], rows L2-normalised
                        d = (int) hn.size(1);
                        h = Torch.toFloats(hn);
                    }
                    if (sum == null) { sum = new double[d]; sumSq = new double[d]; }
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < d; j++) { double v = h[i * d + j]; sum[j] += v; sumSq[j] += v * v; }
                }
                double mean = 0;
                for (int j = 0; j < sum.length; j++) // unbiased per-channel standard deviation over the n images
                    mean += Math.sqrt(Math.max(0, (sumSq[j] - sum[j] * sum[j] / n) / (n - 1)));
                out[k] = mean / sum.length;
            }
        } finally {
            encoder.train(wasTraining);
        }
        return out;
    }
}
