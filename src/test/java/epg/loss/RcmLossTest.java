// Spec §3 gradient plumbing: the momentum network and the consistency target take no gradient.
package epg.loss;

import epg.TestSupport;
import epg.TinyRuns;
import epg.config.ModelConfig;
import epg.diffusion.KarrasGrid;
import epg.diffusion.Preconditioning;
import epg.nn.Init;
import epg.nn.RcmEncoder;
import epg.tensor.Checkpoints;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import epg.train.Ema;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RcmLossTest {
    private static final int I = 3, N = 11;
    private static final double TAU = 0.15, SHIFT = 0.25;

    @Test
    void momentumNetworkTakesNoGradientButTheOnlineOneDoes() {
        try (Scope s = Scope.open()) {
            ModelConfig c = TinyRuns.rcm();
            RcmEncoder online = encoder(c), momentum = new RcmEncoder(c);
            momentum.load(online.stateDict(), true);
            momentum.eval();
            new Ema(online, momentum, 0.99, false);
            Tensor[] x = inputs(c);
            RcmLoss.Terms t = new RcmLoss(online, momentum, SHIFT, NtXent.Gather.LOCAL)
                    .compute(x[0], x[1], x[2], x[3], I, N, TAU);
            assertEquals(t.contrastive().item_double() + t.consistency().item_double(), t.loss().item_double(), 1e-6);
            assertTrue(t.contrastive().item_double() > 0 && t.consistency().item_double() > 0);
            t.loss().backward();
            momentum.namedParameters().forEach((k, p) -> assertFalse(p.grad().defined(), "momentum " + k
                    + " has a gradient"));
            online.namedParameters().forEach((k, p) -> assertTrue(p.grad().defined(), "online " + k
                    + " has no gradient"));
        }
    }

    @Test
    void consistencyTargetIsStopGradient() {
        try (Scope s = Scope.open()) {
            ModelConfig c = TinyRuns.rcm();
            RcmEncoder online = encoder(c);
            Tensor[] x = inputs(c);
            RcmLoss.Terms t = new RcmLoss(online, null, SHIFT, false, true, NtXent.Gather.LOCAL)
                    .compute(x[0], x[1], x[2], x[3], I, N, TAU);
            assertEquals(0, t.contrastive().item_double(), 0);
            t.loss().backward();
            Map<String, Tensor> viaLoss = grads(online);

            // Independently: h at t = σ_3·s with gradient, target at t2 = σ_4·s detached, NT-Xent mean.
            double consistency = manual(online, x, true);
            Map<String, Tensor> stopGrad = grads(online);
            manual(online, x, false);
            Map<String, Tensor> throughTarget = grads(online);

            assertEquals(consistency, t.consistency().item_double(), 1e-5);
            double maxStop = 0, maxThrough = 0;
            for (String k : viaLoss.keySet()) {
                if (k.startsWith("projection_head")) continue; // h does not pass through the projector
                maxStop = Math.max(maxStop, maxAbs(viaLoss.get(k).sub(stopGrad.get(k))) / Math.max(1e-12,
                        maxAbs(stopGrad.get(k))));
                maxThrough = Math.max(maxThrough, maxAbs(viaLoss.get(k).sub(throughTarget.get(k))) / Math.max(1e-12,
                        maxAbs(throughTarget.get(k))));
            }
            assertTrue(maxStop < 1e-4, "gradients differ from the stop-gradient computation by " + maxStop);
            assertTrue(maxThrough > 1e-2, "a target with gradient would give the same gradients (" + maxThrough
                    + "): the check cannot fail");
        }
    }

    /**
     * The online passes run stacked in one encoder call (and the momentum ones in another); the loss and every
     * gradient must equal those of the released code's separate passes, written out here pass by pass.
     */
    @Test
    void stackedPassesGiveTheSeparatePassesLossAndGradients() {
        try (Scope s = Scope.open()) {
            ModelConfig c = TinyRuns.rcm();
            RcmEncoder online = encoder(c), momentum = encoder(c, 6); // unlike online: a swapped pass would show
            momentum.eval();
            Tensor[] x = inputs(c);
            RcmLoss.Terms t = new RcmLoss(online, momentum, SHIFT, NtXent.Gather.LOCAL)
                    .compute(x[0], x[1], x[2], x[3], I, N, TAU);
            t.loss().backward();
            Map<String, Tensor> stacked = grads(online);

            long b = x[0].size(0);
            double t0 = KarrasGrid.SIGMA_MIN * SHIFT;
            Tensor c0 = torch.full(new long[]{b}, Torch.scalar(Preconditioning.timeCondition(t0)));
            Tensor y1 = x[0].add(x[3].mul(Torch.scalar(t0))).mul(Torch.scalar(Preconditioning.cIn(t0)));
            Tensor y2 = x[1].add(x[3].mul(Torch.scalar(t0))).mul(Torch.scalar(Preconditioning.cIn(t0)));
            Tensor q1 = online.forward(y1, c0).proj(), q2 = online.forward(y2, c0).proj();
            Tensor k1 = momentum.forward(y1, c0).proj().detach(), k2 = momentum.forward(y2, c0).proj().detach();
            Tensor tau = torch.full(new long[]{b}, Torch.scalar(RcmLoss.CONTRASTIVE_TAU));
            Tensor contrast = NtXent.perSample(q1, k2, tau).add(NtXent.perSample(q2, k1, tau)).mean();
            contrast.backward();
            double consistency = manual(online, x, true);
            Map<String, Tensor> separate = grads(online);

            assertEquals(contrast.item_double(), t.contrastive().item_double(), 1e-5);
            assertEquals(consistency, t.consistency().item_double(), 1e-5);
            double worst = 0;
            for (String k : separate.keySet())
                worst = Math.max(worst, maxAbs(stacked.get(k).sub(separate.get(k)))
                        / Math.max(1e-12, maxAbs(separate.get(k))));
            assertTrue(worst < 1e-4, "stacked passes' gradients differ from the separate passes' by " + worst);
        }
    }

    /** Stacked (the bound allows it) and one call per pass (it does not): the same h and the same gradients. */
    @Test
    void stackedAndSeparateRepresentationsAgree() {
        try (Scope s = Scope.open()) {
            ModelConfig c = TinyRuns.rcm();
            RcmEncoder online = encoder(c);
            Tensor[] x = inputs(c);
            long b = x[0].size(0);
            List<Tensor> in = List.of(x[0], x[1], x[2]), cond = List.of(torch.full(new long[]{b}, Torch.scalar(1.0)),
                    torch.full(new long[]{b}, Torch.scalar(-3.0)), torch.full(new long[]{b}, Torch.scalar(50.0)));
            List<Tensor> stacked = RcmLoss.representations(online, in, cond, Long.MAX_VALUE);
            stacked.get(0).mul(stacked.get(2)).sum().backward();
            Map<String, Tensor> g1 = grads(online);
            List<Tensor> separate = RcmLoss.representations(online, in, cond, 0);
            separate.get(0).mul(separate.get(2)).sum().backward();
            Map<String, Tensor> g2 = grads(online);
            for (int i = 0; i < 3; i++) assertTrue(maxAbs(stacked.get(i).sub(separate.get(i))) < 1e-5, "pass " + i);
            assertTrue(maxAbs(stacked.get(0).sub(stacked.get(1))) > 1e-3, "the passes differ: a mix-up would show");
            for (String k : g2.keySet())
                if (!k.startsWith("projection_head"))
                    assertTrue(maxAbs(g1.get(k).sub(g2.get(k))) <= 1e-4 * Math.max(1e-12, maxAbs(g2.get(k))), k);
        }
    }

    @Test
    void contrastiveOnlyDropsTheConsistencyTermAndKeepsTheContrastiveOne() {
        try (Scope s = Scope.open()) {
            ModelConfig c = TinyRuns.rcm();
            RcmEncoder online = encoder(c), momentum = new RcmEncoder(c);
            momentum.load(online.stateDict(), true);
            momentum.eval();
            Tensor[] x = inputs(c);
            RcmLoss.Terms both = new RcmLoss(online, momentum, SHIFT, NtXent.Gather.LOCAL)
                    .compute(x[0], x[1], x[2], x[3], I, N, TAU);
            RcmLoss.Terms only = new RcmLoss(online, momentum, SHIFT, true, false, NtXent.Gather.LOCAL)
                    .compute(x[0], x[1], x[2], x[3], I, N, TAU);
            assertTrue(both.consistency().item_double() > 0, "the full loss has a consistency term");
            assertEquals(0, only.consistency().item_double(), 0);
            assertEquals(both.contrastive().item_double(), only.contrastive().item_double(), 1e-6);
            assertEquals(only.contrastive().item_double(), only.loss().item_double(), 0);
            only.loss().backward();
            // h feeds only the consistency term; with it off the gradient reaches the encoder through the projector
            // alone.
            assertTrue(online.namedParameters().get("projection_head.0.weight").grad().defined());
        }
    }

    /**
     * The released PreTrainStep (scripts/fixtures/make_release_fixtures.py) on the golden RCM network: per-sample terms
     * through the public per-sample functions, and the online projector's BatchNorm running statistics after one loss,
     * which depend on the pass order (released: contrastive passes, view 1 then view 2, before the consistency passes).
     */
    @Test
    void passOrderAndPerSampleTermsAreTheReleased() throws Exception {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> f = Checkpoints.readTensors(TestSupport.fixture("release/rcm_order.safetensors"));
            Map<String, Tensor> weights = Checkpoints.readTensors(TestSupport.fixture("nn/rcm.safetensors"));
            RcmEncoder online = golden(weights), momentum = golden(weights);
            momentum.eval();
            RcmLoss loss = new RcmLoss(online, momentum, 0.5, NtXent.Gather.LOCAL);
            Tensor v1 = f.get("view1"), v2 = f.get("view2"), clean = f.get("clean"), eps = f.get("eps");
            loss.compute(v1, v2, clean, eps, 3, 11, 0.15);
            for (String k : List.of("projection_head.1.running_mean", "projection_head.1.running_var",
                    "projection_head.4.running_mean", "projection_head.4.running_var")) {
                double d = maxAbs(online.namedBuffers().get(k).sub(f.get(k)));
                // seen: ≤ 1.2e-7; with the consistency passes first: 9.6e-3
                assertTrue(d < 1e-5, k + " differs from the released order by " + d);
            }
            RcmEncoder fresh = golden(weights);
            RcmLoss.PerSample p = new RcmLoss(fresh, momentum, 0.5, NtXent.Gather.LOCAL)
                    .perSample(v1, v2, clean, eps, 3, 11, 0.15);                                   // [B] each
            assertTrue(maxAbs(p.contrastive().sub(f.get("contrastive"))) < 1e-5);
            assertTrue(maxAbs(p.consistency().sub(f.get("consistency"))) < 1e-5);
            // the other order moves the statistics elsewhere: the check can fail
            RcmEncoder reversed = golden(weights);
            for (boolean contrastiveOnly : new boolean[]{false, true}) // consistency passes first, then contrastive
                new RcmLoss(reversed, momentum, 0.5, contrastiveOnly, !contrastiveOnly, NtXent.Gather.LOCAL)
                        .perSample(v1, v2, clean, eps, 3, 11, 0.15);
            String key = "projection_head.1.running_mean";
            assertTrue(maxAbs(reversed.namedBuffers().get(key).sub(f.get(key))) > 1e-4, "the orders must differ");
        }
    }

    private static RcmEncoder golden(Map<String, Tensor> weights) {
        RcmEncoder m = new RcmEncoder(epg.nn.GoldenNetworkTestAccess.rcmConfig());
        assertTrue(m.load(weights, true).clean());
        m.train(true);
        return m;
    }

    @Test
    void bothTermsOffIsRefused() {
        RcmEncoder online = encoder(TinyRuns.rcm());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RcmLoss(online, null, SHIFT, false, false, NtXent.Gather.LOCAL));
        assertTrue(e.getMessage().contains("both loss terms are off"));
    }

    private static double manual(RcmEncoder online, Tensor[] x, boolean detach) {
        double t = KarrasGrid.unshifted(I, N) * SHIFT, t2 = KarrasGrid.unshifted(I + 1, N) * SHIFT;
        long b = x[2].size(0);
        Tensor h = online.representation(x[2].add(x[3].mul(Torch.scalar(t))).mul(Torch.scalar(Preconditioning.cIn(t))),
                torch.full(new long[]{b}, Torch.scalar(Preconditioning.timeCondition(t))));
        Tensor target = online.representation(x[2].add(x[3].mul(Torch.scalar(t2)))
                .mul(Torch.scalar(Preconditioning.cIn(t2))),
                torch.full(new long[]{b}, Torch.scalar(Preconditioning.timeCondition(t2))));
        Tensor loss = NtXent.perSample(h, detach ? target.detach() : target,
                torch.full(new long[]{b}, Torch.scalar(TAU))).mean();
        loss.backward();
        return loss.item_double();
    }

    /** The gradients (cloned) and zeroes them. */
    private static Map<String, Tensor> grads(RcmEncoder m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> {
            out.put(k, p.grad().defined() ? p.grad().clone() : torch.zeros_like(p));
            if (p.grad().defined()) p.mutable_grad().put(new Tensor());
        });
        return out;
    }

    private static double maxAbs(Tensor t) { return t.abs().max().item_double(); }

    private static RcmEncoder encoder(ModelConfig c) { return encoder(c, 5); }

    private static RcmEncoder encoder(ModelConfig c, long seed) {
        RcmEncoder m = new RcmEncoder(c);
        Init.rcm(m, new Rng(seed));
        return m;
    }

    /** view1, view2, clean, eps [4, 1, 16, 16]. */
    private static Tensor[] inputs(ModelConfig c) {
        Rng r = new Rng(9);
        long[] shape = {4, c.channels(), c.imageSize(), c.imageSize()};
        Tensor[] x = new Tensor[4];
        for (int i = 0; i < 4; i++) x[i] = torch.randn(shape, r.optional(), Torch.options(ScalarType.Float));
        return x;
    }
}
