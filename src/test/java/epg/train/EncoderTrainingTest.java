// Paper Table 13: layer-wise lr decay as the release's param_groups_lrd, its AdamW groups, and a frozen encoder.
package epg.train;

import epg.TinyRuns;
import epg.config.ModelConfig;
import epg.nn.EpgModel;
import epg.nn.Init;
import epg.nn.ModelFile;
import epg.nn.RcmEncoder;
import epg.tensor.Checkpoints;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static epg.train.Task.DIFFUSION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncoderTrainingTest {
    @TempDir Path tmp;

    /** An EPG network of 2 encoder blocks and 1 decoder block (width 32 ≠ 48: encoder_to_decoder exists). */
    private static EpgModel twoBlocks() {
        TinyRuns.oneThread();
        return new EpgModel(ModelConfig.builder("EPG-lrd", ModelConfig.Kind.EPG).image(16, 4).channels(1)
                .encoder(2, 32, 2).decoder(1, 48, 2).classes(4).build());
    }

    @Test
    void encoderModeGivesTheReleasesLayerScales() {
        try (Scope s = Scope.open()) {
            Map<String, Double> f = new LayerDecay(0.5, LayerDecay.Mode.ENCODER)
                    .scales(twoBlocks().namedParameters().keySet(), 2, 1);
            // encoder_lrd: T = depth + 1 = 3, scale = 0.5^(3 − id); embeddings id 0, blocks.i id i + 1, rest id 3
            for (String k : new String[]{"cls_token", "pos_embed", "patch_embed.proj.weight", "patch_embed.proj.bias"})
                assertEquals(0.125, f.get(k), 0, k);
            assertEquals(0.25, f.get("blocks.0.attn.qkv.weight"), 0);
            assertEquals(0.25, f.get("blocks.0.norm1.bias"), 0);
            assertEquals(0.5, f.get("blocks.1.mlp.fc2.weight"), 0);
            for (String k : new String[]{"norm.weight", "decoder_blocks.0.attn.qkv.weight", "encoder_to_decoder.weight",
                    "out_norm.bias", "out.weight", "class_embed.weight"})
                assertEquals(1.0, f.get(k), 0, k);
        }
    }

    @Test
    void allModeAlsoDecaysTheDecoderBlocks() {
        try (Scope s = Scope.open()) {
            Map<String, Double> f = new LayerDecay(0.5, LayerDecay.Mode.ALL)
                    .scales(twoBlocks().namedParameters().keySet(), 2, 1);
            // all_lrd: T = 2 + 1 + 1 = 4; norm takes the last encoder block's id (2), decoder_blocks.j id 3 + j
            assertEquals(1 / 16.0, f.get("pos_embed"), 0);
            assertEquals(1 / 8.0, f.get("blocks.0.mlp.fc1.bias"), 0);
            assertEquals(1 / 4.0, f.get("blocks.1.attn.proj.weight"), 0);
            assertEquals(1 / 4.0, f.get("norm.bias"), 0);
            assertEquals(1 / 2.0, f.get("decoder_blocks.0.mlp.fc1.weight"), 0);
            assertEquals(1.0, f.get("out.bias"), 0);
            assertEquals(1.0, f.get("class_embed.weight"), 0);
        }
    }

    @Test
    void adamWUsesEachParametersFactorInItsStepAndItsDecay() {
        try (Scope s = Scope.open()) {
            float[] start = {1.0f, -2.0f}, grad = {0.5f, -0.25f};
            Map<String, Tensor> params = new LinkedHashMap<>();
            for (String name : new String[]{"full", "quarter", "default"}) {
                Tensor p = Torch.fromFloats(start, 2);
                p.requires_grad_(true);
                p.mutable_grad().put(Torch.fromFloats(grad, 2));
                params.put(name, p);
            }
            double lr = 0.1, wd = 0.1;
            AdamW adam = new AdamW(params, new AdamW.Options(0.9, 0.999, 1e-8, wd, Set.of()),
                    Map.of("full", 1.0, "quarter", 0.25));
            adam.step(lr);
            // first Adam step: m̂ = g, v̂ = g², so p ← p·(1 − lr·f·wd) − lr·f·g/(|g| + ε)
            for (String name : params.keySet()) {
                double f = name.equals("quarter") ? 0.25 : 1.0;
                float[] got = Torch.toFloats(params.get(name));
                for (int i = 0; i < 2; i++) {
                    double want = start[i] * (1 - lr * f * wd) - lr * f * grad[i] / (Math.abs(grad[i]) + 1e-8);
                    assertEquals(want, got[i], 1e-6, name + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void theStageHandsTheTrainerTheLayerScalesOfItsConfig() throws Exception {
        try (Scope s = Scope.open()) {
            FinetuneConfig cfg = TinyRuns.finetune(DIFFUSION, "scratch", 4, 8, 4);
            assertEquals(Map.of(), new DiffusionStage(cfg).lrScales(), "off by default");
            DiffusionStage stage = new DiffusionStage(cfg.withEncoder(new EncoderTraining(false, 0.5, null)));
            Map<String, Double> f = stage.lrScales();
            // TinyRuns.epg(): one encoder block, T = 2
            assertEquals(0.25, f.get("patch_embed.proj.weight"), 0);
            assertEquals(0.5, f.get("blocks.0.attn.qkv.weight"), 0);
            assertEquals(1.0, f.get("decoder_blocks.0.attn.qkv.weight"), 0);
            assertEquals(stage.trainable().keySet(), f.keySet());
        }
    }

    @Test
    void aFrozenEncoderKeepsItsPreTrainedWeightsWhileTheDecoderTrains() throws Exception {
        try (Scope s = Scope.open()) {
            Path init = encoderFile();
            FinetuneConfig cfg = TinyRuns.finetune(DIFFUSION, init.toString(), 3, 8, 3)
                    .withEncoder(EncoderTraining.DEFAULT.withFreezeEncoder(true));
            DiffusionStage stage = new DiffusionStage(cfg);
            Map<String, Tensor> file = Checkpoints.readTensors(init);
            Map<String, float[]> decoderBefore = new LinkedHashMap<>();
            stage.net().online().namedParameters().forEach((k, v) -> {
                if (!EncoderTraining.inEncoder(k)) decoderBefore.put(k, Torch.toFloats(v));
            });
            Trainer t = new Trainer(stage, cfg.trainerSettings(), new RunDir(tmp.resolve("frozen")), cfg);
            t.run(TinyRuns.synthetic(16), cfg.loaderConfig(), 3, Trainer.Listener.NONE);
            int encoderTensors = 0;
            for (var e : stage.net().online().namedParameters().entrySet()) {
                if (!EncoderTraining.inEncoder(e.getKey())) continue;
                encoderTensors++;
                assertArrayEquals(Torch.toFloats(file.get(e.getKey())), Torch.toFloats(e.getValue()), 0f, e.getKey());
                assertArrayEquals(Torch.toFloats(file.get(e.getKey())),
                        Torch.toFloats(stage.net().ema().namedParameters().get(e.getKey())), 0f, "EMA " + e.getKey());
                assertFalse(e.getValue().grad().defined(), e.getKey() + " has a gradient");
            }
            assertEquals(4 + 11 + 2, encoderTensors); // cls, pos, patch w/b; 11 in the block (qkv: no bias); norm w/b
            double moved = 0;
            for (var e : decoderBefore.entrySet())
                moved = Math.max(moved, maxDiff(e.getValue(), Torch.toFloats(stage.net().online().namedParameters()
                        .get(e.getKey()))));
            assertTrue(moved > 1e-5, "the decoder did not train: the test could not fail");
            assertTrue(t.optimizer().state().keySet().stream().noneMatch(k -> k.contains("blocks.0.")
                    && !k.contains("decoder")), "the optimiser holds state for the frozen encoder");
            String json = Files.readString(tmp.resolve("frozen").resolve(RunDir.CONFIG));
            assertTrue(json.contains("\"freezeEncoder\": true") && json.contains("\"lrd\": 0.0")
                    && json.contains("\"lrdMode\": \"encoder\""), json);
        }
    }

    @Test
    void contradictoryOrHopelessSettingsAreRefused() {
        FinetuneConfig cfg = TinyRuns.finetune(DIFFUSION, "scratch", 4, 8, 4);
        var e = assertThrows(IllegalArgumentException.class,
                () -> cfg.withEncoder(EncoderTraining.DEFAULT.withFreezeEncoder(true)));
        assertTrue(e.getMessage().contains("--init FILE"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EncoderTraining(true, 0.5, null));
        assertThrows(IllegalArgumentException.class, () -> new EncoderTraining(false, 1.5, null));
        assertThrows(IllegalArgumentException.class, () -> new EncoderTraining(false, 0.5, "decoder"));
    }

    /** A tiny RCM encoder file of the TinyRuns shape, randomly initialised. */
    private Path encoderFile() {
        Path f = tmp.resolve("encoder.safetensors");
        try (Scope s = Scope.open()) {
            RcmEncoder e = new RcmEncoder(TinyRuns.rcm());
            Init.rcm(e, new Rng(5));
            ModelFile.save(f, e, Map.of());
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return f;
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }
}
