// Spec §6 (output): a contact sheet of the first samples, for a quick look at a run.
package epg.sample;

import epg.data.ByteImage;

import java.util.List;

/** Tiles equally sized images row by row into a near-square RGB grid. */
public final class ImageGrid {
    private ImageGrid() {}

    public static ByteImage of(List<ByteImage> images) {
        if (images.isEmpty()) throw new IllegalArgumentException("no images for a grid");
        int w = images.get(0).width(), h = images.get(0).height();
        int cols = (int) Math.ceil(Math.sqrt(images.size())), rows = (images.size() + cols - 1) / cols;
        ByteImage grid = ByteImage.blank(cols * w, rows * h, 3);
        for (int k = 0; k < images.size(); k++) {
            byte[] src = images.get(k).toRgb().pixels();
            int x0 = k % cols * w, y0 = k / cols * h;
            for (int y = 0; y < h; y++)
                System.arraycopy(src, y * w * 3, grid.pixels(), ((y0 + y) * grid.width() + x0) * 3, w * 3);
        }
        return grid;
    }
}
