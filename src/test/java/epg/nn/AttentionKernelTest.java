// The attention kernels agree (outputs and gradients), and the probe's decision is the kernel that runs.
package epg.nn;

import epg.tensor.Blas;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static epg.TestSupport.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionKernelTest {
    @AfterEach
    void restore() {
        System.clearProperty(AttentionKernel.PROPERTY);
        AttentionKernel.useProbe(AttentionKernel::timed);
    }

    private static Attention attention(boolean fused) {
        Attention a = new Attention(24, 3, 0, 0, fused);
        Rng r = new Rng(5);
        try (NoGradGuard g = new NoGradGuard()) {
            a.namedParameters().values().forEach(p -> p.copy_(torch.randn(Torch.shape(p), r.optional(),
                    Torch.options(ScalarType.Float)).mul(Torch.scalar(0.3))));
        }
        return a;
    }

    private static Tensor input() {
        return torch.randn(new long[]{2, 9, 24}, new Rng(6).optional(), Torch.options(ScalarType.Float));
    }

    /** Output, input gradient, qkv and proj weight gradients of one forward/backward with {@code kernel} forced. */
    private static List<Tensor> run(String kernel) {
        System.setProperty(AttentionKernel.PROPERTY, kernel);
        Attention a = attention(true);
        Tensor x = input().requires_grad_(true);
        Tensor y = a.forward(x);
        y.mul(torch.arange(new org.bytedeco.pytorch.Scalar(y.numel())).view(Torch.shape(y))
                .to(ScalarType.Float).sin()).sum().backward();
        List<Tensor> out = new ArrayList<>(List.of(y.detach(), x.grad().clone(), a.qkv.weight.grad().clone(),
                a.proj.weight.grad().clone()));
        assertEquals(AttentionKernel.forced(), AttentionKernel.lastUsed, kernel);
        return out;
    }

    @Test
    void everyKernelGivesTheSameOutputsAndGradients() {
        try (Scope s = Scope.open()) {
            List<Tensor> matmul = run("matmul"), explicit = run("explicit"), sdpa = run("sdpa");
            String[] what = {"output", "input gradient", "qkv.weight gradient", "proj.weight gradient"};
            for (int i = 0; i < what.length; i++) {
                assertClose(explicit.get(i), matmul.get(i), 1e-5, "explicit vs earlier path: " + what[i]);
                assertClose(sdpa.get(i), matmul.get(i), 1e-5, "sdpa vs earlier path: " + what[i]);
            }
            // an independent reference: softmax(q kᵀ/√8) v per head, by loops over the heads
            Attention a = attention(true);
            Tensor x = input(), qkv = a.qkv.forward(x);                                   // [2, 9, 72]
            List<Tensor> heads = new ArrayList<>();
            for (int h = 0; h < 3; h++) {
                Tensor q = qkv.narrow(2, h * 8, 8), k = qkv.narrow(2, 24 + h * 8, 8), v = qkv.narrow(2, 48 + h * 8, 8);
                heads.add(q.matmul(k.transpose(1, 2)).div(Torch.scalar(Math.sqrt(8))).softmax(-1).matmul(v));
            }
            Tensor want = a.proj.forward(torch.cat(new org.bytedeco.pytorch.TensorVector(heads.toArray(new Tensor[0])),
                    2));
            assertClose(explicit.get(0), want.detach(), 1e-5, "explicit vs per-head loops");
        }
    }

    @Test
    void theProbesDecisionIsTheKernelThatRuns() {
        try (Scope s = Scope.open()) {
            List<AttentionKernel.Key> asked = new ArrayList<>();
            AttentionKernel.useProbe(k -> { asked.add(k); return AttentionKernel.EXPLICIT; });
            attention(true).forward(input());
            assertEquals(AttentionKernel.SDPA, AttentionKernel.lastUsed, "unset: the fixed rule (fp32, 9 tokens), no probe");
            assertEquals(0, asked.size());
            System.setProperty(AttentionKernel.PROPERTY, "auto");
            AttentionKernel.useProbe(k -> { asked.add(k); return AttentionKernel.SDPA; });
            Attention a = attention(true);
            a.forward(input());
            a.forward(input());
            assertEquals(AttentionKernel.SDPA, AttentionKernel.lastUsed);
            assertEquals(1, asked.size(), "one probe per shape class");
            assertEquals(new AttentionKernel.Key("cpu", "Float", true, 2, 3, 9, 8), asked.get(0));
            try (NoGradGuard g = new NoGradGuard()) { a.forward(input()); }
            assertEquals(2, asked.size(), "sampling (no grad) is a shape class of its own");
            assertEquals(AttentionKernel.SDPA, AttentionKernel.decisions().get(asked.get(0)));

            AttentionKernel.useProbe(k -> { asked.add(k); return AttentionKernel.EXPLICIT; });
            a.forward(input());
            assertEquals(AttentionKernel.EXPLICIT, AttentionKernel.lastUsed);
            assertEquals(3, asked.size());
            // a network built without fused attention, and the override, ask no probe
            attention(false).forward(input());
            assertEquals(AttentionKernel.EXPLICIT, AttentionKernel.lastUsed);
            System.setProperty(AttentionKernel.PROPERTY, "matmul");
            a.forward(input());
            assertEquals(AttentionKernel.MATMUL, AttentionKernel.lastUsed);
            assertEquals(3, asked.size());
        }
    }

    @Test
    void theFixedRuleGivesShortFp32SequencesToSdpa() {
        try (Scope s = Scope.open()) {
            long max = AttentionKernel.SDPA_MAX_TOKENS;
            assertEquals(AttentionKernel.SDPA, AttentionKernel.byShape(Torch.zeros(2, 3, max, 8)));
            assertEquals(Blas.gemmOnOpenMpPool() ? AttentionKernel.SDPA : AttentionKernel.MATMUL,
                    AttentionKernel.byShape(Torch.zeros(2, 3, max + 1, 8)), "this process's BLAS: " + Blas.active());
            assertEquals(AttentionKernel.MATMUL, AttentionKernel.byShape(Torch.zeros(ScalarType.BFloat16, 2, 3, 9, 8)),
                    "bf16: the fused kernel was 2.5x slower under autocast");
        }
    }

    @Test
    void withMklEveryFp32CpuLengthGoesToSdpa() {
        long max = AttentionKernel.SDPA_MAX_TOKENS;
        assertEquals(AttentionKernel.SDPA, AttentionKernel.byShape(true, max, false));
        assertEquals(AttentionKernel.MATMUL, AttentionKernel.byShape(true, max + 1, false),
                "257 tokens (B/16 at 256 px): the fused kernel's GEMMs queue on OpenBLAS's lock");
        assertEquals(AttentionKernel.SDPA, AttentionKernel.byShape(true, 257, true),
                "MKL runs a GEMM inside an OpenMP worker on that worker alone");
        assertEquals(AttentionKernel.MATMUL, AttentionKernel.byShape(false, 65, true), "bf16 or CUDA");
    }

    @Test
    void theTimedProbeDecidesAndBadOverridesAreNamed() {
        try (Scope s = Scope.open()) {
            for (boolean grad : new boolean[]{true, false}) {
                AttentionKernel k = AttentionKernel.timed(new AttentionKernel.Key("cpu", "Float", grad, 2, 3, 9, 8));
                assertNotNull(k, "a kernel for grad " + grad);
            }
            System.setProperty(AttentionKernel.PROPERTY, "flash");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, AttentionKernel::forced);
            assertTrue(e.getMessage().contains("sdpa, explicit, matmul or auto"), e.getMessage());
        }
    }
}
