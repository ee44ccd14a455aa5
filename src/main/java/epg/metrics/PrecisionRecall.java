// Improved precision and recall, k = 3 (spec §7; ADM evaluator's ManifoldEstimator, after Kynkäänniemi et al. 2019).
package epg.metrics;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;

/**
 * Each set's manifold is the union of balls around its points whose radius is the distance to the k-th nearest other
 * point of the same set. Precision: the share of samples inside some reference ball; recall: the share of reference
 * points inside some sample ball. Squared Euclidean distances |u|² − 2u·v + |v|² (clamped at 0), in float64 blocks
 * (ADM computes them in float16 first, falling back to float32; float64 here).
 */
public record PrecisionRecall(double precision, double recall) {
    public static final int K = 3;
    static final int ROWS = 256, COLS = 8192;

    public static PrecisionRecall of(Tensor reference, Tensor samples) { return of(reference, samples, K); }

    public static PrecisionRecall of(Tensor reference, Tensor samples, int k) {
        return of(reference, samples, k, ROWS, COLS);
    }

    /** With distance blocks of {@code rows} samples × {@code cols} references (memory: rows·cols doubles). */
    static PrecisionRecall of(Tensor reference, Tensor samples, int k, int rows, int cols) {
        try (Scope s = Scope.open()) {
            Tensor ref = reference.to(ScalarType.Double), sam = samples.to(ScalarType.Double);
            if (ref.size(1) != sam.size(1))
                throw new IllegalArgumentException("feature widths differ: " + ref.size(1) + " and " + sam.size(1));
            double[] refRadii = Torch.toDoubles(radii(ref, k, rows)), samRadii = Torch.toDoubles(radii(sam, k, rows));
            boolean[] samIn = new boolean[(int) sam.size(0)], refIn = new boolean[(int) ref.size(0)];
            for (long i = 0; i < sam.size(0); i += rows) {
                Tensor samBlock = sam.narrow(0, i, Math.min(rows, sam.size(0) - i)); // [≤ rows, D]
                for (long j = 0; j < ref.size(0); j += cols) {
                    Tensor refBlock = ref.narrow(0, j, Math.min(cols, ref.size(0) - j)); // [≤ cols, D]
                    mark(samBlock, i, refBlock, j, samRadii, refRadii, samIn, refIn);
                }
            }
            return new PrecisionRecall(share(samIn), share(refIn));
        }
    }

    /** Squared distance of each row to its k-th nearest other row ([N], float64). */
    static Tensor radii(Tensor x, int k, int rows) {
        long n = x.size(0);
        if (n <= k)
            throw new IllegalArgumentException("the k = " + k + " nearest-neighbour radii need more than " + k
                    + " points, got " + n);
        Tensor out = torch.empty(new long[]{n}, Torch.options(ScalarType.Double), null);
        for (long i = 0; i < n; i += rows) {
            long b = Math.min(rows, n - i);
            try (Scope s = Scope.open()) {
                Tensor d = squaredDistances(x.narrow(0, i, b), x); // [b, N]; each row's own distance 0 comes first
                out.narrow(0, i, b).copy_(torch.kthvalue(d, k + 1, 1, false).get0());
            }
        }
        return out;
    }

    /** One block: the samples starting at row i against the references starting at row j. */
    private static void mark(Tensor sam, long i, Tensor ref, long j, double[] samRadii, double[] refRadii,
            boolean[] samIn, boolean[] refIn) {
        long rows = sam.size(0), cols = ref.size(0);
        try (Scope s = Scope.open()) {
            Tensor d = squaredDistances(sam, ref);
            Tensor refR = Torch.fromDoubles(Arrays.copyOfRange(refRadii, (int) j, (int) (j + cols)), 1, cols);
            Tensor samR = Torch.fromDoubles(Arrays.copyOfRange(samRadii, (int) i, (int) (i + rows)), rows, 1);
            or(samIn, i, Torch.toLongs(d.le(refR).any(1)));
            or(refIn, j, Torch.toLongs(d.le(samR).any(0)));
        }
    }

    /** [a, b] squared Euclidean distances between the rows of u [a, D] and v [b, D]. */
    static Tensor squaredDistances(Tensor u, Tensor v) {
        Tensor nu = u.mul(u).sum(new long[]{1}, true, new ScalarTypeOptional());     // [a, 1]
        Tensor nv = v.mul(v).sum(new long[]{1}, true, new ScalarTypeOptional()).t(); // [1, b]
        return nu.sub(u.matmul(v.t()).mul(new Scalar(2.0))).add(nv).clamp_min(new Scalar(0.0));
    }

    private static void or(boolean[] status, long offset, long[] hits) {
        for (int t = 0; t < hits.length; t++) status[(int) offset + t] |= hits[t] != 0;
    }

    private static double share(boolean[] status) {
        int n = 0;
        for (boolean b : status) if (b) n++;
        return (double) n / status.length;
    }
}
