// Spec §4: σ = exp(N(P_mean, P_std)) snapped to the N-point Karras grid, loss weight 1/(σ_i − σ_{i+1}) (or EDM's).
package epg.diffusion;

/**
 * The diffusion fine-tuning noise levels, in unshifted units: a log-normal draw snapped to the nearest grid
 * point (in σ, not in σ^(1/ρ)), and the weight of that point.
 *
 * @param pMean mean of ln σ (−1.2)
 * @param pStd  standard deviation of ln σ (1.6)
 * @param n         grid points (1280)
 * @param weighting GRID: w_i = 1/(σ_i − σ_{i+1}) (spec §4, released); EDM: λ(t) = (t² + σ_data²)/(t·σ_data)² of the
 *                  shifted level t (flatter than GRID above σ ≈ 0.3, steeper below)
 * @param floor     0 (released): no floor; else an unshifted σ below which every level weighs what the grid point
 *                  nearest {@code floor} weighs. An under-trained x-prediction network copies its input only
 *                  roughly, so its error at σ → 0 stays near a constant while both weightings grow without bound
 *                  there: the lowest levels then take nearly all of a short run's gradient and the middle levels,
 *                  which decide what the sampler draws, learn little (in the manner of Min-SNR weighting)
 */
public record SnappedLognormal(double pMean, double pStd, int n, Weighting weighting, double floor) {
    /** The loss weighting over noise levels: the released grid weighting or EDM's. */
    public enum Weighting {
        GRID, EDM;

        public static Weighting parse(String s) {
            return switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "grid" -> GRID;
                case "edm" -> EDM;
                default -> throw new IllegalArgumentException("unknown loss weighting '" + s
                        + "'; use grid (released) or edm");
            };
        }
    }

    public static final double P_MEAN = -1.2, P_STD = 1.6;
    public static final int POINTS = 1280;

    public SnappedLognormal {
        if (!(pStd > 0) || !Double.isFinite(pMean))
            throw new IllegalArgumentException("need a finite P_mean and P_std > 0, got " + pMean + ", " + pStd);
        if (n < 2) throw new IllegalArgumentException("the grid needs at least 2 points, got " + n);
        if (weighting == null) throw new IllegalArgumentException("loss weighting must be grid or edm");
        if (!(floor >= 0) || floor >= KarrasGrid.SIGMA_MAX)
            throw new IllegalArgumentException("the loss-weight floor must be a σ in [0, " + KarrasGrid.SIGMA_MAX
                    + "), 0 = off; got " + floor);
    }

    public SnappedLognormal(double pMean, double pStd, int n, Weighting weighting) {
        this(pMean, pStd, n, weighting, 0);
    }

    public static SnappedLognormal released() { return new SnappedLognormal(P_MEAN, P_STD, POINTS, Weighting.GRID); }

    /** The grid index i = argmin_j |σ − σ_j| of σ = exp(pMean + pStd·z) for a standard normal draw z. */
    public int index(double z) { return nearest(Math.exp(pMean + pStd * z)); }

    /** The grid index nearest σ (unshifted). */
    public int nearest(double sigma) {
        double hi = Math.pow(KarrasGrid.SIGMA_MAX, 1 / KarrasGrid.RHO),
                lo = Math.pow(KarrasGrid.SIGMA_MIN, 1 / KarrasGrid.RHO);
        // fractional index, σ decreasing in i
        double pos = (Math.pow(sigma, 1 / KarrasGrid.RHO) - hi) / (lo - hi) * (n - 1);
        int below = (int) Math.max(0, Math.min(n - 1, Math.floor(pos))), above = Math.min(n - 1, below + 1);
        return Math.abs(sigma - sigma(below)) <= Math.abs(sigma - sigma(above)) ? below : above;
    }

    /** Unshifted σ_i. */
    public double sigma(int i) { return KarrasGrid.unshifted(i, n); }

    /** w_i = 1/(σ_i − σ_{i+1}) (unshifted; σ_n is the formula one past the end); 0 when the two are equal. */
    public double weight(int i) {
        double d = sigma(i) - sigma(i + 1);
        return d > 0 ? 1 / d : 0;
    }

    /** The loss weight of grid point i at resolution shift s, by this record's weighting and floor. */
    public double weight(int i, double shift) {
        if (floor > 0 && sigma(i) < floor) i = Math.min(i, nearest(floor));
        if (weighting == Weighting.GRID) return weight(i);
        double t = sigma(i) * shift, sd = KarrasGrid.SIGMA_DATA;
        return (t * t + sd * sd) / (t * sd * t * sd);
    }
}
