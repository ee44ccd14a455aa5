// Spec §2, golden test: the Java networks reproduce an independent PyTorch build (fixtures/make_nn_fixtures.py).
package epg.nn;

import epg.config.ModelConfig;
import epg.config.ModelConfig.Kind;
import epg.tensor.Checkpoints;
import epg.tensor.Scope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static epg.TestSupport.assertClose;
import static epg.TestSupport.fixture;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldenNetworkTest {
    static ModelConfig epg(boolean fused) {
        return new ModelConfig("golden", Kind.EPG, 32, 4, 3, 2, 64, 4, 2, 96, 4, 10, 4, 0, 0, 0, 0, 0, fused);
    }

    static ModelConfig rcm(boolean fused) {
        return new ModelConfig("golden", Kind.RCM, 32, 4, 3, 2, 64, 4, 0, 0, 0, 10, 4, 128, 32, 3, 0, 0, fused);
    }

    @ParameterizedTest
    @CsvSource({"epg.pth,true", "epg.safetensors,true", "epg.pth,false", "epg.safetensors,false"})
    void epgModelMatchesPyTorch(String file, boolean fused) throws Exception {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> io = Checkpoints.readTensors(fixture("nn/io.safetensors"));
            EpgModel m = new EpgModel(epg(fused));
            assertTrue(m.load(Checkpoints.readTensors(fixture("nn/" + file)), true).clean());
            m.eval();
            assertClose(m.forward(io.get("x"), io.get("c"), io.get("y")), io.get("epg_out"), 1e-5, "EPG forward from "
                    + file);
        }
    }

    @ParameterizedTest
    @CsvSource({"rcm.pth,true", "rcm.safetensors,false"})
    void rcmEncoderMatchesPyTorch(String file, boolean fused) throws Exception {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> io = Checkpoints.readTensors(fixture("nn/io.safetensors"));
            RcmEncoder m = new RcmEncoder(rcm(fused));
            assertTrue(m.load(Checkpoints.readTensors(fixture("nn/" + file)), true).clean());
            m.eval();
            RcmEncoder.Output eval = m.forward(io.get("x"), io.get("c"));
            assertClose(eval.h(), io.get("rcm_h"), 1e-5, "RCM h");
            assertClose(eval.proj(), io.get("rcm_proj_eval"), 1e-5, "RCM projection (running statistics)");
            m.train(true);
            assertClose(m.forward(io.get("x"), io.get("c")).proj(), io.get("rcm_proj_train"), 1e-5,
                    "RCM projection (batch statistics)");
        }
    }

    @org.junit.jupiter.api.Test
    void posEmbedResizesLikeTorchInterpolateBicubic() throws Exception {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> io = Checkpoints.readTensors(fixture("nn/io.safetensors"));
            Tensor pe = Checkpoints.readTensors(fixture("nn/epg.safetensors")).get("pos_embed");
            assertClose(PosEmbed.resize(pe, 12), io.get("pos_resized"), 1e-5, "bicubic pos_embed 8x8 -> 12x12");
        }
    }

    @org.junit.jupiter.api.Test
    void rcmEncoderLoadsIntoEpgModelNonStrictlyAndWrongShapesAreNamed() throws Exception {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> rcmWeights = Checkpoints.readTensors(fixture("nn/rcm.safetensors"));
            EpgModel m = new EpgModel(epg(true));
            var strict = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () ->
                    m.load(rcmWeights, true));
            assertTrue(strict.getMessage().contains("decoder_blocks.0.skip_linear.weight")
                    && strict.getMessage().contains("non-strictly"), strict.getMessage());
            LoadReport r = m.load(rcmWeights, false);
            assertTrue(r.unexpected().stream().allMatch(k -> k.startsWith("projection_head."))
                    && r.unexpected().size() == 13, r.toString());
            assertTrue(r.missing().contains("class_embed.weight") && r.missing().stream()
                    .noneMatch(k -> k.startsWith("blocks.")), r.toString());
            assertClose(m.blocks.items().get(1).mlp.fc2.weight, rcmWeights.get("blocks.1.mlp.fc2.weight"), 0,
                    "encoder weight copied");
            Map<String, Tensor> wrong = new java.util.HashMap<>(Checkpoints.readTensors(fixture("nn/epg.safetensors")));
            wrong.put("out.weight", epg.tensor.Torch.zeros(48, 95));
            var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () ->
                    m.load(wrong, false));
            assertTrue(e.getMessage().contains("out.weight (expected [48, 96], found [48, 95])"), e.getMessage());
        }
    }
}
