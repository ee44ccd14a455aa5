// Spec §1: the Karras grid at hand-computed points (values from an independent Python evaluation of the formula).
package epg.diffusion;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KarrasGridTest {
    @Test
    void endsAreSigmaMaxAndSigmaMinTimesShift() {
        KarrasGrid g = new KarrasGrid(32, 4);
        assertEquals(320, g.sigma(0), 1e-12);
        assertEquals(0.008, g.sigma(31), 1e-15);
        assertEquals(80, new KarrasGrid(18, 1).sigma(0), 1e-12);
        assertEquals(0.002, new KarrasGrid(18, 1).sigma(17), 1e-15);
    }

    @Test
    void middlePointsMatchHandComputation() {
        // ((80^(1/7) + 0.002^(1/7)) / 2)^7
        assertEquals(2.515218976147159, new KarrasGrid(3, 1).sigma(1), 1e-13);
        assertEquals(8.695439184756442, new KarrasGrid(32, 4).sigma(16), 1e-12);
        // one past the end (i = N) is evaluable: (1.5·0.002^(1/7) − 0.5·80^(1/7))^7
        assertEquals(-0.00032683365174027823, KarrasGrid.unshifted(3, 3), 1e-17);
    }

    @Test
    void gridIsDecreasingAndSixPointsLieInTheGuidanceIntervalAt256px() {
        double[] s = new KarrasGrid(32, 4).sigmas();
        int inside = 0;
        for (int i = 0; i < s.length; i++) {
            if (i > 0) assertTrue(s[i] < s[i - 1]);
            if (s[i] > 0.19 * 4 && s[i] <= 1.61 * 4) inside++;
        }
        assertEquals(6, inside);
        assertEquals(6.434285463073886, s[17], 1e-12); // the first point inside
    }

    @Test
    void rejectsDegenerateGrids() {
        assertThrows(IllegalArgumentException.class, () -> new KarrasGrid(1, 1));
        assertThrows(IllegalArgumentException.class, () -> new KarrasGrid(8, 0));
        assertThrows(IllegalArgumentException.class, () -> KarrasGrid.unshifted(5, 4));
    }
}
