// The contact sheet's layout: pixel positions worked out by hand for grey 2×1 tiles; named class rows.
package epg.sample;

import epg.data.ByteImage;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageGridTest {
    private static final int G = ImageGrid.BACKGROUND;

    /** A grey 2×1 tile whose left pixel is v and right pixel v + 1. */
    private static ByteImage tile(int v) { return new ByteImage(2, 1, 1, new byte[]{(byte) v, (byte) (v + 1)}); }

    @Test
    void oneRowPerClassWithAGapAroundEveryTile() {
        // gap max(1, 2/16) = 1: width 1 + 3·(2 + 1) = 10, height 1 + 2·(1 + 1) = 5; tile (r, c) at (1 + 3c, 1 + 2r)
        ByteImage g = ImageGrid.rows(List.of(List.of(tile(10), tile(20), tile(30)), List.of(tile(40))));
        assertEquals(10, g.width());
        assertEquals(5, g.height());
        int[][] want = {
                {G, G, G, G, G, G, G, G, G, G},
                {G, 10, 11, G, 20, 21, G, 30, 31, G},
                {G, G, G, G, G, G, G, G, G, G},
                {G, 40, 41, G, G, G, G, G, G, G},
                {G, G, G, G, G, G, G, G, G, G}};
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 10; x++)
                for (int c = 0; c < 3; c++) assertEquals(want[y][x], g.get(x, y, c), "x " + x + ", y " + y);
    }

    @Test
    void fiveImagesMakeANearSquareOfThreeColumns() {
        // ceil(sqrt(5)) = 3 columns, 2 rows: 10 20 30 / 40 50 –
        ByteImage g = ImageGrid.of(List.of(tile(10), tile(20), tile(30), tile(40), tile(50)));
        assertEquals(10, g.width());
        assertEquals(5, g.height());
        assertEquals(31, g.get(8, 1, 1));
        assertEquals(50, g.get(4, 3, 2));
        assertEquals(G, g.get(7, 3, 0));
        assertEquals(2, ImageGrid.gap(32), "2 px between 32 px tiles");
    }

    @Test
    void classRowsAreNamedInAMarginAtTheirLeft() {
        ByteImage black = ByteImage.blank(32, 32, 3);
        List<List<ByteImage>> rows = List.of(Collections.nCopies(3, black), Collections.nCopies(3, black));
        ByteImage g = ImageGrid.labelledRows(rows, List.of("0 T-shirt/top", "9 ankle boot"));
        int tiles = 2 + 3 * (32 + 2), margin = g.width() - tiles;
        assertTrue(margin > 40, "a margin wide enough for the names: " + margin);
        assertEquals(2 + 2 * (32 + 2), g.height());
        for (int r = 0; r < 2; r++) {
            int dark = 0;
            for (int y = 2 + 34 * r; y < 34 + 34 * r; y++)
                for (int x = 0; x < margin; x++) if (g.get(x, y, 0) < 100) dark++;
            assertTrue(dark > 20, "row " + r + "'s name is drawn: " + dark + " dark pixels");
        }
        for (int x = 0; x < g.width(); x++) assertEquals(G, g.get(x, 34, 0), "the gap between the rows, x " + x);
        assertEquals(0, g.get(margin + 2, 2, 0), "the first tile starts after the margin and a gap");
        assertEquals(G, g.get(margin + 1, 2, 0));
    }

    @Test
    void theSheetNamesClassesFromTheModelFile() {
        List<String> names = GridSheet.names(Map.of(GridSheet.CLASS_NAMES, "T-shirt/top|trouser|pullover"));
        assertEquals(List.of("T-shirt/top", "trouser", "pullover"), names);
        GridSheet named = new GridSheet(names), plain = new GridSheet(GridSheet.names(Map.of()));
        assertEquals("1 trouser", named.rowLabel(1));
        assertEquals("unconditional", named.rowLabel(3));
        assertEquals("class 1", plain.rowLabel(1));
    }
}
