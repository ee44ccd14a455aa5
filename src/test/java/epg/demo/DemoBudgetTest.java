// The demo's plan sizing (DemoBudget) against plans worked out by hand from made-up stage costs.
package epg.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Costs used throughout (seconds): reference 10; pre-training 5 fixed + 0.5 per step; diffusion 5 + 0.2 (two runs);
 * consistency 5 + 0.4; Heun 0.004 per network evaluation at 74 evaluations per image (0.296 per image); one step
 * 0.005 per image; features 0.001 per image (each model's evaluation reads its samples and the reference).
 * <p>
 * Fixed: 10 + 5 + 2·5 + 5 = 30 s. Per unit of the factor f (default counts 900, 1300, 300, 500 samples, 2000
 * reference): 900·0.5 = 450; 1300·2·0.2 = 520; 300·0.4 = 120; samples 500·(2·0.296 + 0.005 + 3·0.001) = 300;
 * reference 2000·3·0.001 = 6; together 1396 s.
 */
class DemoBudgetTest {
    private static final StageCosts COSTS = new StageCosts(10, new StageCosts.Training(5, 0.5),
            new StageCosts.Training(5, 0.2), new StageCosts.Training(5, 0.4), 0.004, 74, 0.005, 0.001);

    @Test
    void halfTheDefaultShapeFillsItsBudget() {
        // 30 + 0.5 · 1396 = 728 s → f = 0.5.
        DemoBudget b = DemoBudget.size(728 / 60.0, 0, COSTS);
        assertCounts(b.plan(), 450, 650, 150, 250, 1000);
        // 10 | 5 + 225 | 5 + 130 (twice) | 5 + 60 | 250 · 0.296 = 74 (twice) | 1.25 | 3 · 1250 · 0.001 = 3.75
        double[] expected = {10, 230, 135, 135, 65, 74, 74, 1.25, 3.75};
        int i = 0;
        for (String stage : DemoBudget.STAGES) assertEquals(expected[i++], b.estimate().get(stage), 1e-9, stage);
        assertEquals(728, b.totalSeconds(), 1e-9);
    }

    @Test
    void timeAlreadySpentComesOffTheBudget() {
        // 788 s with 60 s spent calibrating leaves 728 s: f = 0.5 as above.
        assertCounts(DemoBudget.size(788 / 60.0, 60, COSTS).plan(), 450, 650, 150, 250, 1000);
    }

    @Test
    void samplesAndReferenceStopAtTheirFloorsAndTrainingTakesTheRest() {
        // 150 s: f = 120 / 1396 = 0.0860 would give 43 samples (< 100) and 172 reference images (< 200): held there,
        // they cost 100 · 0.6 + 200 · 0.003 = 60.6 s; f = (120 − 60.6) / 1090 = 0.054495 → 49.05, 70.84, 16.35 steps.
        DemoBudget b = DemoBudget.size(2.5, 0, COSTS);
        assertCounts(b.plan(), 49, 71, 16, 100, 200);
        // 10 + 29.5 + 2 · 19.2 + 11.4 + 2 · 29.6 + 0.5 + 0.9 = 149.9 (rounding to whole steps)
        assertEquals(149.9, b.totalSeconds(), 1e-9);
    }

    @Test
    void theReferenceStopsAtTheTestSplit() {
        // 8400 s: f = 8370 / 1396 = 5.996 would want 11,991 reference images: held at 10,000 (30 s), the rest
        // f = (8370 − 30) / 1390 = 6 exactly.
        DemoBudget b = DemoBudget.size(140, 0, COSTS);
        assertCounts(b.plan(), 5400, 7800, 1800, 3000, DemoPlan.TEST_IMAGES);
    }

    @Test
    void aBudgetBelowTheFloorsGivesTheFloors() {
        DemoBudget b = DemoBudget.size(0.5, 0, COSTS);
        assertCounts(b.plan(), 10, 10, 10, 100, 200);
        // 10 + 10 + 2 · 7 + 9 + 2 · 29.6 + 0.5 + 3 · 300 · 0.001 = 103.6 s, over the 30 s asked for
        assertEquals(103.6, b.totalSeconds(), 1e-9);
    }

    @Test
    void theDefaultPlanAndItsRules() {
        DemoPlan d = DemoPlan.scaled(20, 1);
        assertCounts(d, 900, 1300, 300, 500, 2000);
        assertThrows(IllegalArgumentException.class, () -> DemoPlan.scaled(0, 1));
        assertEquals(1, DemoPlan.warmup(4));
        assertEquals(40, DemoPlan.warmup(400));
        assertEquals(0.99, DemoConfigs.emaRate(1000), 1e-12);
        assertEquals(0.9, DemoConfigs.emaRate(20), 1e-12);
        assertEquals(0.9999, DemoConfigs.emaRate(10_000_000), 1e-12);
    }

    private static void assertCounts(DemoPlan p, long pretrain, long diffusion, long consistency, int samples,
                                     int reference) {
        assertEquals(pretrain, p.pretrainSteps(), "pre-training steps");
        assertEquals(diffusion, p.diffusionSteps(), "diffusion steps");
        assertEquals(consistency, p.consistencySteps(), "consistency steps");
        assertEquals(samples, p.sampleImages(), "samples per model");
        assertEquals(reference, p.referenceImages(), "reference images");
    }
}
