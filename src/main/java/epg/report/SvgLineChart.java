// docs/demo.md (report.html), docs/evaluation.md: a line chart of (step, value) series as SVG or PNG.
package epg.report;

import epg.tensor.AtomicFile;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plots every series against its steps on shared axes; the y axis is logarithmic when asked for and every value is
 * positive. Self-contained SVG text (no scripts, no external styles), so the report is one file plus its images; the
 * same drawing as a PNG for viewers without SVG.
 */
public final class SvgLineChart {
    static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    /** The chart's size in pixels. */
    public static final int WIDTH = 640, HEIGHT = 300;
    private static final int W = WIDTH, H = HEIGHT, LEFT = 64, RIGHT = 16, TITLE = 28, BOTTOM = 44, LEGEND_ROW = 16;
    /** Pixels per character of an 11 px legend label (sans-serif; generous so that entries never overlap). */
    private static final double CHAR = 6.5;
    private final String title, xLabel, yLabel;
    private final boolean logY;
    private final List<LogSeries> series = new ArrayList<>();
    private boolean markers;

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

    /** Draws a dot at every point as well, with room above and below (for a few points, e.g. one per checkpoint). */
    public SvgLineChart withMarkers() {
        markers = true;
        return this;
    }

    /** The chart as an {@code <svg>} element; a note instead of axes when there is nothing to plot. */
    public String svg() {
        SvgCanvas c = new SvgCanvas(W, H);
        draw(c);
        return c.svg();
    }

    /** The same chart as a PNG image at twice the SVG's size (Java2D, headless). */
    public void writePng(Path file) throws IOException {
        PngCanvas c = new PngCanvas(W, H, 2);
        draw(c);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(c.image(), "png", bytes)) throw new IOException("no PNG writer in this Java runtime");
        AtomicFile.write(file, ch -> {
            ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray());
            while (b.hasRemaining()) ch.write(b);
        });
    }

    private void draw(ChartCanvas c) {
        c.text(W / 2.0, 16, "middle", 13, title);
        if (series.isEmpty()) {
            c.text(W / 2.0, H / 2.0, "middle", 12, "no data");
            return;
        }
        List<double[]> slots = legendSlots();
        int top = plotTop(slots);
        boolean log = logY && series.stream().allMatch(s -> min(s.values()) > 0);
        double[] xr = range(true, false), yr = range(false, log);
        if (markers) { // dots on the frame would be cut in half: 6% of the range free above and below
            double pad = 0.06 * (yr[1] - yr[0]);
            yr = new double[]{yr[0] - pad, yr[1] + pad};
        }
        Axis x = new Axis(xr[0], xr[1], LEFT, W - RIGHT, false), y = new Axis(yr[0], yr[1], H - BOTTOM, top, log);
        axes(c, x, y, top);
        for (int k = 0; k < series.size(); k++) line(c, series.get(k), x, y, COLOURS[k % COLOURS.length]);
        legend(c, slots);
    }

    /**
     * Where each legend entry goes, above the plot area (never over a line): {x, baseline y}, left to right under
     * the title, wrapping onto a new row when the next entry would pass the right edge.
     */
    private List<double[]> legendSlots() {
        List<double[]> out = new ArrayList<>();
        double x = LEFT, y = TITLE + 12;
        for (LogSeries s : series) {
            double width = 24 + CHAR * s.name().length() + 14;
            if (x > LEFT && x + width > W - RIGHT) {
                x = LEFT;
                y += LEGEND_ROW;
            }
            out.add(new double[]{x, y});
            x += width;
        }
        return out;
    }

    /** The plot area's top: below the title and the legend's rows. */
    private static int plotTop(List<double[]> slots) {
        double last = slots.isEmpty() ? TITLE : slots.get(slots.size() - 1)[1];
        return (int) Math.ceil(last) + 8;
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

    private void axes(ChartCanvas c, Axis x, Axis y, int top) {
        c.rect(LEFT, top, W - LEFT - RIGHT, H - top - BOTTOM, "#888888");
        for (double t : x.ticks()) {
            double px = x.px(t);
            c.line(px, top, px, H - BOTTOM, "#eeeeee", 1);
            c.text(px, H - BOTTOM + 14, "middle", 11, Axis.label(t));
        }
        for (double t : y.ticks()) {
            double py = y.px(t);
            c.line(LEFT, py, W - RIGHT, py, "#eeeeee", 1);
            c.text(LEFT - 4, py + 4, "end", 11, Axis.label(y.log() ? Math.pow(10, t) : t));
        }
        c.text((LEFT + W - RIGHT) / 2.0, H - 8, "middle", 11, xLabel);
        c.verticalText(14, (top + H - BOTTOM) / 2.0, 11, yLabel + (y.log() ? " (log scale)" : ""));
    }

    private void line(ChartCanvas c, LogSeries s, Axis x, Axis y, String colour) {
        double[] xs = new double[s.size()], ys = new double[s.size()];
        for (int i = 0; i < s.size(); i++) {
            xs[i] = x.px(s.steps()[i]);
            ys[i] = y.px(y.log() ? Math.log10(s.values()[i]) : s.values()[i]);
        }
        c.polyline(xs, ys, colour);
        if (markers) for (int i = 0; i < xs.length; i++) c.dot(xs[i], ys[i], 2.5, colour);
    }

    private void legend(ChartCanvas c, List<double[]> slots) {
        for (int k = 0; k < series.size(); k++) {
            double[] at = slots.get(k);
            String colour = COLOURS[k % COLOURS.length];
            c.line(at[0], at[1] - 4, at[0] + 18, at[1] - 4, colour, 2);
            c.text(at[0] + 22, at[1], "start", 11, series.get(k).name());
        }
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
