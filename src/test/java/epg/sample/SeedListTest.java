// Spec §6 (seeding): seed lists as `epg sample --seeds` reads them, and written back as the shortest such text.
package epg.sample;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedListTest {
    @Test
    void rangesAndListsInTheOrderWritten() {
        assertArrayEquals(new long[]{0, 1, 2, 3}, SeedList.parse("0-3", 64));
        assertArrayEquals(new long[]{1, 5, 9, 10, 11, 12}, SeedList.parse("1,5,9-12", 64));
        assertArrayEquals(new long[]{7, 2, 3}, SeedList.parse(" 7 , 2-3", 64));
        assertArrayEquals(new long[]{-2, -1, 0}, SeedList.parse("-2-0", 64));
    }

    @Test
    void formatGivesBackTheSameSeeds() {
        assertEquals("0-15", SeedList.format(SeedList.parse("0-15", 64)));
        assertEquals("3,5-7", SeedList.format(new long[]{3, 5, 6, 7}));
        assertEquals("1,2,9", SeedList.format(new long[]{1, 2, 9}), "a run of two is a list");
        assertEquals("7,2,3", SeedList.format(new long[]{7, 2, 3}), "the order is kept");
        long[][] cases = {{-3, -2, -1, 5}, {0}, {100, 101, 102, 0, 1, 2}, {Long.MAX_VALUE - 2, Long.MAX_VALUE - 1,
                Long.MAX_VALUE}};
        for (long[] c : cases) assertArrayEquals(c, SeedList.parse(SeedList.format(c), 64), SeedList.format(c));
    }

    @Test
    void tooManyOrUnreadableSeedsAreErrors() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SeedList.parse("0-64", 64)).getMessage()
                .contains("more than 64 seeds"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SeedList.parse("0-999999999999", 64))
                .getMessage().contains("more than 64 seeds"), "refused before the list is built");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SeedList.parse("-9000000000000000000-"
                + "9000000000000000000", 64)).getMessage().contains("more than 64 seeds"), "a span past 2^63");
        assertArrayEquals(new long[64], new long[SeedList.parse("0-63", 64).length]);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SeedList.parse("1,x", 64)).getMessage()
                .contains("bad seed list '1,x'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SeedList.parse("", 64)).getMessage()
                .contains("bad seed list"));
    }
}
