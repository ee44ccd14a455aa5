// Flat parameter buffers: backward fills the flat gradient buffer, and training on it equals the per-tensor path.
package epg.train;

import epg.TinyRuns;
import epg.nn.EpgModel;
import epg.nn.FlatParameters;
import epg.nn.Init;
import epg.nn.Module;
import epg.nn.VitEncoder;
import epg.tensor.Checkpoints;
import epg.tensor.Rng;
import epg.tensor.Safetensors;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static epg.TestSupport.assertClose;
import static epg.TestSupport.assertSameTensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlatParametersTest {
    @TempDir Path tmp;

    /**
     * Flattening moves every parameter into the flat buffer and frees its construction-time storage at once, not when
     * the garbage collector next runs: after it, only this test's own alias of each parameter still holds that storage.
     */
    @Test
    void flatteningLeavesNoHandleOnTheConstructionStorages() {
        EpgModel m = new EpgModel(TinyRuns.epg());
        Map<String, Tensor> probes = new LinkedHashMap<>();
        m.namedParameters().forEach((name, p) -> probes.put(name, p.detach()));   // shares p's storage
        probes.forEach((name, t) -> assertEquals(2, t.storage().use_count(), name + ": the parameter and the probe"));
        FlatParameters.flatten(m);
        probes.forEach((name, t) -> assertEquals(1, t.storage().use_count(), name + ": the probe alone"));
    }

    private static EpgModel model(long seed) {
        EpgModel m = new EpgModel(TinyRuns.epg().withDropout(0, 0));
        Init.epg(m, new Rng(seed));
        perturb(m);
        return m;
    }

    /** Non-zero head and adaLN weights, so that every parameter gets a gradient. */
    private static void perturb(EpgModel m) {
        try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
            Rng r = new Rng(7);
            m.namedParameters().forEach((k, v) -> {
                if (k.startsWith("out.") || k.contains("adaLN"))
                    v.copy_(torch.randn(Torch.shape(v), r.optional(), Torch.options(ScalarType.Float))
                            .mul(Torch.scalar(0.1)));
            });
        }
    }

    private static Tensor loss(EpgModel m, int seed) {
        Rng r = new Rng(100 + seed);
        Tensor x = torch.randn(new long[]{4, 1, 16, 16}, r.optional(), Torch.options(ScalarType.Float));
        Tensor c = torch.randn(new long[]{4}, r.optional(), Torch.options(ScalarType.Float));
        Tensor y = Torch.fromLongs(new long[]{0, 1, 2, 4}, 4);
        return m.forward(x, c, y).sub(x.mul(Torch.scalar(0.5))).square().mean();
    }

    private static Map<String, Tensor> grads(Module m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> out.put(k, v.grad().clone()));
        return out;
    }

    @Test
    void flatteningKeepsValuesNamesAndGradientsFlowIntoTheFlatBuffer() {
        try (Scope s = Scope.open()) {
            EpgModel ref = model(1), flat = model(1);
            Map<String, Tensor> before = new LinkedHashMap<>();
            flat.stateDict().forEach((k, v) -> before.put(k, v.clone()));
            FlatParameters layout = FlatParameters.flatten(flat);
            assertSameTensors(before, flat.stateDict(), "state dict after flattening");
            assertEquals(1, layout.chunks().size());
            FlatParameters.Chunk chunk = layout.chunks().get(0);
            assertEquals(flat.parameterCount(), chunk.numel());
            long base = chunk.data().data_ptr().address();
            layout.slots().forEach((name, slot) -> {
                Tensor p = flat.namedParameters().get(name);
                assertTrue(p.requires_grad(), name);
                assertEquals(base + 4 * slot.offset(), p.data_ptr().address(), name + " is a view of the buffer");
            });
            // first backward: autograd's gradients are adopted into the flat buffer
            Gradients g = new Gradients(flat.namedParameters(), List.of(layout));
            loss(ref, 0).backward();
            loss(flat, 0).backward();
            g.collect();
            assertEquals(1, g.spans().size(), "one span covers every parameter");
            assertTrue(g.loose().isEmpty());
            Map<String, Tensor> want = grads(ref);
            assertSameTensors(want, grads(flat), "adopted gradients");
            assertTrue(chunk.grad().equal(flatConcat(want, layout)), "flat gradient buffer");
            // zeroing keeps the views; the next backward accumulates into them in place
            int version = g.version();
            g.zero();
            flat.namedParameters().values().forEach(p -> assertTrue(p.grad().defined()));
            assertEquals(0, chunk.grad().abs().sum().item_double());
            ref.namedParameters().values().forEach(p -> p.mutable_grad().put(new Tensor()));
            loss(ref, 1).backward();
            loss(flat, 1).backward();
            loss(ref, 2).backward();
            loss(flat, 2).backward();
            g.collect();
            assertEquals(version, g.version(), "no gradient was replaced");
            assertTrue(chunk.grad().equal(flatConcat(grads(ref), layout)), "accumulated in the flat buffer");
        }
    }

    private static Tensor flatConcat(Map<String, Tensor> byName, FlatParameters layout) {
        org.bytedeco.pytorch.TensorVector parts = new org.bytedeco.pytorch.TensorVector();
        layout.slots().keySet().forEach(k -> parts.push_back(byName.get(k).reshape(-1)));
        return torch.cat(parts);
    }

    @Test
    void stateDictsSaveAndLoadThroughTheFlatBuffer() throws Exception {
        try (Scope s = Scope.open()) {
            EpgModel a = model(1), b = model(2);
            FlatParameters.flatten(a);
            FlatParameters fb = FlatParameters.flatten(b);
            Path file = tmp.resolve("a.safetensors");
            Safetensors.write(file, a.stateDict(), Map.of());
            Map<String, Tensor> read = Checkpoints.readTensors(file);
            assertSameTensors(a.stateDict(), read, "saved flat model");
            b.load(read, true);
            assertSameTensors(a.stateDict(), b.stateDict(), "loaded into a flat model");
            assertTrue(fb.chunks().get(0).data().equal(FlatParameters.flatten(a).chunks().get(0).data()),
                    "the load wrote the flat buffer");
        }
    }

    /** Everything the optimiser's side of a step does, per tensor or flat, on twin models. */
    private static final class Twin {
        final EpgModel online = model(3), ema = model(3);
        final AdamW adam;
        final Ema average;

        Twin(ParameterLayout layout) { this(layout, AdamW.WINDOW); }

        Twin(ParameterLayout layout, long window) {
            average = new Ema(online, ema, 0.9, true);
            Map<String, Tensor> params = online.namedParameters();
            Map<String, Double> scales = new LayerDecay(0.5, LayerDecay.Mode.ALL).scales(params.keySet(),
                    online.config.depth(), online.config.decoderDepth());
            adam = AdamW.of(params, new AdamW.Options(0.9, 0.95, 1e-8, 0.05, VitEncoder.NO_WEIGHT_DECAY), scales,
                    List.of(online, ema), layout).window(window);
        }

        void step(int k) {
            double scale = 1024;
            loss(online, k).mul(Torch.scalar(scale)).backward();
            Gradients g = adam.gradients();
            g.collect();
            g.scale(1 / scale);
            double norm = g.norm();
            g.clip(norm, k % 2 == 0 ? norm / 3 : 1e9);
            adam.step(1e-3 * (k + 1));
            adam.zeroGrad();
            average.update();
        }
    }

    @Test
    void flatTrainingEqualsPerTensorTraining() {
        try (Scope s = Scope.open()) {
            Twin ref = new Twin(ParameterLayout.PER_PARAMETER), flat = new Twin(ParameterLayout.FLAT);
            Twin windows = new Twin(ParameterLayout.FLAT, 37);  // windows that cut parameters and decay runs
            assertNotNull(flat.online.flatParameters());
            for (int k = 0; k < 6; k++) {
                try (Scope step = Scope.open()) {
                    ref.step(k);
                    flat.step(k);
                    windows.step(k);
                }
            }
            for (Map.Entry<String, Tensor> e : flat.online.namedParameters().entrySet())
                assertTrue(e.getValue().equal(windows.online.namedParameters().get(e.getKey())), "windowed " + e.getKey());
            for (Map.Entry<String, Tensor> e : flat.adam.state().entrySet())
                assertTrue(e.getValue().equal(windows.adam.state().get(e.getKey())), "windowed " + e.getKey());
            assertTrue(flat.average.flat(), "the EMA ran on the flat buffers");
            assertFalse(ref.average.flat());
            double worst = 0;
            for (String k : ref.online.namedParameters().keySet()) {
                worst = Math.max(worst, close(ref.online.namedParameters().get(k),
                        flat.online.namedParameters().get(k), "online " + k));
                worst = Math.max(worst, close(ref.ema.namedParameters().get(k), flat.ema.namedParameters().get(k),
                        "ema " + k));
            }
            for (Map.Entry<String, Tensor> e : ref.adam.state().entrySet())
                worst = Math.max(worst, close(e.getValue(), flat.adam.state().get(e.getKey()), e.getKey()));
            System.out.println("flat vs per-tensor: largest relative difference " + worst);
        }
    }

    /** A diffusion run with layer decay (all), clipping and EMA, in the given layout, up to {@code stopAt}. */
    private static Map<String, float[]> train(ParameterLayout layout, Path dir, long stopAt) throws Exception {
        String before = System.getProperty(ParameterLayout.PROPERTY);
        System.setProperty(ParameterLayout.PROPERTY, layout == ParameterLayout.FLAT ? "flat" : "per-parameter");
        try (Scope s = Scope.open()) {
            FinetuneConfig c = TinyRuns.finetune(Task.DIFFUSION, "scratch", 6, 8, 3);
            FinetuneConfig cfg = c.withModel(c.model().withDropout(0, 0))
                    .withEncoder(new EncoderTraining(false, 0.5, "all"));
            DiffusionStage stage = new DiffusionStage(cfg);
            Trainer t = new Trainer(stage, cfg.trainerSettings(), new RunDir(dir), cfg);
            t.run(TinyRuns.synthetic(24), cfg.loaderConfig(), stopAt, Trainer.Listener.NONE);
            assertEquals(layout == ParameterLayout.FLAT, stage.modules().get(FinetunedModel.ONLINE)
                    .flatParameters() != null, "layout of the online network");
            Map<String, float[]> out = new LinkedHashMap<>();
            stage.modules().forEach((name, m) -> m.stateDict().forEach((k, v) -> out.put(name + "." + k,
                    Torch.toFloats(v))));
            t.optimizer().state().forEach((k, v) -> out.put("opt." + k, Torch.toFloats(v)));
            return out;
        } finally {
            if (before == null) System.clearProperty(ParameterLayout.PROPERTY);
            else System.setProperty(ParameterLayout.PROPERTY, before);
        }
    }

    @Test
    void theTrainerGivesTheSameRunInBothLayoutsAndResumesAcrossThem() throws Exception {
        Map<String, float[]> perTensor = train(ParameterLayout.PER_PARAMETER, tmp.resolve("a"), 6);
        Map<String, float[]> flat = train(ParameterLayout.FLAT, tmp.resolve("b"), 6);
        train(ParameterLayout.PER_PARAMETER, tmp.resolve("c"), 3);
        Map<String, float[]> mixed = train(ParameterLayout.FLAT, tmp.resolve("c"), 6);
        assertEquals(perTensor.keySet(), flat.keySet());
        perTensor.forEach((k, v) -> {
            org.junit.jupiter.api.Assertions.assertArrayEquals(v, flat.get(k), 1e-6f * (1 + maxAbs(v)), k);
            org.junit.jupiter.api.Assertions.assertArrayEquals(v, mixed.get(k), 1e-6f * (1 + maxAbs(v)), k);
        });
        assertFalse(java.util.Arrays.equals(perTensor.get("online.blocks.0.attn.qkv.weight"),
                train(ParameterLayout.FLAT, tmp.resolve("d"), 1).get("online.blocks.0.attn.qkv.weight")));
    }

    private static float maxAbs(float[] v) {
        float m = 0;
        for (float x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    /** Three parameters; the loss leaves b out. */
    private static final class Three extends Module {
        final Tensor a = parameter("a", Torch.fromFloats(new float[]{1, -2, 3}, 3)),
                b = parameter("b", Torch.fromFloats(new float[]{4, 5}, 2)),
                c = parameter("c", Torch.fromFloats(new float[]{-1, 0.5f, 2, 1}, 4));

        Tensor loss() { return a.mul(a).sum().add(c.mul(Torch.scalar(2)).sum()); }
    }

    private static Three stepped(ParameterLayout layout) {
        Three m = new Three();
        AdamW adam = AdamW.of(m.namedParameters(), new AdamW.Options(0.9, 0.999, 1e-8, 0.1, java.util.Set.of()),
                Map.of(), List.of(m), layout);
        for (int k = 0; k < 2; k++) {
            m.loss().backward();
            adam.gradients().collect();
            adam.step(0.1);
            adam.zeroGrad();
        }
        boolean flat = layout == ParameterLayout.FLAT;
        assertEquals(flat ? List.of("b") : List.of("a", "b", "c"), adam.gradients().loose());
        assertEquals(flat ? 2 : 0, adam.gradients().spans().size(), "a and c, not adjacent");
        return m;
    }

    @Test
    void aParameterWithoutGradientIsLeftAloneAndTakesAnAveragedOne() {
        try (Scope s = Scope.open()) {
            Three ref = stepped(ParameterLayout.PER_PARAMETER), flat = stepped(ParameterLayout.FLAT);
            assertSameTensors(ref.stateDict(), flat.stateDict(), "after two steps");
            assertTrue(flat.b.equal(Torch.fromFloats(new float[]{4, 5}, 2)), "no decay without a gradient");
            // another rank's gradient of b arrives through the all-reduce of the flat buffer
            Gradients g = new Gradients(flat.namedParameters(), List.of(flat.flatParameters()));
            g.adoptAveraged();
            assertEquals(List.of("b"), g.loose());
            flat.flatParameters().chunks().get(0).grad().narrow(0, 3, 2).fill_(new org.bytedeco.pytorch.Scalar(0.5));
            g.adoptAveraged();
            assertTrue(g.loose().isEmpty());
            assertEquals(1, g.spans().size(), "a, b, c adjacent");
            assertTrue(flat.b.grad().equal(Torch.fromFloats(new float[]{0.5f, 0.5f}, 2)));
        }
    }

    private static double close(Tensor want, Tensor got, String what) {
        double err = epg.TestSupport.relativeError(got, want);
        assertClose(got, want, 1e-6, what);
        return err;
    }
}
