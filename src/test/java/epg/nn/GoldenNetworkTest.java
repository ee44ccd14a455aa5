// Issue 2 golden test: the Java networks reproduce an independent PyTorch build of spec §2 (scripts/fixtures/make_nn_fixtures.py).
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
            assertClose(m.forward(io.get("x"), io.get("c"), io.get("y")), io.get("epg_out"), 1e-5, "EPG forward from " + file);
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
            assertClose(m.forward(io.get("x"), io.get("c")).proj(), io.get("rcm_proj_train"), 1e-5, "RCM projection (batch statistics)");
        }
    }
}
