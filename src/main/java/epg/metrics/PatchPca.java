// Paper Figures 5/6 (encoder features): the first three principal components of patch tokens, as RGB in [0, 1].
package epg.metrics;

import epg.tensor.Torch;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Fitted on a set of tokens [N, D] (all images and noise levels together, so that one colour means one feature
 * direction everywhere): the mean, the top three eigenvectors of the covariance (computed in float64), and, per
 * component, the range of the projections, which maps onto [0, 1] as red, green and blue. An eigenvector's sign is
 * arbitrary; it is fixed so that its largest-magnitude entry is positive, which makes the colours reproducible.
 *
 * @param mean       [D] float64
 * @param components [3, D] float64, orthonormal rows, by decreasing variance
 * @param variance   the share of the total variance each component explains
 * @param low        per component, the smallest projection of the fitted tokens
 * @param high       per component, the largest
 */
public record PatchPca(Tensor mean, Tensor components, double[] variance, double[] low, double[] high) {
    public static final int COMPONENTS = 3;

    /** Fits on tokens [N, D] (any floating dtype), N ≥ 2, D ≥ 3. */
    public static PatchPca fit(Tensor tokens) {
        long[] s = Torch.shape(tokens);
        if (s.length != 2 || s[0] < 2 || s[1] < COMPONENTS)
            throw new IllegalArgumentException("PCA needs tokens [N >= 2, D >= 3], got " + Torch.shapeString(tokens));
        Tensor x = tokens.to(ScalarType.Double);                                         // [N, D]
        Tensor mean = x.mean(new long[]{0}, false, new ScalarTypeOptional());          // [D]
        Tensor centred = x.sub(mean);                                                   // [N, D]
        Tensor cov = centred.mT().matmul(centred).div(new Scalar((double) (s[0] - 1))); // [D, D]
        T_TensorTensor_T eh = torch.linalg_eigh(cov);                                    // ascending
        Tensor top = eh.get1().narrow(1, s[1] - COMPONENTS, COMPONENTS).flip(new long[]{1}).mT(); // [3, D]
        Tensor signs = top.gather(1, top.abs().argmax(new LongOptional(1), true)).sign();  // [3, 1]
        top = top.mul(signs);
        double total = torch.trace(cov).item_double();
        double[] eig = Torch.toDoubles(eh.get0().narrow(0, s[1] - COMPONENTS, COMPONENTS).flip(new long[]{0}));
        double[] share = new double[COMPONENTS];
        for (int k = 0; k < COMPONENTS; k++) share[k] = total > 0 ? Math.max(0, eig[k]) / total : 0;
        Tensor proj = centred.matmul(top.mT());                                          // [N, 3]
        double[] lo = Torch.toDoubles(proj.amin(new long[]{0}, false));
        double[] hi = Torch.toDoubles(proj.amax(new long[]{0}, false));
        return new PatchPca(mean, top, share, lo, hi);
    }

    /** Tokens [N, D] → their coordinates on the three components [N, 3] (float64). */
    public Tensor project(Tensor tokens) {
        return tokens.to(ScalarType.Double).sub(mean).matmul(components.mT());           // [N, 3]
    }

    /** Tokens [N, D] → colours [N, 3] in [0, 1]: each component's fitted range stretched onto [0, 1]. */
    public Tensor rgb(Tensor tokens) {
        Tensor lo = Torch.fromDoubles(low, 1, COMPONENTS);                               // [1, 3]
        Tensor span = Torch.fromDoubles(high, 1, COMPONENTS).sub(lo).clamp_min(new Scalar(1e-12)); // [1, 3]
        return project(tokens).sub(lo).div(span)
                .clamp(new ScalarOptional(new Scalar(0.0)), new ScalarOptional(new Scalar(1.0))); // [N, 3]
    }
}
