// Spec §3 and the paper's Table 12b: the per-sample temperature of the representation-consistency term, τ(σ, k).
package epg.diffusion;

import java.util.Locale;

/**
 * τ(σ) = ((σ − σ_min)·τ_max(k) + (σ_max − σ)·τ_min)/(σ_max − σ_min), σ unshifted: τ_min (the paper's τ₁, the
 * release's {@code tmin_tau}) at σ_min, τ_max(k) at σ_max.
 * <ul>
 * <li>"constant" (released config): τ_max(k) = τ_max for every step (0.1 by default: τ = 0.1 everywhere);</li>
 * <li>"cosine" (paper): τ_max(k) falls from τ_max (the paper's τ₂, 0.2 by default) to τ_min:
 * τ_max(k) = τ_min + (τ_max − τ_min)·(1 + cos(π/2·(1.5k/K + 1))) while k ≤ 2K/3, else τ_min.</li>
 * </ul>
 * The release writes the cosine as {@code end_tau·cos(π/2·(1.5k/K + 1)) + start_tau}; with its values (start 0.2,
 * end 0.1) and wherever τ₂ = 2τ₁ that is the same curve. For other τ₂ its curve ends at τ₂ − τ₁ and then jumps to
 * τ₁; the paper says τ₂ "converges to τ₁ via a cosine schedule", which is the curve above (docs/pretraining.md).
 *
 * @param kind   constant or cosine
 * @param tauMax τ_max at step 0 (τ₂), ≥ τ_min
 * @param tauMin τ at σ_min, and where the cosine ends (τ₁), > 0
 */
public record TemperatureSchedule(Kind kind, double tauMax, double tauMin) {
    /** The released and the paper's τ₁. */
    public static final double TAU_MIN = 0.1;
    /** The paper's τ₂. */
    public static final double PAPER_TAU_MAX = 0.2;

    /** COSINE: τ_max falls from τ₂ to τ₁ over the run; CONSTANT: τ_max stays at its value. */
    public enum Kind { COSINE, CONSTANT }

    public TemperatureSchedule {
        if (kind == null) throw new IllegalArgumentException("temperature schedule must be cosine or constant");
        if (!(tauMin > 0)) throw new IllegalArgumentException("tau-min must be > 0, got " + tauMin);
        if (!(tauMax >= tauMin))
            throw new IllegalArgumentException("tau-max (" + tauMax + ") must be >= tau-min (" + tauMin
                    + "): the temperature rises from sigma_min to sigma_max");
    }

    /** The named schedule with its default τ_max (0.1 constant, 0.2 cosine) and τ_min 0.1. */
    public static TemperatureSchedule parse(String name) { return of(name, 0, 0); }

    /** The named schedule; a τ of 0 takes its default (τ_max: 0.1 constant, 0.2 cosine; τ_min: 0.1). */
    public static TemperatureSchedule of(String name, double tauMax, double tauMin) {
        Kind k = kind(name);
        double min = tauMin == 0 ? TAU_MIN : tauMin;
        double max = tauMax != 0 ? tauMax : k == Kind.COSINE ? Math.max(PAPER_TAU_MAX, min) : min;
        return new TemperatureSchedule(k, max, min);
    }

    private static Kind kind(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "cosine" -> Kind.COSINE;
            case "constant" -> Kind.CONSTANT;
            default -> throw new IllegalArgumentException("unknown temperature schedule '" + name
                    + "'; use cosine or constant");
        };
    }

    /** τ_max at step k of K. */
    public double tauMax(long step, long totalSteps) {
        if (kind == Kind.CONSTANT) return tauMax;
        if (3 * step > 2 * totalSteps) return tauMin;
        return tauMin + (tauMax - tauMin) * (1 + Math.cos(Math.PI / 2 * (1.5 * step / totalSteps + 1)));
    }

    /** τ at unshifted noise level σ and step k of K. */
    public double tau(double sigma, long step, long totalSteps) { return tau(sigma, tauMax(step, totalSteps), tauMin); }

    /** τ at unshifted noise level σ for a given τ_max (at σ_max) and τ_min (at σ_min). */
    public static double tau(double sigma, double tauMax, double tauMin) {
        double lo = KarrasGrid.SIGMA_MIN, hi = KarrasGrid.SIGMA_MAX;
        return ((sigma - lo) * tauMax + (hi - sigma) * tauMin) / (hi - lo);
    }

    /** τ at unshifted noise level σ for a given τ_max and the released τ_min = 0.1: the interpolation alone. */
    public static double tau(double sigma, double tauMax) { return tau(sigma, tauMax, TAU_MIN); }
}
