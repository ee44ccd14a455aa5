// Spec §4–§5: fine-tuning losses at init by hand, replayed dropout mask, frozen encoder, exact resume, model files.
package epg.train;

import epg.TinyRuns;
import epg.data.Batch;
import epg.data.BatchTensors;
import epg.data.Dataset;
import epg.data.Loader;
import epg.diffusion.EctTimePair;
import epg.diffusion.Preconditioning;
import epg.diffusion.SnappedLognormal;
import epg.nn.EpgModel;
import epg.nn.Init;
import epg.nn.ModelFile;
import epg.nn.RcmEncoder;
import epg.sample.ModelDenoiser;
import epg.tensor.Checkpoints;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static epg.train.Task.CONSISTENCY;
import static epg.train.Task.DIFFUSION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FinetuneTest {
    @TempDir Path tmp;

    /** The first batch the loader gives for {@code cfg}. */
    private static Batch firstBatch(FinetuneConfig cfg, Dataset data) throws Exception {
        try (Loader l = new Loader(data, cfg.loaderConfig())) { return l.next(); }
    }

    /** The same standard normal draws the stage takes first from its noise generator (seed-derived stream 2). */
    private static double[] firstNormals(FinetuneConfig cfg, int b) {
        Rng r = new Rng(Rng.derive(cfg.seed(), 2));
        return Torch.toDoubles(torch.randn(new long[]{b}, r.optional(), Torch.options(ScalarType.Double)));
    }

    private static double meanSquare(float[] x, int from, int len) {
        double s = 0;
        for (int k = from; k < from + len; k++) s += (double) x[k] * x[k];
        return s / len;
    }

    @Test
    void diffusionLossAtInitialisationIsTheWeightedMeanSquareOfTheData() throws Exception {
        // the output head starts at zero, so D = F = 0 and each sample's loss is w_i·mean(x²)
        try (Scope s = Scope.open()) {
            FinetuneConfig cfg = TinyRuns.finetune(DIFFUSION, "scratch", 10, 8, 10);
            Batch batch = firstBatch(cfg, TinyRuns.synthetic(16));
            double[] z = firstNormals(cfg, 8);
            SnappedLognormal levels = SnappedLognormal.released();
            double expected = 0;
            for (int b = 0; b < 8; b++)
                expected += levels.weight(levels.index(z[b])) * meanSquare(batch.clean(), b * 256, 256) / 8;
            double loss = new DiffusionStage(cfg).loss(batch, 0).total().item_double();
            assertEquals(expected, loss, 1e-5 * expected);
        }
    }

    @Test
    void consistencyLossAtInitialisationFollowsTheSkipConnectionByHand() throws Exception {
        // F = 0 at initialisation: D(x_t) = c_skip(t)·(x + ε·t); loss_b = pseudo-Huber(D_t − D_r)/(t − r)
        try (Scope s = Scope.open()) {
            FinetuneConfig c = TinyRuns.finetune(CONSISTENCY, "scratch", 10, 8, 10);
            FinetuneConfig cfg = withAux(c, 0);
            Batch batch = firstBatch(cfg, TinyRuns.synthetic(16));
            Rng r = new Rng(Rng.derive(cfg.seed(), 2));
            double[] z = Torch.toDoubles(torch.randn(new long[]{8}, r.optional(), Torch.options(ScalarType.Double)));
            float[] eps = Torch.toFloats(torch.randn(batch.shape(), r.optional(), Torch.options(ScalarType.Float)));
            double shift = cfg.model().shift(), expected = 0;
            for (int b = 0; b < 8; b++) {
                double t = cfg.consistency().timePair().t(z[b]), rr = cfg.consistency().timePair().r(t, 0);
                t *= shift;
                rr *= shift;
                double d = 0;
                for (int k = b * 256; k < (b + 1) * 256; k++) {
                    double x = batch.clean()[k];
                    double diff = Preconditioning.cSkip(t, shift) * (x + eps[k] * t)
                            - Preconditioning.cSkip(rr, shift) * (x + eps[k] * rr);
                    d += diff * diff;
                }
                expected += (t > rr ? d / Math.sqrt(d + 0.06 * 0.06) / (t - rr) : 0) / 8;
            }
            double loss = new ConsistencyStage(cfg).loss(batch, 0).total().item_double();
            assertEquals(expected, loss, 2e-4 * Math.abs(expected));
        }
    }

    @Test
    void theTargetReplaysTheOnlinePassDropoutMask() {
        try (Scope s = Scope.open()) {
            EpgModel m = new EpgModel(TinyRuns.epg().withDropout(0.5, 0));
            Init.epg(m, new Rng(3));
            perturbHead(m);
            m.train(true);
            Rng drop = new Rng(7);
            m.dropoutGenerator(drop);
            Tensor x = torch.randn(new long[]{4, 1, 16, 16}, new Rng(1).optional(), Torch.options(ScalarType.Float));
            Tensor c = torch.full(new long[]{4}, Torch.scalar(10.0)), y = BatchTensors.labels(new int[]{0, 1, 2, 3});
            Tensor state = drop.state();
            float[] online = Torch.toFloats(m.forward(x, c, y));
            drop.setState(state);
            float[] target;
            try (NoGradGuard g = new NoGradGuard()) { target = Torch.toFloats(m.forward(x, c, y)); }
            assertArrayEquals(online, target, 0f, "r = t with the same mask must give the online output");
            float[] fresh = Torch.toFloats(m.forward(x, c, y)); // a new mask
            assertTrue(maxDiff(online, fresh) > 1e-4, "dropout had no effect: the test could not fail");
        }
    }

    @Test
    void theFrozenEncoderNeverChangesAndTakesNoGradient() throws Exception {
        try (Scope s = Scope.open()) {
            Path rcm = pretrainedEncoder();
            FinetuneConfig cfg = TinyRuns.finetune(CONSISTENCY, rcm.toString(), 3, 8, 3);
            ConsistencyStage stage = new ConsistencyStage(cfg);
            Map<String, float[]> before = floats(stage.frozen().stateDict());
            Map<String, float[]> file = floats(Checkpoints.readTensors(rcm));
            float[] blockBefore = Torch.toFloats(stage.net().online().namedParameters()
                    .get("blocks.0.attn.qkv.weight"));
            assertArrayEquals(file.get("blocks.0.attn.qkv.weight"), blockBefore, 0f,
                    "encoder init did not load the pre-trained weights");
            new Trainer(stage, cfg.trainerSettings(), new RunDir(tmp.resolve("c")), cfg)
                    .run(TinyRuns.synthetic(16), cfg.loaderConfig(), 3, Trainer.Listener.NONE);
            floats(stage.frozen().stateDict()).forEach((k, v) -> assertArrayEquals(before.get(k), v, 0f, k));
            stage.frozen().namedParameters().forEach((k, v) -> assertFalse(v.grad().defined(), k + " has a gradient"));
            assertNotEquals(0, maxDiff(blockBefore, Torch.toFloats(stage.net().online().namedParameters()
                    .get("blocks.0.attn.qkv.weight"))));
            String log = Files.readString(tmp.resolve("c").resolve(RunDir.LOG));
            assertTrue(log.contains("\"aux\"") && log.contains("\"consistency\""), log);
        }
    }

    @Test
    void diffusionAndConsistencyResumeExactly() throws Exception {
        Path rcm = pretrainedEncoder();
        for (Task task : Task.values()) {
            FinetuneConfig cfg = TinyRuns.finetune(task, rcm.toString(), 6, 8, 3);
            Dataset data = TinyRuns.synthetic(24);
            Map<String, float[]> straight = run(cfg, data, tmp.resolve(task + "a"), 6);
            run(cfg, data, tmp.resolve(task + "b"), 3);
            Map<String, float[]> resumed = run(cfg, data, tmp.resolve(task + "b"), 6);
            assertEquals(straight.keySet(), resumed.keySet());
            straight.forEach((k, v) -> assertArrayEquals(v, resumed.get(k), 0f, task + " " + k));
        }
    }

    @Test
    void theModelFileCarriesTheEmaWeightsAndWhatSamplingNeeds() throws Exception {
        try (Scope s = Scope.open()) {
            FinetuneConfig cfg = TinyRuns.finetune(CONSISTENCY, "scratch", 2, 8, 2);
            cfg = withAux(cfg, 0);
            ConsistencyStage stage = new ConsistencyStage(cfg);
            RunDir dir = new RunDir(tmp.resolve("m"));
            new Trainer(stage, cfg.trainerSettings(), dir, cfg).run(TinyRuns.synthetic(16), cfg.loaderConfig(), 2,
                    Trainer.Listener.NONE);
            var contents = Checkpoints.read(dir.file(FinetunedModel.MODEL_FILE));
            assertEquals("consistency", contents.metadata().get(Preconditioning.METADATA_KEY));
            assertEquals("simple", contents.metadata().get("normalization")); // grey data
            assertEquals(cfg.model(), ModelFile.config(contents, dir.file(FinetunedModel.MODEL_FILE)));
            floats(stage.net().ema().stateDict()).forEach((k, v) -> assertArrayEquals(v,
                    Torch.toFloats(contents.tensors().get(k)), 0f, k));
            ModelDenoiser d = ModelDenoiser.load(dir.file(FinetunedModel.MODEL_FILE), null, null,
                    Preconditioning.Kind.DIFFUSION);
            assertEquals(Preconditioning.Kind.CONSISTENCY, d.preconditioning().kind());
            assertTrue(Files.isRegularFile(dir.file(FinetunedModel.PREVIEWS).resolve("step-0000002.png")));
        }
    }

    @Test
    void badInitFilesAreNamed() {
        FinetuneConfig cfg = TinyRuns.finetune(DIFFUSION, tmp.resolve("missing.safetensors").toString(), 2, 8, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DiffusionStage(cfg));
        assertTrue(e.getMessage().contains("missing.safetensors") && e.getMessage().contains("scratch"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> withAux(TinyRuns.finetune(CONSISTENCY, "scratch", 2, 8, 2),
                1)); // aux loss without an encoder
    }

    @Test
    void aGivenFrozenEncoderMustMatchTheAuxWeightAndTheResolution() {
        try (Scope s = Scope.open()) {
            FinetuneConfig noAux = withAux(TinyRuns.finetune(CONSISTENCY, "scratch", 2, 8, 2), 0);
            RcmEncoder fits = new RcmEncoder(TinyRuns.rcm()),
                    wrongSize = new RcmEncoder(epg.config.Presets.get("RCM-T"));
            assertThrows(IllegalArgumentException.class, () -> new ConsistencyStage(noAux,
                    epg.dist.Distributed.single(), fits));
            FinetuneConfig aux = noAux.withRcm("given").withConsistency(noAux.consistency().withAuxWeight(1));
            assertThrows(IllegalArgumentException.class, () -> new ConsistencyStage(aux, epg.dist.Distributed.single(),
                    null));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                    new ConsistencyStage(aux, epg.dist.Distributed.single(), wrongSize));
            assertTrue(e.getMessage().contains("RCM-T") && e.getMessage().contains("32 px"), e.getMessage());
        }
    }

    /**
     * The released optimiser groups: fine-tuning (both tasks) builds param_groups_wd, which exempts the model's
     * no_weight_decay() = {pos_embed, cls_token} and decays everything else, biases and norms included; pre-training
     * (group_wd False) decays every parameter. One AdamW step with zero gradients leaves exactly the decay
     * p·(1 − lr·wd).
     */
    @Test
    void weightDecayGroupsAreTheReleased() {
        try (Scope s = Scope.open()) {
            for (Task task : Task.values()) {
                FinetuneConfig cfg = FinetuneConfig.defaults(task, TinyRuns.epg(), "fashion-mnist", "scratch", 4, 10);
                Map<String, Float> after = decayedOnce(new EpgModel(cfg.model()), cfg.trainerSettings().adam(), 0.5);
                double wd = cfg.optimiser().weightDecay();
                assertEquals(1f, after.get("pos_embed"), 0f, task + ": pos_embed is exempt");
                assertEquals(1f, after.get("cls_token"), 0f, task + ": cls_token is exempt");
                for (String k : new String[]{"norm.bias", "blocks.0.norm1.weight", "out.bias", "class_embed.weight"})
                    assertEquals((float) (1 - 0.5 * wd), after.get(k), 1e-7f, task + ": " + k + " decays");
            }
            PretrainConfig pre = TinyRuns.config(5, 8, true, "constant", 5);
            Map<String, Float> after = decayedOnce(new RcmEncoder(pre.model()), pre.trainerSettings().adam(), 0.5);
            double wd = pre.optimiser().weightDecay();
            assertEquals((float) (1 - 0.5 * wd), after.get("pos_embed"), 1e-7f, "pre-training decays pos_embed");
        }
    }

    /** Every parameter set to 1 with a zero gradient, one AdamW step at lr → the value each parameter ends at. */
    private static Map<String, Float> decayedOnce(epg.nn.Module m, AdamW.Options adam, double lr) {
        Map<String, Tensor> params = m.namedParameters();
        try (NoGradGuard g = new NoGradGuard()) {
            params.values().forEach(p -> {
                p.fill_(Torch.scalar(1.0));
                p.mutable_grad().put(torch.zeros_like(p));
            });
        }
        new AdamW(params, adam).step(lr);
        Map<String, Float> out = new LinkedHashMap<>();
        params.forEach((k, p) -> out.put(k, Torch.toFloats(p.detach().flatten().narrow(0, 0, 1))[0]));
        return out;
    }

    @Test
    void labelDropoutExtremes() {
        try (Scope s = Scope.open()) {
            Tensor y = BatchTensors.labels(new int[]{0, 1, 2, 3});
            assertArrayEquals(new long[]{4, 4, 4, 4}, Torch.toLongs(LabelDropout.apply(y,
                    Torch.ones(4).mul(Torch.scalar(0.5)), 1, 4)));
            assertArrayEquals(new long[]{0, 1, 2, 3}, Torch.toLongs(LabelDropout.apply(y,
                    Torch.ones(4).mul(Torch.scalar(0.5)), 0.5, 4)));
        }
    }

    // ---- helpers

    /** A tiny RCM encoder file (RCM-tiny, 16 px grey) as stage 1 exports it. */
    private Path pretrainedEncoder() throws Exception {
        Path f = tmp.resolve("encoder.safetensors");
        if (Files.exists(f)) return f;
        try (Scope s = Scope.open()) {
            RcmEncoder e = new RcmEncoder(TinyRuns.rcm());
            Init.rcm(e, new Rng(5));
            ModelFile.save(f, e, Map.of());
        }
        return f;
    }

    private static FinetuneConfig withAux(FinetuneConfig c, double aux) {
        return c.withConsistency(c.consistency().withAuxWeight(aux));
    }

    private static Map<String, float[]> run(FinetuneConfig cfg, Dataset data, Path dir, long stopAt) throws Exception {
        try (Scope s = Scope.open()) {
            Stage stage = cfg.task() == DIFFUSION ? new DiffusionStage(cfg) : new ConsistencyStage(cfg);
            Trainer t = new Trainer(stage, cfg.trainerSettings(), new RunDir(dir), cfg);
            t.run(data, cfg.loaderConfig(), stopAt, Trainer.Listener.NONE);
            Map<String, float[]> out = new LinkedHashMap<>();
            stage.modules().forEach((name, m) -> floats(m.stateDict()).forEach((k, v) -> out.put(name + "." + k, v)));
            t.optimizer().state().forEach((k, v) -> out.put("opt." + k, Torch.toFloats(v)));
            return out;
        }
    }

    private static Map<String, float[]> floats(Map<String, Tensor> sd) {
        Map<String, float[]> out = new LinkedHashMap<>();
        sd.forEach((k, v) -> out.put(k, Torch.toFloats(v)));
        return out;
    }

    /** Gives the zero-initialised output head weights, so the network's output depends on its input. */
    private static void perturbHead(EpgModel m) {
        try (NoGradGuard g = new NoGradGuard()) {
            m.namedParameters().forEach((k, v) -> {
                if (k.startsWith("out.") || k.contains("adaLN"))
                    v.copy_(torch.randn(v.sizes().vec().get(), new Rng(k.hashCode()).optional(),
                            Torch.options(ScalarType.Float)).mul(Torch.scalar(0.1)));
            });
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
