// Spec §2.1 (softmax(q·kᵀ/√d_head)·v): which kernel computes attention here (fixed, or by a probe on request).
package epg.nn;

import epg.tensor.Blas;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SDPA: libtorch's fused scaled_dot_product_attention, reading q, k and v as strided views of the qkv output.
 * EXPLICIT: one head-major copy of q, k, v, then baddbmm (the 1/√d scale folded into the GEMM), softmax, bmm.
 * MATMUL: the earlier explicit path (4-D matmul, scale applied to the scores), kept for comparison.
 * <p>
 * Which is faster depends on the sequence length and dtype (in fp32 SDPA on strided views is the fastest up to 129
 * tokens on both CPU kinds measured and 2–7x slower than MATMUL at 257 tokens, 95 s against 20.6 s per EPG-B/16 step at
 * 256 px, with OpenBLAS; with MKL it is the fastest at 257 tokens too; under bf16 autocast it was slower). A network
 * built with fused attention allowed takes {@link #byShape}: SDPA for fp32 on the CPU below {@value #SDPA_MAX_TOKENS} +
 * 1 tokens or with MKL, MATMUL otherwise; a network built without it takes EXPLICIT. The choice depends only on the
 * call's shape, dtype and device and the process's BLAS (EPG_BLAS), so that a run resumed in a new process with the
 * same BLAS, and a sample drawn again, compute the same bits. The system property {@value #PROPERTY} or the environment
 * variable {@value #ENV} ({@code sdpa}, {@code explicit}, {@code matmul} or {@code auto}) overrides it for every
 * network; {@code auto} takes the fastest of the three as timed once per (device, dtype, grad mode, batch class, heads,
 * tokens, head width) in this process (not bit-reproducible across processes).
 */
public enum AttentionKernel {
    SDPA, EXPLICIT, MATMUL;

    public static final String PROPERTY = "epg.attention", ENV = "EPG_ATTENTION";

    /**
     * The longest sequence the fixed rule gives to SDPA. libtorch's CPU flash kernel works on blocks of 32 query rows
     * below 192 tokens (64 from there) and calls OpenBLAS's sgemm from inside its OpenMP workers; once a block's GEMM
     * outgrows OpenBLAS's single-thread limit (M·N·K ≤ 262,144) every worker starts OpenBLAS's own threads and they
     * queue on its lock. Measured on a 2-core AMD EPYC (AVX2 only), fp32 forward + backward: 65 tokens [32, 4 heads,
     * 32 wide] SDPA 13.2–13.9 ms against MATMUL 16.1–23.4 ms; 129 tokens [8, 12, 64] 37.4 against 47.1 ms; 257 tokens
     * [8, 12, 64] 317–1198 against 149–167 ms (docs/benchmarks.md).
     */
    public static final long SDPA_MAX_TOKENS = 191;

    /** What a probe decides on: the shape class of one attention call. */
    public record Key(String device, String dtype, boolean grad, long batchClass, long heads, long tokens,
                      long headDim) {}

    /** Times the candidates for a shape class and returns the faster. */
    public interface Probe {
        AttentionKernel decide(Key key);
    }

    private static final Map<Key, AttentionKernel> DECIDED = new ConcurrentHashMap<>();
    private static volatile Probe probe = AttentionKernel::timed;
    /** The kernel of the latest attention call (what the tests observe). */
    static volatile AttentionKernel lastUsed;

    /** The kernel {@link #PROPERTY} / {@link #ENV} forces, or null when unset, blank or "auto". */
    public static AttentionKernel forced() {
        String v = setting();
        if (v == null || v.equals("auto")) return null;
        return switch (v) {
            case "sdpa", "fused" -> SDPA;
            case "explicit" -> EXPLICIT;
            case "matmul" -> MATMUL;
            default -> throw new IllegalArgumentException("unknown attention kernel '" + v + "' (" + PROPERTY + " / "
                    + ENV + "); use sdpa, explicit, matmul or auto");
        };
    }

    /** {@link #PROPERTY} or else {@link #ENV}, trimmed and lower-cased; null when unset or blank. */
    private static String setting() {
        String v = System.getProperty(PROPERTY);
        if (v == null) v = System.getenv(ENV);
        return v == null || v.isBlank() ? null : v.trim().toLowerCase(Locale.ROOT);
    }

    /** The kernel for q, k, v of shape [B, H, L, hd] like {@code q}; {@code fusedAllowed}: the network's setting. */
    static AttentionKernel choose(boolean fusedAllowed, Tensor q) {
        AttentionKernel f = forced();
        if (f != null) return f;
        if (!fusedAllowed) return EXPLICIT;
        if (!"auto".equals(setting())) return byShape(q);
        long[] s = Torch.shape(q);
        Key key = new Key(q.device().str().getString(), q.scalar_type().toString(), GradMode.is_enabled(),
                Long.highestOneBit(s[0]), s[1], s[2], s[3]);
        return DECIDED.computeIfAbsent(key, k -> probe.decide(k));
    }

    /**
     * The fixed rule for q [B, H, L, hd]: SDPA for fp32 on the CPU with L ≤ {@value #SDPA_MAX_TOKENS}, or at any
     * length where the BLAS runs on the OpenMP pool (MKL, an OpenMP build of OpenBLAS), else MATMUL (under bf16 autocast the fused kernel made an EPG-T step 2.5x slower;
     * on CUDA MATMUL is the path that was checked against the released numerics).
     */
    static AttentionKernel byShape(Tensor q) {
        boolean cpuFloat = q.is_cpu() && q.scalar_type().value == torch.ScalarType.Float.value;
        return byShape(cpuFloat, Torch.shape(q)[2], Blas.gemmOnOpenMpPool());
    }

    /**
     * The rule on its inputs. A BLAS on the OpenMP pool ({@link Blas#gemmOnOpenMpPool}) runs a GEMM called from inside
     * an OpenMP worker on that worker alone, so the fused kernel's blocks never queue the way they do on the lock of
     * OpenBLAS's pthreads pool: on the AVX2 EPYC, fp32 forward + backward at 257 tokens [8, 12, 64] took 51.7 ms with
     * SDPA against 75.0 with MATMUL on MKL, and 5.3 against 25.4 ms at 65 tokens [32, 4, 32]; Debian's OpenMP build
     * of OpenBLAS took an EPG-B/16 step 2–4% lower with SDPA than with MATMUL (docs/benchmarks.md).
     */
    static AttentionKernel byShape(boolean cpuFloat, long tokens, boolean blasOnOpenMp) {
        return cpuFloat && (tokens <= SDPA_MAX_TOKENS || blasOnOpenMp) ? SDPA : MATMUL;
    }

    /** The decisions taken so far in this process. */
    public static Map<Key, AttentionKernel> decisions() { return Map.copyOf(DECIDED); }

    /** Replaces the probe (tests, or a cached decision) and forgets earlier decisions; returns the previous probe. */
    public static Probe useProbe(Probe p) {
        Probe old = probe;
        probe = p;
        DECIDED.clear();
        return old;
    }

    /** The default probe: the fastest kernel, best of three timed passes each (backward too in grad mode). */
    static AttentionKernel timed(Key key) {
        AttentionKernel best = null;
        double bestSeconds = Double.MAX_VALUE;
        for (AttentionKernel k : values()) {
            double t = seconds(k, key);
            if (t < bestSeconds) { best = k; bestSeconds = t; }
        }
        return best;
    }

    private static double seconds(AttentionKernel kernel, Key key) {
        double best = Double.MAX_VALUE;
        try (Scope s = Scope.open()) {
            Rng rng = new Rng(0);
            long[] shape = {key.batchClass(), key.tokens(), 3, key.heads(), key.headDim()};
            Tensor qkv = torch.randn(shape, rng.optional(), Torch.options(torch.ScalarType.Float,
                    Torch.device(key.device()))).to(dtypeOf(key));          // [B, L, 3, H, hd]
            for (int rep = 0; rep < 4; rep++) {
                Tensor leaf = qkv.detach().requires_grad_(key.grad());
                long t0 = System.nanoTime();
                Tensor o = Attention.attend(kernel, leaf, 0, null);         // [B, L, D]
                if (key.grad()) o.sum().backward();
                if (!key.device().equals("cpu")) o.sum().item_double();
                if (rep > 0) best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
        }
        return best;
    }

    private static torch.ScalarType dtypeOf(Key key) {
        for (torch.ScalarType t : torch.ScalarType.values()) if (t.toString().equals(key.dtype())) return t;
        return torch.ScalarType.Float;
    }
}
