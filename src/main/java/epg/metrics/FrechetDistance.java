// FID / sFID: the Fréchet distance between two Gaussians (spec §7; ADM evaluator's FIDStatistics.frechet_distance).
package epg.metrics;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * d² = |μ₁ − μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁Σ₂)^½, in float64. The trace of the matrix square
 * root is the sum of the singular values of Σ₁^½ Σ₂^½ (their squares are the eigenvalues of Σ₂^½ Σ₁
 * Σ₂^½, which is similar to Σ₁Σ₂), with each root from libtorch's eigh and rounding-negative eigenvalues
 * taken as 0 — what dropping the imaginary part of scipy's sqrtm does. Unlike the eigenvalues of Σ₁^½ Σ₂
 * Σ₁^½, singular values keep their absolute error at ε·|Σ|, not √ε·|Σ|, so rank-deficient covariances
 * (fewer samples than dimensions) stay accurate: FID(x, x) ≈ 0, not −1e-5. When the result is not finite, ε·I (ε
 * = 1e-6) is added to both covariances and the trace recomputed, as the references do.
 */
public final class FrechetDistance {
    public static final double EPS = 1e-6;

    private FrechetDistance() {}

    public static double between(FeatureStats a, FeatureStats b) {
        if (a.dim() != b.dim())
            throw new IllegalArgumentException("statistics of different dimensions: " + a.dim() + " and " + b.dim());
        try (Scope s = Scope.open()) {
            double tr = traceSqrtProduct(a.sigma(), b.sigma());
            if (!Double.isFinite(tr)) {
                Tensor offset = torch.eye(a.dim(), Torch.options(ScalarType.Double)).mul(new Scalar(EPS));
                tr = traceSqrtProduct(a.sigma().add(offset), b.sigma().add(offset));
            }
            if (!Double.isFinite(tr))
                throw new IllegalArgumentException("the covariances are not finite (NaN or infinite features?)");
            Tensor diff = a.mu().sub(b.mu());
            double traces = torch.trace(a.sigma()).item_double() + torch.trace(b.sigma()).item_double();
            return diff.dot(diff).item_double() + traces - 2 * tr;
        }
    }

    /** tr (Σ₁Σ₂)^½, or NaN when the eigensolver fails or meets non-finite values. */
    static double traceSqrtProduct(Tensor sigma1, Tensor sigma2) {
        try {
            return torch.linalg_svdvals(symmetricSqrt(sigma1).matmul(symmetricSqrt(sigma2))).sum().item_double();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** V·diag(√max(λ, 0))·Vᵀ of a symmetric matrix. */
    static Tensor symmetricSqrt(Tensor sym) {
        T_TensorTensor_T eh = torch.linalg_eigh(sym);
        Tensor w = eh.get0(), v = eh.get1();
        return v.mul(w.clamp_min(new Scalar(0.0)).sqrt().unsqueeze(0)).matmul(v.mT());
    }
}
