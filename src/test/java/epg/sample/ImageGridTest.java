// The contact sheet's layout: pixel positions worked out by hand for grey 2×1 tiles.
package epg.sample;

import epg.data.ByteImage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ImageGridTest {
    /** A grey 2×1 tile whose left pixel is v and right pixel v + 1. */
    private static ByteImage tile(int v) { return new ByteImage(2, 1, 1, new byte[]{(byte) v, (byte) (v + 1)}); }

    @Test
    void oneRowPerClassLeavesShortRowsBlack() {
        ByteImage g = ImageGrid.rows(List.of(List.of(tile(10), tile(20), tile(30)), List.of(tile(40))));
        assertEquals(6, g.width());   // 3 tiles of width 2
        assertEquals(2, g.height());  // 2 rows of height 1
        int[] top = {10, 11, 20, 21, 30, 31}, bottom = {40, 41, 0, 0, 0, 0};
        for (int x = 0; x < 6; x++)
            for (int c = 0; c < 3; c++) {
                assertEquals(top[x], g.get(x, 0, c), "top row, x " + x);
                assertEquals(bottom[x], g.get(x, 1, c), "bottom row, x " + x);
            }
    }

    @Test
    void fiveImagesMakeANearSquareOfThreeColumns() {
        // ceil(sqrt(5)) = 3 columns, 2 rows: 10 20 30 / 40 50 –
        ByteImage g = ImageGrid.of(List.of(tile(10), tile(20), tile(30), tile(40), tile(50)));
        assertEquals(6, g.width());
        assertEquals(2, g.height());
        assertEquals(31, g.get(5, 0, 1));
        assertEquals(50, g.get(2, 1, 2));
        assertEquals(0, g.get(4, 1, 0));
    }
}
