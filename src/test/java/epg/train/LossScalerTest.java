// Spec §3 mixed precision: the loss scaler halves on overflow, grows after N good steps, is inert when off; released.
package epg.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

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
        assertEquals(16384, LossScaler.of(true).scale());
        assertThrows(IllegalArgumentException.class, () -> new LossScaler(true, 1, 0.5, 0.5, 1));
    }

    /**
     * The released GradScaler(init_scale 2^14, growth_factor 1.0006933874625807, growth_interval 1, backoff 0.5), its
     * float32 scale as torch's update kernel computes it (scripts/fixtures/make_release_fixtures.py): every value
     * equal, bit for bit, over a run with overflows, and after 1000 and 3000 good steps (about 2^15 and 2^17).
     */
    @Test
    void releasedScalerStepByStep() throws Exception {
        JsonObject f = JsonParser.parseString(Files.readString(epg.TestSupport.fixture("release/schedules.json")))
                .getAsJsonObject();
        JsonArray pattern = f.getAsJsonArray("scaler_pattern"), scales = f.getAsJsonArray("scaler_scales");
        LossScaler s = LossScaler.of(true);
        for (int k = 0; k < pattern.size(); k++) {
            s.update(!pattern.get(k).getAsBoolean());
            assertEquals(scales.get(k).getAsDouble(), s.scale(), 0, "after step " + k);
        }
        LossScaler good = LossScaler.of(true);
        for (int k = 1; k <= 3000; k++) {
            good.update(true);
            if (k == 1000) assertEquals(f.get("scaler_after_1000_good").getAsDouble(), good.scale(), 0);
        }
        assertEquals(f.get("scaler_after_3000_good").getAsDouble(), good.scale(), 0);
    }

    @Test
    void fp16IsRefusedOnTheCpu() {
        PretrainConfig ok = epg.TinyRuns.config(5, 8, true, "constant", 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ok.withPrecision("fp16"));
        assertEquals("fp16 needs --device cuda; on the CPU use bf16", e.getMessage());
    }
}
