// Spec §1 and §3: Karras grid, c_in/c(σ), the iCT curriculum and the temperature schedules against hand values.
package epg.diffusion;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SchedulesTest {
    @Test
    void karrasGridEndsAndMiddle() {
        // (80^(1/7) + i/20·(0.002^(1/7) − 80^(1/7)))^7 evaluated in Python (math module)
        assertEquals(80.0, KarrasGrid.unshifted(0, 21), 1e-12);
        assertEquals(2.515218976147159, KarrasGrid.unshifted(10, 21), 1e-12);
        assertEquals(0.002, KarrasGrid.unshifted(20, 21), 1e-15);
        assertEquals(0.0005106134610992898, KarrasGrid.unshifted(21, 21), 1e-15); // one past the end
    }

    @Test
    void preconditioning() {
        assertEquals(1 / Math.sqrt(4 + 0.25), Preconditioning.cIn(2), 1e-15);
        assertEquals(2.0, Preconditioning.cIn(0), 1e-15);           // 1/sqrt(0.25)
        assertEquals(250 * Math.log(0.001), Preconditioning.timeCondition(0.001), 1e-9);
        assertEquals(0.0, Preconditioning.timeCondition(1), 1e-12); // ln 1
    }

    @Test
    void ictCurriculumWithCeilings() {
        // K = 600000: K' = ceil(600000 / log2(ceil(1280/20) + 1)) = ceil(600000 / 6.0224) = 99629
        IctCurriculum c = IctCurriculum.of(600_000);
        assertEquals(99_629, c.stageLength());
        assertEquals(21, c.points(0));             // 20·2^0 + 1
        assertEquals(41, c.points(1));             // ceil(1/K') = 1
        assertEquals(41, c.points(99_629));        // ceil(K'/K') = 1
        assertEquals(81, c.points(99_630));        // 2
        assertEquals(161, c.points(2 * 99_629 + 1));
        assertEquals(641, c.points(5 * 99_629));   // 20·32 + 1
        assertEquals(1281, c.points(5 * 99_629 + 1)); // min(20·64, 1280) + 1
        assertEquals(1281, c.points(600_000));
        // K = 100: K' = ceil(100 / 6.0224) = 17
        IctCurriculum s = IctCurriculum.of(100);
        assertEquals(17, s.stageLength());
        assertEquals(81, s.points(34));
        assertEquals(161, s.points(35));
        assertEquals(641, s.points(85));
        assertEquals(1281, s.points(100));
    }

    @Test
    void cosineTemperatureSchedule() {
        TemperatureSchedule t = TemperatureSchedule.parse("cosine");
        long k = 300;
        assertEquals(0.2, t.tauMax(0, k), 1e-15);                        // 0.1·cos(π/2) + 0.2
        assertEquals(0.2 - 0.1 * Math.sqrt(0.5), t.tauMax(100, k), 1e-15); // 0.1·cos(3π/4) + 0.2
        assertEquals(0.10761204674887133, t.tauMax(150, k), 1e-15);      // 0.1·cos(π/2·1.75) + 0.2
        assertEquals(0.1, t.tauMax(200, k), 1e-15);                      // k = 2K/3: cos(π) = −1
        assertEquals(0.1, t.tauMax(201, k), 1e-15);                      // after 2K/3
        // τ(σ) = ((σ − 0.002)·τ_max + (80 − σ)·0.1)/(80 − 0.002)
        assertEquals(0.10366052451523398, t.tau(10, 100, k), 1e-15);
        assertEquals(0.10124753118827971, t.tau(1.0, 0, k), 1e-15);
        assertEquals(0.2, t.tau(80, 0, k), 1e-15);
        assertEquals(0.1, t.tau(0.002, 0, k), 1e-15);
        // from τ_max directly (any schedule): ((10 − 0.002)·0.5 + (80 − 10)·0.1)/(80 − 0.002)
        assertEquals(0.1499912497812445, TemperatureSchedule.tau(10, 0.5), 1e-15);
        assertEquals(t.tau(10, 100, k), TemperatureSchedule.tau(10, t.tauMax(100, k)), 0);
    }

    @Test
    void constantTemperatureSchedule() {
        TemperatureSchedule t = TemperatureSchedule.parse("constant");
        for (long step : new long[]{0, 10, 99}) assertEquals(0.1, t.tauMax(step, 100), 0);
        assertEquals(0.1, t.tau(37.5, 5, 100), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> TemperatureSchedule.parse("linear"));
    }

    @Test
    void theRowsOfTable12bAreConfigurable() {
        long k = 300;
        // τ1 = 0.1, τ2 = 0.5: τ_max = 0.1 + 0.4·(1 + cos(π/2·(1.5k/K + 1))) until 2K/3, then 0.1
        TemperatureSchedule half = TemperatureSchedule.of("cosine", 0.5, 0.1);
        assertEquals(0.5, half.tauMax(0, k), 1e-15);
        assertEquals(0.1 + 0.4 * (1 - Math.sqrt(0.5)), half.tauMax(100, k), 1e-15);  // cos(3π/4) = −√½
        assertEquals(0.1, half.tauMax(200, k), 1e-15);
        assertEquals(0.1, half.tauMax(299, k), 1e-15);
        assertEquals((79.998 * 0.5 + 0.0 * 0.1) / 79.998, half.tau(80, 0, k), 1e-15);
        assertEquals((9.998 * 0.5 + 70 * 0.1) / 79.998, half.tau(10, 0, k), 1e-15);
        // τ1 = τ2 = 0.1: a fixed 0.1, cosine or constant
        for (String name : new String[]{"cosine", "constant"}) {
            TemperatureSchedule fixed = TemperatureSchedule.of(name, 0.1, 0.1);
            for (long step : new long[]{0, 50, 250}) assertEquals(0.1, fixed.tau(40, step, k), 1e-15, name);
        }
        // the defaults: the release's constant 0.1, the paper's 0.2 → 0.1, and the release's cosine formula
        // end·cos(π/2·(1.5k/K + 1)) + start with start 0.2, end 0.1 is the same curve
        assertEquals(new TemperatureSchedule(TemperatureSchedule.Kind.CONSTANT, 0.1, 0.1),
                TemperatureSchedule.parse("constant"));
        TemperatureSchedule paper = TemperatureSchedule.of("cosine", 0, 0);
        for (long step = 0; step <= 200; step += 25)
            assertEquals(0.1 * Math.cos(Math.PI / 2 * (1.5 * step / k + 1)) + 0.2, paper.tauMax(step, k), 1e-15);
        // a constant τ_max above τ_min: interpolation in σ without annealing
        TemperatureSchedule flat = TemperatureSchedule.of("constant", 0.3, 0.1);
        assertEquals(0.3, flat.tauMax(299, k), 0);
        assertEquals(0.3, flat.tau(80, 299, k), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> TemperatureSchedule.of("cosine", 0.05, 0.1));
        assertThrows(IllegalArgumentException.class, () -> TemperatureSchedule.of("cosine", 0.5, -0.1));
    }
}
