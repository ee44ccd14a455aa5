// The shared loop: exact resume, momentum updated only by the EMA, checkpoints and log, skipping non-finite steps.
package epg.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.TinyRuns;
import epg.data.Batch;
import epg.data.Dataset;
import epg.data.Loader;
import epg.nn.Module;
import epg.tensor.Precision;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    @TempDir Path tmp;

    @Test
    void twentyStepsStraightEqualTenPlusResumePlusTen() throws Exception {
        PretrainConfig cfg = TinyRuns.config(20, 8, true, "cosine", 5);
        Dataset data = TinyRuns.synthetic(48); // 6 batches per epoch: the run crosses epochs
        Map<String, float[]> straight = run(cfg, data, tmp.resolve("a"), 20);
        Map<String, float[]> half = run(cfg, data, tmp.resolve("b"), 10);
        Map<String, float[]> resumed = run(cfg, data, tmp.resolve("b"), 20);
        assertEquals(straight.keySet(), resumed.keySet());
        straight.forEach((k, v) -> assertArrayEquals(v, resumed.get(k), 0f, k));
        assertNotEquals(0, maxDiff(half.get("online.pos_embed"), straight.get("online.pos_embed")),
                "weights did not move in 10 steps");

        RunDir b = new RunDir(tmp.resolve("b"));
        assertEquals("step-20", Files.readString(b.checkpoints().resolve(RunDir.LATEST)).trim());
        for (String f : List.of("online.safetensors", "momentum.safetensors", "optimizer.safetensors",
                "rng.safetensors", "state.json"))
            assertTrue(Files.isRegularFile(b.checkpoints().resolve("step-10").resolve(f)), f);
        assertTrue(Files.isRegularFile(b.file(PretrainStage.ENCODER_FILE)));
        assertTrue(Files.isRegularFile(b.file(RunDir.CONFIG)));
        List<JsonObject> logA = log(tmp.resolve("a")), logB = log(tmp.resolve("b"));
        assertEquals(4, logB.size()); // steps 5, 10, 15, 20
        assertEquals(logA.get(3).get("loss").getAsDouble(), logB.get(3).get("loss").getAsDouble(), 0);
        for (String key : List.of("time", "contrastive", "consistency", "tauMax", "noiseLevels", "lr", "gradNorm",
                "paramNorm", "imagesPerSecond", "skipped"))
            assertTrue(logB.get(3).has(key), key);
        assertEquals(20, Json(b.checkpoints().resolve("step-20/state.json")).get("step").getAsLong());
        // a different configuration in the same directory is refused
        PretrainConfig other = TinyRuns.config(20, 8, false, "cosine", 5);
        assertThrows(IllegalArgumentException.class, () -> run(other, data, tmp.resolve("b"), 20));
    }

    @Test
    void resumedRunsMayChangeOnlyRunControlSettings() throws Exception {
        RunDir d = new RunDir(tmp.resolve("cfg"));
        d.writeConfig(Map.of("lr", 1.0, "threads", 1, "logEvery", 10));
        d.writeConfig(Map.of("lr", 1.0, "threads", 2, "logEvery", 5));
        assertThrows(IllegalArgumentException.class, () -> d.writeConfig(Map.of("lr", 2.0, "threads", 2, "logEvery",
                5)));
        assertTrue(Files.readString(d.file(RunDir.CONFIG)).contains("\"threads\": 2"));
        // a setting newer than the stored file is accepted at its neutral value only
        RunDir old = new RunDir(tmp.resolve("old"));
        old.writeConfig(Map.of("lr", 1.0, "noise", Map.of("pMean", -1.2)));
        assertThrows(IllegalArgumentException.class, () -> old.writeConfig(Map.of("lr", 1.0, "noise",
                Map.of("pMean", -1.2, "floor", 0.5))));
        assertThrows(IllegalArgumentException.class, () -> old.writeConfig(Map.of("lr", 1.0, "noise",
                Map.of("pMean", -1.2), "flag", true)));
        assertThrows(IllegalArgumentException.class, () -> old.writeConfig(Map.of("lr", 1.0)));
        old.writeConfig(Map.of("lr", 1.0, "noise", Map.of("pMean", -1.2, "floor", 0.0), "flag", false));
    }

    @Test
    void momentumNetworkChangesOnlyThroughTheEma() throws Exception {
        try (Scope s = Scope.open()) {
            PretrainConfig cfg = TinyRuns.config(5, 8, true, "constant", 100);
            PretrainStage stage = new PretrainStage(cfg);
            Map<String, Tensor> before = clone(stage.momentum().namedParameters());
            new Trainer(stage, cfg.trainerSettings(), new RunDir(tmp.resolve("m")), cfg)
                    .run(TinyRuns.synthetic(16), cfg.loaderConfig(), 2, Trainer.Listener.NONE);
            Map<String, Tensor> online = stage.online().namedParameters(), after = stage.momentum().namedParameters();
            for (String k : before.keySet()) {
                // update 0 has learning rate 0 (released warm-up) and leaves m = θ; after update 1: 0.99·m + 0.01·θ
                Tensor expected = before.get(k).add(online.get(k).sub(before.get(k)).mul(Torch.scalar(0.01)));
                assertTrue(maxDiff(Torch.toFloats(expected), Torch.toFloats(after.get(k))) < 1e-7, k);
                assertTrue(!after.get(k).grad().defined(), k + " has a gradient");
            }
            assertNotEquals(0, maxDiff(Torch.toFloats(before.get("pos_embed")),
                    Torch.toFloats(after.get("pos_embed"))));
            // released BatchNorm mode: the momentum network keeps its initial statistics; the online one updates them
            stage.momentum().namedBuffers().forEach((k, v) -> {
                if (k.endsWith("running_mean"))
                    assertEquals(0, maxDiff(Torch.toFloats(v), new float[(int) v.numel()]), k);
            });
            assertTrue(Torch.toFloats(stage.online().namedBuffers().get("projection_head.1.running_mean"))[0] != 0);
        }
    }

    @Test
    void nonFiniteStepsAreSkippedAndCountedAndStopTheRunAfterTwentyInARow() throws Exception {
        Dataset data = TinyRuns.synthetic(16);
        Loader.Config lc = Loader.Config.of(4, 16, Loader.Mode.FINETUNE, 0).threads(1, 1);
        // NaN at the 4th attempt only: one skipped step, six updates in seven batches
        Toy toy = new Toy(Set.of(3L));
        TrainState st = new Trainer(toy, toy.settings(6, k -> 0.1), new RunDir(tmp.resolve("nan1")), "toy")
                .run(data, lc, 6, Trainer.Listener.NONE);
        assertEquals(1, st.skipped());
        assertEquals(6, st.step());
        assertEquals(7, toy.steps.size(), "a skipped step consumes a batch");
        assertEquals(0, st.consecutiveSkipped());
        // always NaN: stops after 20 in a row with a message
        Toy bad = new Toy(null);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Trainer(bad, bad.settings(100, k -> 0.1), new RunDir(tmp.resolve("nan2")), "toy")
                        .run(data, lc, 100, Trainer.Listener.NONE));
        assertTrue(e.getMessage().contains("20 steps in a row"), e.getMessage());
        assertEquals(1f, Torch.toFloats(bad.w)[0], 0f, "a skipped step must not change the weights");
    }

    /**
     * The released loop (scripts/fixtures/make_release_fixtures.py replays it): a skipped step returns before
     * lr_scheduler.step(), the EMA update and step += 1, so the next attempt sees the same step and learning rate.
     * Warm-up 4 of 12 steps, attempts 2, 3 and 6 non-finite.
     */
    @Test
    void skippedStepsMoveNeitherTheStepCounterNorTheScheduleNorTheEma() throws Exception {
        JsonObject f = Json(epg.TestSupport.fixture("release/schedules.json"));
        JsonArray rows = f.getAsJsonArray("skipped_cosine_w4_k12");
        Set<Long> nan = new java.util.HashSet<>();
        List<Long> steps = new ArrayList<>();
        List<Double> lrs = new ArrayList<>();
        for (var r : rows) {
            JsonObject o = r.getAsJsonObject();
            if (o.get("skipped").getAsBoolean()) nan.add(o.get("attempt").getAsLong());
            else lrs.add(o.get("lr").getAsDouble());
            steps.add(o.get("step").getAsLong());
        }
        Toy toy = new Toy(nan);
        Path dir = tmp.resolve("skips");
        long updates = rows.size() - nan.size();
        TrainState st = new Trainer(toy, toy.settings(12, LrSchedule.cosine(f.get("lr").getAsDouble(), 4, 12)),
                new RunDir(dir), "toy").run(TinyRuns.synthetic(16),
                Loader.Config.of(4, 16, Loader.Mode.FINETUNE, 0).threads(1, 1), updates, Trainer.Listener.NONE);
        assertEquals(steps, toy.steps, "the step each attempt's loss sees");
        assertEquals(updates, st.step());
        assertEquals(nan.size(), st.skipped());
        assertEquals(updates, toy.afterSteps, "EMA/momentum updates: one per update, none on a skipped step");
        List<JsonObject> log = log(dir);
        assertEquals(updates, log.size(), "one log line per update");
        for (int k = 0; k < log.size(); k++) {
            assertEquals(k + 1, log.get(k).get("step").getAsLong());
            assertEquals(lrs.get(k), log.get(k).get("lr").getAsDouble(), 1e-18, "update " + k);
        }
    }

    /** All skipped: the step never advances (as released), so the run stops at 20 in a row having written nothing. */
    @Test
    void aRunWhoseEveryStepIsSkippedFailsAndWritesNothing() {
        Dataset data = TinyRuns.synthetic(16);
        Loader.Config lc = Loader.Config.of(4, 16, Loader.Mode.FINETUNE, 0).threads(1, 1);
        Toy bad = new Toy(null);
        Path dir = tmp.resolve("all-skipped");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Trainer(bad, bad.settings(5), new RunDir(dir), "toy")
                        .run(data, lc, 5, Trainer.Listener.NONE));
        assertTrue(e.getMessage().contains("20 steps in a row") && e.getMessage().contains("(at step 0)"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("checkpoints")), "a run that learned nothing wrote a checkpoint");
    }

    @Test
    void weightsThatBecameNonFiniteAreNeverCheckpointed() {
        Dataset data = TinyRuns.synthetic(16);
        Loader.Config lc = Loader.Config.of(4, 16, Loader.Mode.FINETUNE, 0).threads(1, 1);
        Toy toy = new Toy(Set.of());
        toy.lr = Double.POSITIVE_INFINITY; // the first step sends w to -inf; the later ones are skipped
        Path dir = tmp.resolve("inf");
        Trainer.Settings every = toy.settings(3);
        Trainer.Settings settings = new Trainer.Settings(every.schedule(), every.lr(), every.adam(), 0,
                Precision.FP32, every.run().withCheckpointEvery(1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Trainer(toy, settings, new RunDir(dir), "toy").run(data, lc, 3, Trainer.Listener.NONE));
        assertTrue(e.getMessage().contains("no longer finite at step 1"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("checkpoints")), "non-finite weights were checkpointed");
    }

    /** A one-parameter stage: loss = w², or NaN at the given attempts (0-based loss calls; all when null). */
    private static final class Toy extends Module implements Stage {
        final Tensor w = parameter("w", Torch.ones(1));
        private final Set<Long> nanAttempts;
        final List<Long> steps = new ArrayList<>();
        long afterSteps;
        double lr = 0.1;

        Toy(Set<Long> nanAttempts) { this.nanAttempts = nanAttempts; }

        Trainer.Settings settings(long steps, LrSchedule lr) {
            AdamW.Options adam = new AdamW.Options(0.9, 0.999, 1e-8, 0, Set.of());
            RunControl run = RunControl.DEFAULTS.withLogEvery(1).withKeepCheckpoints(0);
            return new Trainer.Settings(new Schedule(4, steps, Math.min(4, steps - 1)), lr, adam, 0, Precision.FP32,
                    run);
        }

        /** A constant learning rate ({@link #lr}). */
        Trainer.Settings settings(long steps) { return settings(steps, k -> lr); }

        public Map<String, Module> modules() { return Map.of("toy", this); }
        public Map<String, Tensor> trainable() { return namedParameters(); }
        public Map<String, Rng> generators() { return Map.of(); }

        public Loss loss(Batch batch, long step) {
            long attempt = steps.size();
            steps.add(step);
            Tensor l = w.square().sum();
            if (nanAttempts == null || nanAttempts.contains(attempt)) l = l.mul(Torch.scalar(Double.NaN));
            return new Loss(l, Map.of(), Map.of());
        }

        @Override
        public void afterStep(long step) { afterSteps++; }
    }

    private static Map<String, float[]> run(PretrainConfig cfg, Dataset data, Path dir, long stopAt) throws Exception {
        try (Scope s = Scope.open()) {
            PretrainStage stage = new PretrainStage(cfg);
            Trainer t = new Trainer(stage, cfg.trainerSettings(), new RunDir(dir), cfg);
            t.run(data, cfg.loaderConfig(), stopAt, Trainer.Listener.NONE);
            Map<String, float[]> out = new LinkedHashMap<>();
            stage.modules().forEach((name, m) -> m.stateDict().forEach((k, v) ->
                    out.put(name + "." + k, Torch.toFloats(v))));
            t.optimizer().state().forEach((k, v) -> out.put("opt." + k, Torch.toFloats(v)));
            return out;
        }
    }

    private static Map<String, Tensor> clone(Map<String, Tensor> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.detach().clone()));
        return out;
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
        return d;
    }

    private static List<JsonObject> log(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve(RunDir.LOG)).stream().map(l -> JsonParser.parseString(l)
                .getAsJsonObject()).toList();
    }

    private static JsonObject Json(Path f) throws Exception {
        return JsonParser.parseString(Files.readString(f)).getAsJsonObject();
    }
}
