// docs/evaluation.md (charts): a ChartCanvas drawing with Java2D into an image, written as PNG.
package epg.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/** Draws at {@code scale} pixels per chart unit on white (headless: needs no display, only a font). */
final class PngCanvas implements ChartCanvas {
    private final BufferedImage image;
    private final Graphics2D g;

    PngCanvas(int width, int height, double scale) {
        System.setProperty("java.awt.headless", "true");
        image = new BufferedImage((int) Math.round(width * scale), (int) Math.round(height * scale),
                BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.scale(scale, scale);
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    }

    @Override
    public void text(double x, double y, String anchor, int size, String body) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
        g.setColor(Color.BLACK);
        double w = g.getFontMetrics().getStringBounds(body, g).getWidth();
        double left = anchor.equals("middle") ? x - w / 2 : anchor.equals("end") ? x - w : x;
        g.drawString(body, (float) left, (float) y);
    }

    @Override
    public void verticalText(double x, double y, int size, String body) {
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, x, y);
        text(x, y, "middle", size, body);
        g.setTransform(saved);
    }

    @Override
    public void rect(double x, double y, double w, double h, String stroke) {
        pen(stroke, 1);
        g.draw(new Rectangle2D.Double(x, y, w, h));
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String stroke, double width) {
        pen(stroke, width);
        g.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    @Override
    public void polyline(double[] xs, double[] ys, String stroke) {
        if (xs.length == 0) return;
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) p.lineTo(xs[i], ys[i]);
        pen(stroke, 1.5);
        g.draw(p);
    }

    @Override
    public void dot(double x, double y, double radius, String fill) {
        g.setColor(Color.decode(fill));
        g.fill(new Ellipse2D.Double(x - radius, y - radius, 2 * radius, 2 * radius));
    }

    private void pen(String colour, double width) {
        g.setColor(Color.decode(colour));
        g.setStroke(new BasicStroke((float) width));
    }

    BufferedImage image() {
        g.dispose();
        return image;
    }
}
