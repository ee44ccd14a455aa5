// docs/demo.md and docs/evaluation.md (charts): the drawing operations a line chart needs, in pixels (y down).
package epg.report;

/** Colours are "#rrggbb"; text is plain (each canvas escapes what its format needs). */
interface ChartCanvas {
    /** {@code anchor}: "start", "middle" or "end" of the text at x; y is the baseline. */
    void text(double x, double y, String anchor, int size, String body);

    /** Text rotated a quarter turn anticlockwise, centred on (x, y). */
    void verticalText(double x, double y, int size, String body);

    void rect(double x, double y, double w, double h, String stroke);

    void line(double x1, double y1, double x2, double y2, String stroke, double width);

    void polyline(double[] xs, double[] ys, String stroke);

    void dot(double x, double y, double radius, String fill);
}
