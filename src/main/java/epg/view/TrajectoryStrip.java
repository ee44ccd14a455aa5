// Spec §6 (samplers): the x̂₀ prediction at each step of a multi-step sampler, as one picture (steps left to right).
package epg.view;

import epg.data.ByteImage;

import java.util.ArrayList;
import java.util.List;

/** Column j is the j-th kept step, row i the i-th image; cells are separated by a {@link #GAP}-pixel dark line. */
public final class TrajectoryStrip {
    public static final int GAP = 2, MAX_COLUMNS = 24;
    private static final byte BACKGROUND = (byte) 32;

    private TrajectoryStrip() {}

    /** At most {@code max} indices of {@code n}, evenly spread, always the first and the last. */
    public static List<Integer> spread(int n, int max) {
        List<Integer> out = new ArrayList<>();
        if (n <= max) {
            for (int i = 0; i < n; i++) out.add(i);
            return out;
        }
        for (int k = 0; k < max; k++) {
            int i = (int) Math.round((double) k * (n - 1) / (max - 1));
            if (out.isEmpty() || out.get(out.size() - 1) != i) out.add(i);
        }
        return out;
    }

    /** {@code columns.get(j).get(i)}: image i at step j; all of one size. */
    public static ByteImage of(List<List<ByteImage>> columns) {
        if (columns.isEmpty() || columns.get(0).isEmpty()) throw new IllegalArgumentException("no trajectory images");
        int w = columns.get(0).get(0).width(), h = columns.get(0).get(0).height();
        int rows = columns.get(0).size(), cols = columns.size();
        ByteImage strip = ByteImage.blank(cols * (w + GAP) - GAP, rows * (h + GAP) - GAP, 3);
        java.util.Arrays.fill(strip.pixels(), BACKGROUND);
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                byte[] src = columns.get(j).get(i).toRgb().pixels();
                int x0 = j * (w + GAP), y0 = i * (h + GAP);
                for (int y = 0; y < h; y++)
                    System.arraycopy(src, y * w * 3, strip.pixels(), ((y0 + y) * strip.width() + x0) * 3, w * 3);
            }
        }
        return strip;
    }
}
