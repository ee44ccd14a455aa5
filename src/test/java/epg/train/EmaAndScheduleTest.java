// Ema (exact lerp, parameters only unless asked) and LrSchedule (warm-up, cosine, steps) against the released LambdaLR.
package epg.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.nn.BatchNorm1d;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EmaAndScheduleTest {
    @Test
    void emaOfParametersOnly() {
        try (Scope s = Scope.open()) {
            BatchNorm1d src = new BatchNorm1d(3), dst = new BatchNorm1d(3);
            set(src, new float[]{1, 2, 3}, new float[]{-1, 0.5f, 4}, new float[]{7, 8, 9});
            set(dst, new float[]{0.25f, -2, 10}, new float[]{3, 3, 3}, new float[]{0, 0, 0});
            new Ema(src, dst, 0.9, false).update();
            // lerp with weight 0.1: t + 0.1·(s − t), in float32
            assertArrayEquals(lerp(new float[]{0.25f, -2, 10}, new float[]{1, 2, 3}, 0.1f), Torch.toFloats(dst.weight),
                    1e-7f);
            assertArrayEquals(lerp(new float[]{3, 3, 3}, new float[]{-1, 0.5f, 4}, 0.1f), Torch.toFloats(dst.bias),
                    1e-7f);
            assertArrayEquals(new float[]{0, 0, 0}, Torch.toFloats(dst.runningMean), 0f); // buffers untouched
            assertFalse(dst.weight.requires_grad());
        }
    }

    @Test
    void emaWithBuffers() {
        try (Scope s = Scope.open()) {
            BatchNorm1d src = new BatchNorm1d(3), dst = new BatchNorm1d(3);
            set(src, new float[]{1, 1, 1}, new float[]{0, 0, 0}, new float[]{7, 8, 9});
            try (NoGradGuard g = new NoGradGuard()) { src.numBatchesTracked.fill_(Torch.scalar(5)); }
            Ema ema = new Ema(src, dst, 0.5, true);
            ema.update();
            ema.update();
            // two updates at rate 0.5 from 0: 0.75·source
            assertArrayEquals(new float[]{5.25f, 6f, 6.75f}, Torch.toFloats(dst.runningMean), 1e-6f);
            assertEquals(5, Torch.toLongs(dst.numBatchesTracked)[0]); // integer buffers are copied
        }
    }

    @Test
    void cosineScheduleWithWarmup() {
        LrSchedule lr = LrSchedule.cosine(1e-3, 10, 110);
        assertEquals(0, lr.at(0), 0);                 // 0/10: the first update does not move
        assertEquals(4e-4, lr.at(4), 1e-15);
        assertEquals(1e-3, lr.at(10), 1e-15);         // 10/10 = cos(0)
        assertEquals(0.5e-3, lr.at(60), 1e-15);       // cos(π/2)
        assertEquals(1e-3 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), lr.at(35), 1e-15);
        assertEquals(0, lr.at(110), 1e-15);
        assertEquals(6e-4 * 256 / 1024, LrSchedule.scaleForBatch(6e-4, 256), 1e-18);
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(1e-3, 100, 100));
    }

    @Test
    void stepwiseSchedule() {
        LrSchedule lr = LrSchedule.stepwise(1e-4, 10, new long[]{400, 500}, new double[]{3e-5, 8e-6});
        assertEquals(0, lr.at(0), 0);
        assertEquals(1e-5, lr.at(1), 1e-18);
        assertEquals(1e-4, lr.at(400), 1e-18);        // `step <= 400000` keeps the full rate through the milestone
        assertEquals(3e-5, lr.at(401), 1e-18);
        assertEquals(3e-5, lr.at(500), 1e-18);
        assertEquals(8e-6, lr.at(501), 1e-18);
        assertEquals(8e-6, lr.at(10_000), 1e-18);
    }

    /**
     * scripts/fixtures/make_release_fixtures.py replays customized_lr_scheduler's LambdaLR update by update (warm-up 4,
     * 12 steps; warmup-step with the released milestones 400000/500000).
     */
    @Test
    void schedulesAreTheReleasedLambdaLr() throws Exception {
        JsonObject f = JsonParser.parseString(Files.readString(epg.TestSupport.fixture("release/schedules.json")))
                .getAsJsonObject();
        double base = f.get("lr").getAsDouble();
        LrSchedule cosine = LrSchedule.cosine(base, 4, 12);
        JsonArray c = f.getAsJsonArray("cosine_w4_k12");
        for (int k = 0; k < c.size(); k++) assertEquals(c.get(k).getAsDouble(), cosine.at(k), 1e-18, "cosine " + k);
        LrSchedule step = LrSchedule.stepwise(base, 4, new long[]{400_000, 500_000}, new double[]{0.3 * base,
                0.08 * base});
        JsonArray w = f.getAsJsonArray("step_w4");
        for (int k = 0; k < w.size(); k++) assertEquals(w.get(k).getAsDouble(), step.at(k), 1e-18, "step " + k);
        f.getAsJsonObject("step_factor_at").entrySet().forEach(e -> assertEquals(
                e.getValue().getAsDouble() * base, step.at(Long.parseLong(e.getKey())), 1e-18, "update " + e.getKey()));
    }

    private static float[] lerp(float[] t, float[] s, float w) {
        float[] out = new float[t.length];
        for (int i = 0; i < t.length; i++) out[i] = t[i] + w * (s[i] - t[i]);
        return out;
    }

    private static void set(BatchNorm1d m, float[] w, float[] b, float[] mean) {
        try (NoGradGuard g = new NoGradGuard()) {
            m.weight.copy_(Torch.fromFloats(w, 3));
            m.bias.copy_(Torch.fromFloats(b, 3));
            m.runningMean.copy_(Torch.fromFloats(mean, 3));
        }
    }
}
