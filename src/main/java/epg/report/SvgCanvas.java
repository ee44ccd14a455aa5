// docs/demo.md (report.html): a ChartCanvas writing self-contained SVG elements (no scripts, no external styles).
package epg.report;

import java.util.Locale;

/** Appends one element per operation to a string. */
final class SvgCanvas implements ChartCanvas {
    private final StringBuilder b = new StringBuilder();

    SvgCanvas(int width, int height) {
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                width, height, width, height));
    }

    @Override
    public void text(double x, double y, String anchor, int size, String body) {
        b.append(String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, Html.escape(body)));
    }

    @Override
    public void verticalText(double x, double y, int size, String body) {
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"%d\" "
                + "transform=\"rotate(-90 %.1f %.1f)\">%s</text>%n", x, y, size, x, y, Html.escape(body)));
    }

    @Override
    public void rect(double x, double y, double w, double h, String stroke) {
        b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
                + "stroke=\"%s\"/>%n", x, y, w, h, stroke));
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String stroke, double width) {
        b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                + "stroke-width=\"%.1f\"/>%n", x1, y1, x2, y2, stroke, width));
    }

    @Override
    public void polyline(double[] xs, double[] ys, String stroke) {
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < xs.length; i++) pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", xs[i], ys[i]));
        b.append(String.format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n", stroke,
                pts.toString().trim()));
    }

    @Override
    public void dot(double x, double y, double radius, String fill) {
        b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>%n", x, y, radius,
                fill));
    }

    String svg() { return b + "</svg>\n"; }
}
