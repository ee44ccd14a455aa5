// Spec §3 (momentum encoder) and §4–§5 (EMA of the sampling weights): is an average's time constant within the run?
package epg.train;

import java.util.Locale;
import java.util.Optional;

/**
 * An exponential moving average of rate r started from the initial weights keeps r^K of them after K updates; its
 * time constant is 1/(1 − r) updates. When that is longer than the run, the averaged weights are still mostly the
 * initialisation (the released EMA 0.9999 over a 4,000-step run: 67%), which no sampler can undo.
 */
public final class EmaHorizon {
    private EmaHorizon() {}

    /** The share of the initial weights in an average of {@code rate} after {@code steps} updates: rate^steps. */
    public static double initialShare(double rate, long steps) { return Math.pow(rate, steps); }

    /** The updates over which {@code rate} averages: 1/(1 − rate). */
    public static double timeConstant(double rate) { return 1 / (1 - rate); }

    /** The rate this class suggests for a run of {@code steps}: 1 − 10/steps (r^K ≈ e^−10), 0 below 10 steps. */
    public static double suggested(long steps) { return Math.max(0, 1 - 10.0 / steps); }

    /**
     * A one-line warning when {@code rate} averages over more updates than {@code steps}, else empty.
     *
     * @param option the option that sets the rate ("--ema", "--momentum")
     * @param what   what the average is ("the EMA weights that epg sample uses")
     */
    public static Optional<String> warning(String option, String what, double rate, long steps) {
        if (steps <= 0 || !(timeConstant(rate) > steps)) return Optional.empty();
        return Optional.of(String.format(Locale.ROOT, "%s %s averages over %,.0f steps, longer than this run's %,d: "
                        + "%.0f%% of %s will still be the initial weights (%s^%d); for a run this short try %s %s "
                        + "(1 - 10/steps)", option, num(rate), timeConstant(rate), steps,
                100 * initialShare(rate, steps), what, num(rate), steps, option, num(suggested(steps))));
    }

    /** A rate as typed: 0.9999, 0.9975. */
    private static String num(double v) {
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", v)).stripTrailingZeros().toPlainString();
    }
}
