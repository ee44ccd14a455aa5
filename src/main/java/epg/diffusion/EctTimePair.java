// Spec §5 (ECT): t = max(exp(N(P_mean, P_std)), σ_min), r = max(t·(1 − (1 + k·sigmoid(−b·t))/q^stage), σ_min).
package epg.diffusion;

/**
 * The consistency-training time pair, in unshifted units (multiply by s when applied). The stage grows every
 * {@code d1} steps after {@code d0}, so r/t rises towards 1 as training proceeds.
 *
 * @param pMean mean of ln t (−0.4)
 * @param pStd  standard deviation of ln t (1.6)
 * @param q     stage base (2)
 * @param k     sigmoid gain (8)
 * @param b     sigmoid slope (1)
 * @param d0    steps of the first stage (100k released)
 * @param d1    steps of every later stage (100k released)
 * @param delta the first stage's number (1)
 */
public record EctTimePair(double pMean, double pStd, double q, double k, double b, long d0, long d1, int delta) {
    public EctTimePair {
        if (!(pStd > 0) || !Double.isFinite(pMean))
            throw new IllegalArgumentException("need a finite P_mean and P_std > 0, got " + pMean + ", " + pStd);
        if (!(q > 1)) throw new IllegalArgumentException("q must be > 1, got " + q);
        if (!(k >= 0) || !(b >= 0)) throw new IllegalArgumentException("k and b must be >= 0");
        if (d0 <= 0 || d1 <= 0 || d1 > d0)
            throw new IllegalArgumentException("need 0 < d1 <= d0, got d0 = " + d0 + ", d1 = " + d1);
    }

    /** The released configuration (d0 = d1 = 100k, δ = 1). */
    public static EctTimePair released() { return scaled(100_000); }

    /** The released pair with stage length {@code d} (d0 = d1 = d), for runs shorter than the paper's. */
    public static EctTimePair scaled(long d) { return new EctTimePair(-0.4, 1.6, 2, 8, 1, d, d, 1); }

    /** δ before step d0, else (step − (d0 − d1)) div d1 + δ. */
    public int stage(long step) { return step < d0 ? delta : (int) ((step - (d0 - d1)) / d1) + delta; }

    /** t of a standard normal draw z. */
    public double t(double z) { return Math.max(Math.exp(pMean + pStd * z), KarrasGrid.SIGMA_MIN); }

    /** r of t at a training step. */
    public double r(double t, long step) { return rAtStage(t, stage(step)); }

    /** r of t at a given stage: max(t·(1 − (1 + k·sigmoid(−b·t))/q^stage), σ_min). */
    public double rAtStage(double t, int stage) {
        double sigmoid = 1 / (1 + Math.exp(b * t));                              // sigmoid(−b·t)
        return Math.max(t * (1 - (1 + k * sigmoid) / Math.pow(q, stage)), KarrasGrid.SIGMA_MIN);
    }
}
