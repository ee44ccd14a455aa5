// Spec §1 (Karras grid): σ_i = (σ_max^(1/ρ) + i/(N−1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ, largest first, times shift s.
package epg.diffusion;

/**
 * The Karras noise grid of {@code n} points in shifted units: {@code sigma(0) = σ_max·s}, {@code sigma(n−1) = σ_min·s}.
 * The formula is also evaluable one past the end ({@code i = n}), where a loss weight needs σ_{i+1}.
 */
public record KarrasGrid(int n, double shift) {
    public static final double SIGMA_MIN = 0.002, SIGMA_MAX = 80, RHO = 7, SIGMA_DATA = 0.5;

    public KarrasGrid {
        if (n < 2) throw new IllegalArgumentException("a Karras grid needs at least 2 points, got " + n);
        if (!(shift > 0)) throw new IllegalArgumentException("the resolution shift must be > 0, got " + shift);
    }

    /** Unshifted σ_i of an {@code n}-point grid, for 0 ≤ i ≤ n. */
    public static double unshifted(int i, int n) {
        if (i < 0 || i > n) throw new IllegalArgumentException("grid index " + i + " outside 0.." + n);
        double hi = Math.pow(SIGMA_MAX, 1 / RHO), lo = Math.pow(SIGMA_MIN, 1 / RHO);
        return Math.pow(hi + (double) i / (n - 1) * (lo - hi), RHO);
    }

    /** Shifted σ_i·s, for 0 ≤ i ≤ n. */
    public double sigma(int i) { return unshifted(i, n) * shift; }

    /** All n shifted points, largest first. */
    public double[] sigmas() {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = sigma(i);
        return out;
    }
}
