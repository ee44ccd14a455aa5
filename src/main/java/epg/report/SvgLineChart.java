// docs/demo.md (report.html): a line chart of log series as inline SVG, with axes, ticks and a legend.
package epg.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plots every series against its steps on shared axes; the y axis is logarithmic when asked for and every value is
 * positive. Self-contained SVG text (no scripts, no external styles), so the report is one file plus its images.
 */
public final class SvgLineChart {
    static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    /** The chart's size in pixels. */
    public static final int WIDTH = 640, HEIGHT = 300;
    private static final int W = WIDTH, H = HEIGHT, LEFT = 64, RIGHT = 16, TOP = 28, BOTTOM = 44;
    private final String title, xLabel, yLabel;
    private final boolean logY;
    private final List<LogSeries> series = new ArrayList<>();

    public SvgLineChart(String title, String xLabel, String yLabel, boolean logY) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logY = logY;
    }

    public SvgLineChart add(LogSeries s) {
        if (!s.isEmpty()) series.add(s);
        return this;
    }

    public boolean isEmpty() { return series.isEmpty(); }

    /** The chart as an {@code <svg>} element; a note instead of axes when there is nothing to plot. */
    public String svg() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "font-family=\"sans-serif\" font-size=\"11\">%n",
                W, H, W, H));
        b.append(text(W / 2.0, 16, "middle", 13, Html.escape(title)));
        if (series.isEmpty())
            return b.append(text(W / 2.0, H / 2.0, "middle", 12, "no data")).append("</svg>\n").toString();
        boolean log = logY && series.stream().allMatch(s -> min(s.values()) > 0);
        double[] xr = range(true, false), yr = range(false, log);
        Axis x = new Axis(xr[0], xr[1], LEFT, W - RIGHT, false), y = new Axis(yr[0], yr[1], H - BOTTOM, TOP, log);
        axes(b, x, y);
        for (int k = 0; k < series.size(); k++) line(b, series.get(k), x, y, COLOURS[k % COLOURS.length]);
        legend(b);
        return b.append("</svg>\n").toString();
    }

    private double[] range(boolean steps, boolean log) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (LogSeries s : series) {
            double[] v = steps ? s.steps() : s.values();
            lo = Math.min(lo, min(v));
            hi = Math.max(hi, max(v));
        }
        if (steps) lo = Math.min(lo, 0);
        if (log) return new double[]{Math.log10(lo), Math.log10(hi) + (hi == lo ? 0.1 : 0)};
        if (hi == lo) { lo -= Math.max(1e-9, Math.abs(lo) * 0.1); hi += Math.max(1e-9, Math.abs(hi) * 0.1); }
        return new double[]{lo, hi};
    }

    private void axes(StringBuilder b, Axis x, Axis y) {
        b.append(String.format(Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM));
        for (double t : x.ticks()) {
            double px = x.px(t);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n",
                    px, TOP, px, H - BOTTOM));
            b.append(text(px, H - BOTTOM + 14, "middle", 11, Axis.label(t)));
        }
        for (double t : y.ticks()) {
            double py = y.px(t);
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    LEFT, py, W - RIGHT, py));
            b.append(text(LEFT - 4, py + 4, "end", 11, Axis.label(y.log() ? Math.pow(10, t) : t)));
        }
        b.append(text((LEFT + W - RIGHT) / 2.0, H - 8, "middle", 11, Html.escape(xLabel)));
        b.append(String.format(Locale.ROOT,
                "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">%s</text>%n",
                (TOP + H - BOTTOM) / 2.0, (TOP + H - BOTTOM) / 2.0, Html.escape(yLabel
                        + (y.log() ? " (log scale)" : ""))));
    }

    private static void line(StringBuilder b, LogSeries s, Axis x, Axis y, String colour) {
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < s.size(); i++) {
            double v = y.log() ? Math.log10(s.values()[i]) : s.values()[i];
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x.px(s.steps()[i]), y.px(v)));
        }
        b.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n", colour,
                pts.toString().trim()));
    }

    private void legend(StringBuilder b) {
        for (int k = 0; k < series.size(); k++) {
            double yy = TOP + 14 + 14 * k;
            String c = COLOURS[k % COLOURS.length];
            b.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    W - RIGHT - 150, yy - 4, W - RIGHT - 132, yy - 4, c));
            b.append(text(W - RIGHT - 128, yy, "start", 11, Html.escape(series.get(k).name())));
        }
    }

    private static String text(double x, double y, String anchor, int size, String body) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, body);
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double d : v) m = Math.min(m, d);
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double d : v) m = Math.max(m, d);
        return m;
    }
}
