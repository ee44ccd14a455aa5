// Spec §3: the per-sample temperature of the representation-consistency term, τ(σ, k), σ unshifted.
package epg.diffusion;

import java.util.Locale;

/**
 * τ(σ) = ((σ − σ_min)·τ_max + (σ_max − σ)·τ_min)/(σ_max − σ_min), τ_min = 0.1. "cosine" (paper):
 * τ_max(k) = 0.1·cos(π/2·(1.5k/K + 1)) + 0.2 while k ≤ 2K/3, else 0.1; "constant" (released config): τ_max = 0.1.
 */
public enum TemperatureSchedule {
    COSINE, CONSTANT;

    public static final double TAU_MIN = 0.1;

    public static TemperatureSchedule parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cosine" -> COSINE;
            case "constant" -> CONSTANT;
            default -> throw new IllegalArgumentException("unknown temperature schedule '" + name
                    + "'; use cosine or constant");
        };
    }

    public double tauMax(long step, long totalSteps) {
        if (this == CONSTANT || 3 * step > 2 * totalSteps) return TAU_MIN;
        return 0.1 * Math.cos(Math.PI / 2 * (1.5 * step / totalSteps + 1)) + 0.2;
    }

    /** τ at unshifted noise level σ and step k of K. */
    public double tau(double sigma, long step, long totalSteps) { return tau(sigma, tauMax(step, totalSteps)); }

    /** τ at unshifted noise level σ for a given τ_max (τ_min = 0.1): the interpolation alone, for any schedule. */
    public static double tau(double sigma, double tauMax) {
        double lo = KarrasGrid.SIGMA_MIN, hi = KarrasGrid.SIGMA_MAX;
        return ((sigma - lo) * tauMax + (hi - sigma) * TAU_MIN) / (hi - lo);
    }
}
