// docs/demo.md (report.html): a chart axis: data range to pixels and "nice" tick positions (1, 2, 5 × 10^k steps).
package epg.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Maps [lo, hi] (log10 of the data when {@code log}) linearly onto pixels [from, to]. */
record Axis(double lo, double hi, double from, double to, boolean log) {
    double px(double v) { return from + (v - lo) / (hi - lo) * (to - from); }

    /**
     * About five ticks inside [lo, hi]. On a log axis (values log10 v) the first of these with at least four ticks:
     * the powers of ten inside, 1-2-5 × 10^k, every m × 10^k (the last two at most {@value #MAX_LOG_TICKS}); else
     * the densest of them with two or more; else nice steps of the values.
     */
    List<Double> ticks() {
        if (log) {
            List<Double> best = List.of();
            for (int[] mantissas : new int[][]{{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
                List<Double> t = logTicks(mantissas);
                if (mantissas.length > 1 && t.size() > MAX_LOG_TICKS) break;
                if (t.size() >= 4) return t;
                if (t.size() >= 2) best = t;
            }
            if (!best.isEmpty()) return best;
        }
        List<Double> out = new ArrayList<>();
        if (log) { // a range narrower than 10..20: nice steps of the values themselves
            double vlo = Math.pow(10, lo), vhi = Math.pow(10, hi), step = niceStep((vhi - vlo) / 4);
            for (double v = Math.ceil(vlo / step) * step; v <= vhi * (1 + 1e-12); v += step) out.add(Math.log10(v));
            return out;
        }
        double step = niceStep((hi - lo) / 5);
        for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
            out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        return out;
    }

    /** The most labelled ticks a log axis gets from 1-2-5 or 1..9 mantissas. */
    static final int MAX_LOG_TICKS = 12;

    /** log10(m × 10^k) for every mantissa m and power k with the value inside [lo, hi]. */
    private List<Double> logTicks(int[] mantissas) {
        List<Double> out = new ArrayList<>();
        for (double p = Math.floor(lo); p <= Math.ceil(hi); p++)
            for (int m : mantissas) {
                double t = p + Math.log10(m);
                if (t >= lo - 1e-9 && t <= hi + 1e-9) out.add(t);
            }
        return out;
    }

    /** The smallest of 1, 2, 5 × 10^k that is ≥ raw. */
    static double niceStep(double raw) {
        if (!(raw > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[]{1, 2, 5, 10}) if (m * p >= raw * (1 - 1e-12)) return m * p;
        return 10 * p;
    }

    /** Short labels: 1200 → "1.2k", 0.0031 → "0.0031". */
    static String label(double v) {
        double a = Math.abs(v);
        if (a >= 1e4) return String.format(Locale.ROOT, "%.3gk", v / 1e3).replaceAll("\\.?0+k$", "k");
        if (a == 0) return "0";
        String s = String.format(Locale.ROOT, a >= 1 ? "%.4g" : "%.2g", v);
        return s.contains("e") || !s.contains(".") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
