// Spec §6 (output): a contact sheet of samples (the first, or a row per class), for a quick look at a run.
package epg.sample;

import epg.data.ByteImage;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Tiles equally sized images into an RGB grid on a light grey ground, with a gap between tiles and around them
 * ({@link #gap}): near-square, or one given row per class, optionally with each row's name at its left.
 */
public final class ImageGrid {
    /** The ground between and around the tiles, and behind the row names. */
    public static final int BACKGROUND = 0xDD;

    private ImageGrid() {}

    public static ByteImage of(List<ByteImage> images) {
        if (images.isEmpty()) throw new IllegalArgumentException("no images for a grid");
        int cols = (int) Math.ceil(Math.sqrt(images.size()));
        List<List<ByteImage>> rows = new ArrayList<>();
        for (int from = 0; from < images.size(); from += cols)
            rows.add(images.subList(from, Math.min(images.size(), from + cols)));
        return rows(rows);
    }

    /** The gap between tiles of width {@code tile}: a sixteenth of it, at least one pixel (2 px at 32 px). */
    public static int gap(int tile) { return Math.max(1, tile / 16); }

    /** Row r of the grid holds {@code rows.get(r)} from the left; short rows leave the ground on the right. */
    public static ByteImage rows(List<List<ByteImage>> rows) { return labelledRows(rows, List.of()); }

    /**
     * {@link #rows} with {@code labels.get(r)} written (dark, left-aligned, centred on the row) in a margin left of
     * row r; no margin when {@code labels} is empty.
     */
    public static ByteImage labelledRows(List<List<ByteImage>> rows, List<String> labels) {
        if (rows.isEmpty() || rows.get(0).isEmpty()) throw new IllegalArgumentException("no images for a grid");
        if (!labels.isEmpty() && labels.size() != rows.size())
            throw new IllegalArgumentException(labels.size() + " row labels for " + rows.size() + " rows");
        int w = rows.get(0).get(0).width(), h = rows.get(0).get(0).height(), gap = gap(w);
        int cols = rows.stream().mapToInt(List::size).max().orElseThrow();
        Font font = labels.isEmpty() ? null : font(h);
        int margin = labels.isEmpty() ? 0 : labelWidth(labels, font) + 2 * gap + 2;
        int width = margin + gap + cols * (w + gap), height = gap + rows.size() * (h + gap);
        ByteImage grid = ByteImage.blank(width, height, 3);
        java.util.Arrays.fill(grid.pixels(), (byte) BACKGROUND);
        if (font != null) drawLabels(grid, labels, font, gap, h);
        for (int r = 0; r < rows.size(); r++)
            for (int c = 0; c < rows.get(r).size(); c++) {
                byte[] src = rows.get(r).get(c).toRgb().pixels();
                int x0 = margin + gap + c * (w + gap), y0 = gap + r * (h + gap);
                for (int y = 0; y < h; y++)
                    System.arraycopy(src, y * w * 3, grid.pixels(), ((y0 + y) * width + x0) * 3, w * 3);
            }
        return grid;
    }

    /** A sans-serif font that fits a row of height {@code h}: 11 px at 32 px rows, between 9 and 14 px. */
    private static Font font(int h) { return new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(14, h / 3))); }

    private static int labelWidth(List<String> labels, Font font) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = probe.createGraphics();
        try {
            FontMetrics m = g.getFontMetrics(font);
            return labels.stream().mapToInt(m::stringWidth).max().orElse(0);
        } finally {
            g.dispose();
        }
    }

    /** Draws each row's label into the grid's left margin (Java2D, headless). */
    private static void drawLabels(ByteImage grid, List<String> labels, Font font, int gap, int h) {
        int width = grid.width(), height = grid.height();
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(new Color(BACKGROUND, BACKGROUND, BACKGROUND));
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(font);
            g.setColor(new Color(0x22, 0x22, 0x22));
            FontMetrics m = g.getFontMetrics();
            for (int r = 0; r < labels.size(); r++) {
                int rowTop = gap + r * (h + gap);
                g.drawString(labels.get(r), gap + 1, rowTop + (h + m.getAscent() - m.getDescent()) / 2);
            }
        } finally {
            g.dispose();
        }
        byte[] px = grid.pixels();
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) {
                int rgb = img.getRGB(x, y), i = (y * width + x) * 3;
                px[i] = (byte) (rgb >> 16);
                px[i + 1] = (byte) (rgb >> 8);
                px[i + 2] = (byte) rgb;
            }
    }
}
