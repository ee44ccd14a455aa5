// Spec §3 mixed precision: the loss scaler halves on overflow, grows after N good steps, is inert when off.
package epg.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LossScalerTest {
    @Test
    void halvesOnANonFiniteStepAndDoublesAfterTheGrowthInterval() {
        LossScaler s = new LossScaler(true, 1024, 2, 0.5, 3);
        s.update(false);
        assertEquals(512, s.scale());
        s.update(true);
        s.update(true);
        assertEquals(512, s.scale());
        s.update(false); // an overflow resets the run of good steps
        assertEquals(256, s.scale());
        s.update(true);
        s.update(true);
        s.update(true);
        assertEquals(512, s.scale());
        assertArrayEquals(new double[]{512, 0}, s.state());
        s.update(true);
        LossScaler resumed = new LossScaler(true, 1024, 2, 0.5, 3);
        resumed.restore(s.state());
        resumed.update(true);
        resumed.update(true);
        assertEquals(1024, resumed.scale(), "the run of good steps survives a checkpoint");
    }

    @Test
    void disabledScalerIsOne() {
        LossScaler s = LossScaler.of(false);
        s.update(false);
        assertEquals(1, s.scale());
        assertEquals(65536, LossScaler.of(true).scale());
        assertThrows(IllegalArgumentException.class, () -> new LossScaler(true, 1, 0.5, 0.5, 1));
    }

    @Test
    void fp16IsRefusedOnTheCpu() {
        PretrainConfig ok = epg.TinyRuns.config(5, 8, true, "constant", 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ok.withPrecision("fp16"));
        assertEquals("fp16 needs --device cuda; on the CPU use bf16", e.getMessage());
    }
}
