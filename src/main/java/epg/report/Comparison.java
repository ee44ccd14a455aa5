// Spec §7 at demo scale: whether two models differ by more than the noise of their metrics, said in words.
package epg.report;

import java.util.Locale;

/**
 * The report's verdicts on "pre-training vs scratch". Class accuracy from n samples is a binomial share: its standard
 * deviation is sqrt(p(1 − p)/n), and a difference of two independent shares has sqrt(p1(1 − p1)/n1 + p2(1 − p2)/n2);
 * a difference within two of those is called level. Fréchet distances from a few hundred samples have no such simple
 * error: a relative difference within {@link #FD_TOLERANCE} is called level (a stated tolerance, not a measurement).
 */
final class Comparison {
    /** Relative FD difference below which two models are called level. */
    static final double FD_TOLERANCE = 0.10;

    private Comparison() {}

    /** The binomial standard deviation of a share {@code p} measured on {@code n} samples. */
    static double binomialStd(double p, int n) { return Math.sqrt(p * (1 - p) / n); }

    /** Two standard deviations of the difference of shares {@code a} (n {@code na}) and {@code b} (n {@code nb}). */
    static double noise(double a, int na, double b, int nb) {
        return 2 * Math.hypot(binomialStd(a, na), binomialStd(b, nb));
    }

    /** "level within the noise (…)" or "{@code aName} ahead by … points (noise ±…)", in percentage points. */
    static String accuracy(double a, int na, double b, int nb, String aName, String bName) {
        double diff = 100 * (a - b), noise = 100 * noise(a, na, b, nb);
        if (Math.abs(diff) <= noise)
            return String.format(Locale.ROOT, "level within the noise (a difference of %.1f points; two standard "
                    + "deviations of the binomial noise: ±%.1f)", Math.abs(diff), noise);
        return String.format(Locale.ROOT, "%s ahead by %.1f points (beyond the binomial noise of ±%.1f at two "
                + "standard deviations)", diff > 0 ? aName : bName, Math.abs(diff), noise);
    }

    /** "level (…)" or "… lower with …" for FDs {@code a} and {@code b} (lower is better). */
    static String fd(double a, double b, String aName, String bName) {
        double rel = (a - b) / b;
        if (Math.abs(rel) <= FD_TOLERANCE)
            return String.format(Locale.ROOT, "level (%.0f%% apart, within the %.0f%% we allow an FD from this few "
                    + "samples)", 100 * Math.abs(rel), 100 * FD_TOLERANCE);
        return String.format(Locale.ROOT, "%.0f%% lower with %s", 100 * Math.abs(a - b) / Math.max(a, b),
                a < b ? aName : bName);
    }
}
