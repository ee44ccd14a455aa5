// Spec §6 (output): a contact sheet of samples (the first, or a row per class), for a quick look at a run.
package epg.sample;

import epg.data.ByteImage;

import java.util.ArrayList;
import java.util.List;

/** Tiles equally sized images into an RGB grid: near-square, or one given row per class. */
public final class ImageGrid {
    private ImageGrid() {}

    public static ByteImage of(List<ByteImage> images) {
        if (images.isEmpty()) throw new IllegalArgumentException("no images for a grid");
        int cols = (int) Math.ceil(Math.sqrt(images.size()));
        List<List<ByteImage>> rows = new ArrayList<>();
        for (int from = 0; from < images.size(); from += cols)
            rows.add(images.subList(from, Math.min(images.size(), from + cols)));
        return rows(rows);
    }

    /** Row r of the grid holds {@code rows.get(r)} from the left; short rows leave black on the right. */
    public static ByteImage rows(List<List<ByteImage>> rows) {
        if (rows.isEmpty() || rows.get(0).isEmpty()) throw new IllegalArgumentException("no images for a grid");
        int w = rows.get(0).get(0).width(), h = rows.get(0).get(0).height();
        int cols = rows.stream().mapToInt(List::size).max().orElseThrow();
        ByteImage grid = ByteImage.blank(cols * w, rows.size() * h, 3);
        for (int r = 0; r < rows.size(); r++)
            for (int c = 0; c < rows.get(r).size(); c++) {
                byte[] src = rows.get(r).get(c).toRgb().pixels();
                for (int y = 0; y < h; y++)
                    System.arraycopy(src, y * w * 3, grid.pixels(), ((r * h + y) * grid.width() + c * w) * 3, w * 3);
            }
        return grid;
    }
}
