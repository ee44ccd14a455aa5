// Spec §3: the iCT discretisation curriculum (with ceilings): the grid size N(k) at pre-training step k of K.
package epg.diffusion;

/** N(k) = min(N0·2^ceil(k/K'), N1) + 1 with K' = ceil(K / log2(ceil(N1/N0) + 1)). */
public record IctCurriculum(long totalSteps, int n0, int n1) {
    public static final int N0 = 20, N1 = 1280;

    public IctCurriculum {
        if (totalSteps <= 0) throw new IllegalArgumentException("total steps must be > 0, got " + totalSteps);
        if (n0 <= 0 || n1 < n0) throw new IllegalArgumentException("need 0 < N0 <= N1, got " + n0 + ", " + n1);
    }

    public static IctCurriculum of(long totalSteps) { return new IctCurriculum(totalSteps, N0, N1); }

    /** K' (steps per doubling). */
    public long stageLength() {
        double doublings = Math.log(Math.ceil((double) n1 / n0) + 1) / Math.log(2);
        return (long) Math.ceil(totalSteps / doublings);
    }

    /** Grid points at step k (≥ 2). */
    public int points(long step) {
        long e = (step + stageLength() - 1) / stageLength(); // ceil(k/K') for k >= 0
        double n = e >= 31 ? n1 : Math.min((double) n0 * (1L << e), n1);
        return (int) n + 1;
    }
}
