// Test support for spec §6: closed-form ideal denoisers (posterior means) of point-mass mixtures and Gaussians.
package epg.sample;

import epg.tensor.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/** Ideal denoisers D(x, σ) = E[x_0 | x_σ = x] for data whose distribution is known; they ignore labels. */
final class Analytic {
    private Analytic() {}

    /**
     * Data = point masses {@code points[k]} (each a flattened image) with probabilities {@code weights[k]}:
     * D(x, σ) = Σ_k softmax_k(ln w_k − |x − a_k|²/(2σ²))·a_k.
     */
    static Denoiser pointMasses(double[][] points, double[] weights) {
        int k = points.length, d = points[0].length;
        double[] flat = new double[k * d];
        for (int i = 0; i < k; i++) System.arraycopy(points[i], 0, flat, i * d, d);
        double[] logW = new double[k];
        for (int i = 0; i < k; i++) logW[i] = Math.log(weights[i]);
        return (x, sigma, labels) -> {
            Tensor a = Torch.fromDoubles(flat, k, d).to(x.scalar_type());                        // [K, d]
            Tensor xf = x.reshape(x.size(0), d);                                                  // [B, d]
            Tensor dist = torch.cdist(xf, a).square();                                             // [B, K]
            Tensor s2 = sigma.square().mul(new Scalar(2.0)).reshape(x.size(0), 1);                 // [B, 1]
            Tensor logits = dist.neg().div(s2).add(Torch.fromDoubles(logW, 1, k).to(x.scalar_type())); // [B, K]
            return logits.softmax(1).matmul(a).reshape_as(x);                                      // [B, C, H, W]
        };
    }

    /** Data ~ N(mean, std²) per pixel: D(x, σ) = mean + std²/(std² + σ²)·(x − mean). */
    static Denoiser gaussian(double mean, double std) {
        return (x, sigma, labels) -> {
            Tensor v = sigma.square().add(new Scalar(std * std)).reciprocal().mul(new Scalar(std * std)); // [B]
            return x.sub(new Scalar(mean)).mul(v.reshape(x.size(0), 1, 1, 1)).add(new Scalar(mean));
        };
    }
}
