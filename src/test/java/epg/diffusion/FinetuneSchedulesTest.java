// Spec §4 (snapped log-normal σ and its weights) and §5 (ECT time pair) against hand-computed values.
package epg.diffusion;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FinetuneSchedulesTest {
    @Test
    void snappedIndexIsTheNearestGridPointInSigma() {
        SnappedLognormal s = SnappedLognormal.released();
        SplittableRandom r = new SplittableRandom(1);
        for (int k = 0; k < 2000; k++) {
            double z = r.nextGaussian() * 2.5, sigma = Math.exp(-1.2 + 1.6 * z);
            int best = 0;
            for (int j = 1; j < 1280; j++)
                if (Math.abs(sigma - KarrasGrid.unshifted(j, 1280)) < Math.abs(sigma
                        - KarrasGrid.unshifted(best, 1280))) best = j;
            assertEquals(best, s.index(z), "z = " + z);
        }
        assertEquals(0, s.index(10));     // σ far above σ_max
        assertEquals(1279, s.index(-10)); // σ far below σ_min
    }

    @Test
    void weightsAreOneOverTheGridStep() {
        SnappedLognormal s = SnappedLognormal.released();
        // 1/(σ_i − σ_{i+1}) from the Karras formula, evaluated independently (python, double precision)
        assertEquals(2.93374168961344, s.weight(0), 1e-12);
        assertEquals(57.1613221120982, s.weight(640), 1e-10);
        assertEquals(25993.143227867284, s.weight(1279), 1e-7);
    }

    @Test
    void edmWeightingIsLambdaOfTheShiftedLevel() {
        SnappedLognormal s = new SnappedLognormal(-1.2, 1.6, 1280, SnappedLognormal.Weighting.EDM);
        double t = KarrasGrid.unshifted(640, 1280) * 0.5; // shifted level at 32 px (s = 1/2)
        assertEquals((t * t + 0.25) / (t * t * 0.25), s.weight(640, 0.5), 1e-12);
        // grid ignores the shift
        assertEquals(SnappedLognormal.released().weight(640), SnappedLognormal.released().weight(640, 0.5), 0);
    }

    @Test
    void weightFloorHoldsTheWeightOfTheFloorLevelBelowIt() {
        // grid point 846 (σ = 0.4986) is the one nearest 0.5; its weights computed independently (python, double
        // precision)
        SnappedLognormal grid = new SnappedLognormal(-1.2, 1.6, 1280, SnappedLognormal.Weighting.GRID, 0.5);
        SnappedLognormal edm = new SnappedLognormal(-1.2, 1.6, 1280, SnappedLognormal.Weighting.EDM, 0.5);
        for (int i : new int[]{846, 1000, 1279}) {
            assertEquals(228.34401996229752, grid.weight(i, 0.5), 1e-9, "grid, i = " + i);
            assertEquals(20.09273794911565, edm.weight(i, 0.5), 1e-10, "edm, i = " + i);
        }
        assertEquals(9.864432698580258, grid.weight(300, 0.5), 1e-11); // above the floor: unchanged
        assertEquals(833.5126082444499, SnappedLognormal.released().weight(1000, 0.5), 1e-9); // no floor
    }

    @Test
    void ectStagesAndPairsMatchHandValues() {
        EctTimePair p = EctTimePair.released();
        assertEquals(1, p.stage(0));
        assertEquals(1, p.stage(99_999));
        assertEquals(2, p.stage(100_000));
        assertEquals(3, p.stage(250_000));
        // r = max(t·(1 − (1 + 8·sigmoid(−t))/2^stage), 0.002)
        assertEquals(0.002, p.r(1.0, 0), 0);
        assertEquals(4.998184085251902, p.r(10.0, 0), 1e-12);
        assertEquals(0.2121171572600098, p.r(1.0, 100_000), 1e-12);
        assertEquals(7.499092042625951, p.r(10.0, 100_000), 1e-12);
        assertEquals(0.6060585786300049, p.r(1.0, 250_000), 1e-12);
        assertEquals(0.0037749997916687495, p.r(0.01, 250_000), 1e-15);
        assertEquals(0.002, p.t(-100), 0);
        assertEquals(Math.exp(-0.4 + 1.6 * 0.5), p.t(0.5), 1e-15);
        // by stage directly (a test feeding given draws needs no step): the same values
        assertEquals(0.2121171572600098, p.rAtStage(1.0, 2), 1e-12);
        assertEquals(0.6060585786300049, p.rAtStage(1.0, 3), 1e-12);
        assertEquals(0.002, p.rAtStage(1.0, 1), 0);
    }

    @Test
    void rStaysBelowTAboveSigmaMinAndItsRatioRisesWithTheStage() {
        EctTimePair p = EctTimePair.scaled(1000);
        SplittableRandom rnd = new SplittableRandom(2);
        for (int k = 0; k < 1000; k++) {
            double t = p.t(rnd.nextGaussian());
            double previous = 0;
            for (long step = 0; step <= 6000; step += 1000) {
                double r = p.r(t, step);
                assertTrue(r >= KarrasGrid.SIGMA_MIN, "r = " + r);
                assertTrue(r < t || t <= 2 * KarrasGrid.SIGMA_MIN && r == KarrasGrid.SIGMA_MIN, "r = " + r + ", t = "
                        + t);
                assertTrue(r / t >= previous, "r/t fell at step " + step);
                previous = r / t;
            }
        }
    }
}
