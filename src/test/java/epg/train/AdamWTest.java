// epg.train.AdamW against torch.optim.AdamW trajectories (scripts/fixtures/make_adamw_fixtures.py).
package epg.train;

import epg.tensor.Checkpoints;
import epg.tensor.Scope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static epg.TestSupport.assertClose;
import static epg.TestSupport.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AdamWTest {
    @Test
    void matchesPyTorchWithDecayGroupsAndChangingLearningRate() throws Exception {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> f = Checkpoints.readTensors(fixture("train/adamw.safetensors"));
            Tensor w = f.get("w0").clone(), b = f.get("b0").clone();
            w.requires_grad_(true);
            b.requires_grad_(true);
            Map<String, Tensor> params = new LinkedHashMap<>();
            params.put("w", w);
            params.put("pos_embed", b);
            AdamW opt = new AdamW(params, new AdamW.Options(0.9, 0.95, 1e-8, 0.03, Set.of("pos_embed")));
            double[] lrs = {1e-3, 5e-4, 2e-3};
            for (int step = 0; step < 3; step++) {
                w.mutable_grad().put(f.get("gw" + step).clone());
                b.mutable_grad().put(f.get("gb" + step).clone());
                opt.step(lrs[step]);
                opt.zeroGrad();
            }
            assertEquals(3, opt.stepCount());
            assertClose(w, f.get("w3"), 1e-6, "decayed parameter");
            assertClose(b, f.get("b3"), 1e-6, "no-decay parameter");
            assertClose(opt.state().get("exp_avg_sq.w"), f.get("exp_avg_sq_w"), 1e-6, "second moment");
        }
    }
}
