// Spec §1: the EDM constants and the Karras noise grid (index 0 = largest), in unshifted units.
package epg.diffusion;

public final class KarrasGrid {
    public static final double SIGMA_MIN = 0.002, SIGMA_MAX = 80, RHO = 7, SIGMA_DATA = 0.5;

    private KarrasGrid() {}

    /** σ_i = (σ_max^(1/ρ) + i/(n−1)·(σ_min^(1/ρ) − σ_max^(1/ρ)))^ρ; also evaluated at i = n (one past σ_min). */
    public static double sigma(int i, int n) {
        if (n < 2) throw new IllegalArgumentException("a Karras grid needs at least 2 points, got " + n);
        double a = Math.pow(SIGMA_MAX, 1 / RHO), b = Math.pow(SIGMA_MIN, 1 / RHO);
        return Math.pow(a + (double) i / (n - 1) * (b - a), RHO);
    }
}
