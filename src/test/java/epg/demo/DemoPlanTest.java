// Issue 8: the demo's budget scaling.
package epg.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DemoPlanTest {
    @Test
    void budgetScalesCountsLinearlyWithFloors() {
        DemoPlan d = DemoPlan.forBudget(20), h = DemoPlan.forBudget(40), tiny = DemoPlan.forBudget(0.1);
        assertEquals(2 * d.pretrainSteps(), h.pretrainSteps());
        assertEquals(2 * d.diffusionSteps(), h.diffusionSteps());
        assertEquals(2 * d.consistencySteps(), h.consistencySteps());
        assertEquals(2 * d.sampleImages(), h.sampleImages());
        assertEquals(10, tiny.pretrainSteps());
        assertEquals(DemoPlan.MIN_SAMPLES, tiny.sampleImages());
        assertEquals(DemoPlan.TEST_IMAGES, DemoPlan.forBudget(1000).referenceImages());
        assertThrows(IllegalArgumentException.class, () -> DemoPlan.forBudget(0));
        assertEquals(1, DemoPlan.warmup(4));
        assertEquals(40, DemoPlan.warmup(400));
        assertEquals(0.99, DemoPipeline.emaRate(1000), 1e-12);
        assertEquals(0.9, DemoPipeline.emaRate(20), 1e-12);
        assertEquals(0.9999, DemoPipeline.emaRate(10_000_000), 1e-12);
    }
}
