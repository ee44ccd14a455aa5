// The Gaussian summary of a feature set used by FID and sFID (ADM evaluator's FIDStatistics: mean and np.cov, float64).
package epg.metrics;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** mu [D] and sigma [D, D], both float64, kept beyond the scope they were made in. */
public record FeatureStats(Tensor mu, Tensor sigma) {
    public FeatureStats {
        long[] m = Torch.shape(mu), s = Torch.shape(sigma);
        if (m.length != 1 || s.length != 2 || s[0] != m[0] || s[1] != m[0])
            throw new IllegalArgumentException("statistics need mu [D] and sigma [D, D], got " + Torch.shapeString(mu)
                    + " and " + Torch.shapeString(sigma));
        mu = Scope.keep(mu.to(ScalarType.Double));
        sigma = Scope.keep(sigma.to(ScalarType.Double));
    }

    /** Mean and unbiased covariance (rows are observations, as np.cov(x, rowvar=False)) of features [N, D], N >= 2. */
    public static FeatureStats of(Tensor features) {
        long[] shape = Torch.shape(features);
        if (shape.length != 2 || shape[0] < 2)
            throw new IllegalArgumentException("statistics need features [N >= 2, D], got "
                    + Torch.shapeString(features));
        try (Scope s = Scope.open()) {
            Tensor x = features.to(ScalarType.Double);
            return new FeatureStats(x.mean(0), torch.cov(x.t()));
        }
    }

    public long dim() { return mu.size(0); }
}
