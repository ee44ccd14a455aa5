// Spec §2.2 initialisation, adaLN-Zero (DiT's initialize_weights): each decoder block starts as the identity on its
// skip-merged input and the network's output starts at 0, whatever the parameters held before.
package epg.nn;

import epg.TinyRuns;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitTest {
    @Test
    void adaLnZeroSilencesEveryResidualBranchAndTheOutput() {
        try (Scope s = Scope.open(); NoGradGuard g = new NoGradGuard()) {
            EpgModel m = new EpgModel(TinyRuns.epg());
            m.namedParameters().values().forEach(t -> t.fill_(Torch.scalar(0.5))); // no help from construction zeros
            Init.epg(m, new Rng(3));
            m.eval();
            Rng rng = new Rng(1);
            Tensor x = torch.randn(new long[]{2, 1, 16, 16}, rng.optional(), Torch.options(ScalarType.Float));
            Tensor c = Torch.fromFloats(new float[]{1f, -2f}, 2);
            Tensor y = Torch.fromLongs(new long[]{0, 3}, 2);
            Tensor out = m.forward(x, c, y); // [2, 1, 16, 16]
            assertEquals(0.0, out.abs().max().item_double(), 0.0, "the zero output head");

            DecoderBlock b = m.decoderBlocks.items().get(0);
            int d = TinyRuns.epg().decoderDim();
            Tensor h = torch.randn(new long[]{2, 18, d}, rng.optional(), Torch.options(ScalarType.Float));
            Tensor cond = torch.randn(new long[]{2, 1, d}, rng.optional(), Torch.options(ScalarType.Float));
            Tensor skip = torch.randn(new long[]{2, 18, d}, rng.optional(), Torch.options(ScalarType.Float));
            Tensor before = b.forward(h, cond, skip);
            for (Linear l : new Linear[]{b.attn.qkv, b.attn.proj, b.mlp.fc1, b.mlp.fc2})
                l.weight.fill_(Torch.scalar(3.0));
            assertTrue(before.equal(b.forward(h, cond, skip)), "attention and MLP are gated off (gates 0)");
        }
    }
}
