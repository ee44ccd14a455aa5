// Spec §3: the RCM pre-training loss, symmetric contrastive term on the MoCo views + representation consistency.
package epg.loss;

import epg.config.ModelConfig;
import epg.diffusion.KarrasGrid;
import epg.nn.RcmEncoder;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * loss = mean_b [ NT(proj E_θ(y1+ε·t0), proj E_θ⁻(y2+ε·t0)) + NT(proj E_θ(y2+ε·t0), proj E_θ⁻(y1+ε·t0)) ] (contrastive,
 * τ = 0.2)
 * + mean_b NT(h E_θ(x+ε·t), stopgrad h E_θ(x+ε·t2)) (consistency, τ(σ_i))
 * with t0 = σ_min·s, t = σ_i·s, t2 = σ_{i+1}·s, one noise ε for every pass, every input scaled by c_in and
 * conditioned on c(·). The consistency target is the online network under no-grad; E_θ⁻ never takes a gradient.
 * Either term can be switched off for the paper's ablations (Table 12c; Appendix E trains on the contrastive term
 * alone); the switched-off term is reported as 0 and costs no forward pass.
 */
public final class RcmLoss {
    public static final double CONTRASTIVE_TAU = 0.2;
    /** The largest activation a stacked encoder call may have (see {@link #representations}): 32 MiB. */
    static final long STACK_BYTES = 32L << 20;

    /** The total and its two terms, each already averaged over the batch (scalars). */
    public record Terms(Tensor loss, Tensor contrastive, Tensor consistency) {}

    private final RcmEncoder online, momentum;
    private final double shift;
    private final boolean contrastive, consistency;
    private final NtXent.Gather gather;

    /** Both terms (the method). */
    public RcmLoss(RcmEncoder online, RcmEncoder momentum, double shift, NtXent.Gather gather) {
        this(online, momentum, shift, true, true, gather);
    }

    /** {@code momentum} may be null when the contrastive term is off; at least one term must be on. */
    public RcmLoss(RcmEncoder online, RcmEncoder momentum, double shift, boolean contrastive, boolean consistency,
            NtXent.Gather gather) {
        if (contrastive && momentum == null)
            throw new IllegalArgumentException("the contrastive term needs the momentum network");
        if (!contrastive && !consistency)
            throw new IllegalArgumentException("both loss terms are off: keep the contrastive or the consistency term");
        this.online = online;
        this.momentum = momentum;
        this.shift = shift;
        this.contrastive = contrastive;
        this.consistency = consistency;
        this.gather = gather;
    }

    /**
     * view1, view2, clean, eps [B, C, H, W]; i the noise index of the whole batch on an n-point grid (0 ≤ i ≤ n−2);
     * tau the consistency temperature τ(σ_i).
     */
    public Terms compute(Tensor view1, Tensor view2, Tensor clean, Tensor eps, int i, int n, double tau) {
        PerSample p = perSample(view1, view2, clean, eps, i, n, tau);
        Tensor zero = torch.zeros(new long[0], Torch.options(torch.ScalarType.Float, clean.device()));
        Tensor contrast = contrastive ? p.contrastive().mean() : zero;
        Tensor consist = consistency ? p.consistency().mean() : zero;
        return new Terms(contrast.add(consist), contrast, consist);
    }

    /** The per-sample terms [B] of {@link #compute}; a switched-off term is null. */
    public record PerSample(Tensor contrastive, Tensor consistency) {}

    /**
     * The per-sample terms: contrastive NT(q1, k2) + NT(q2, k1) at t0 = σ_min·s (τ = 0.2) on y1 = view1 + ε·t0 and
     * y2 = view2 + ε·t0, and consistency NT(h(x + ε·t), stopgrad h(x + ε·t2)) at temperature {@code tau}.
     * <p>
     * The online passes that take a gradient (y1, y2 and x + ε·t) run as one encoder call on the batches stacked,
     * and the momentum passes as one call on y1 and y2, where the stack is small (see {@link #representations}): the
     * encoder treats every sample alone (LayerNorm, attention within an image), so each sample's h is the released
     * code's, from fewer and larger matrix products. The projector's BatchNorm sees each pass's batch alone, in the
     * released order (view 1, view 2, then the consistency passes, whose projector output is unused but moves the
     * running statistics).
     */
    public PerSample perSample(Tensor view1, Tensor view2, Tensor clean, Tensor eps, int i, int n, double tau) {
        if (i < 0 || i > n - 2) throw new IllegalArgumentException("noise index " + i + " outside 0.." + (n - 2));
        long b = clean.size(0);
        Device dev = clean.device();
        double t0 = KarrasGrid.SIGMA_MIN * shift, t = KarrasGrid.unshifted(i, n) * shift,
                t2 = KarrasGrid.unshifted(i + 1, n) * shift;
        Tensor c0 = RcmInput.condition(t0, b, dev);
        Tensor y1 = contrastive ? RcmInput.noisy(view1, eps, t0) : null;
        Tensor y2 = contrastive ? RcmInput.noisy(view2, eps, t0) : null;
        // The online passes with gradient: y1, y2 (contrastive), x_t (consistency), the switched-on ones.
        List<Tensor> inputs = new ArrayList<>(), conditions = new ArrayList<>();
        if (contrastive) {
            inputs.addAll(List.of(y1, y2));
            conditions.addAll(List.of(c0, c0));
        }
        if (consistency) {
            inputs.add(RcmInput.noisy(clean, eps, t));
            conditions.add(RcmInput.condition(t, b, dev));
        }
        List<Tensor> h = representations(online, inputs, conditions, STACK_BYTES);               // k × [B, D]
        Tensor contrast = null, consist = null;
        if (contrastive) {
            Tensor q1 = online.project(h.get(0)), q2 = online.project(h.get(1));
            List<Tensor> k;
            try (NoGradGuard g = new NoGradGuard()) {
                k = representations(momentum, List.of(y1, y2), List.of(c0, c0), STACK_BYTES); // 2 × [B, D]
            }
            Tensor k1 = momentum.project(k.get(0)), k2 = momentum.project(k.get(1));
            Tensor tau0 = temperature(CONTRASTIVE_TAU, b, dev);
            contrast = NtXent.perSample(q1, k2, tau0, gather).add(NtXent.perSample(q2, k1, tau0, gather));
        }
        if (consistency) {
            Tensor hT = h.get(h.size() - 1);                                                      // [B, D]
            Tensor target;
            try (NoGradGuard g = new NoGradGuard()) {
                online.project(hT); // the released pass's projector call: BatchNorm statistics only
                target = Scope.nested(() -> online.forward(RcmInput.noisy(clean, eps, t2),
                        RcmInput.condition(t2, b, dev)).h());
            }
            consist = NtXent.perSample(hT, target, temperature(tau, b, dev), gather);
        }
        return new PerSample(contrast, consist);
    }

    /**
     * h of each pass (inputs[i] at conditions[i], [B, …] each): one encoder call on the passes stacked when the
     * stack's largest activation, the MLP's hidden layer [kB, 2+L, hidden] in float32, stays within
     * {@code maxStackBytes} ({@link #STACK_BYTES} in the loss), else one call per pass. Above glibc's mmap threshold,
     * which ./epg sets to its 32 MiB maximum, every allocation of such a tensor is a fresh mapping, faulted in and
     * zeroed page by page: stacking the three
     * passes of an RCM-B/16 step at 256 px (76 MiB hidden layers) took 12.5 M page faults against 3.0 M and the step
     * from 29.6 s to 34.7 s, where at 32 px (RCM-T, 13 MiB) it took the step from 447 ms to 431–434 ms (AVX2 EPYC).
     * A no-grad caller's passes free their activations at once (Scope.nested).
     */
    static List<Tensor> representations(RcmEncoder enc, List<Tensor> inputs, List<Tensor> conditions,
            long maxStackBytes) {
        ModelConfig c = enc.config;
        long b = inputs.get(0).size(0);
        long hidden = inputs.size() * b * (2L + c.tokens()) * c.mlpHidden(c.dim()) * Float.BYTES;
        if (inputs.size() == 1 || hidden > maxStackBytes) {
            List<Tensor> out = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                Tensor x = inputs.get(i), cond = conditions.get(i);
                out.add(Scope.nested(() -> enc.representation(x, cond)));
            }
            return out;
        }
        Tensor x = torch.cat(new TensorVector(inputs.toArray(Tensor[]::new)));                      // [kB, C, H, W]
        Tensor cond = torch.cat(new TensorVector(conditions.toArray(Tensor[]::new)));              // [kB]
        Tensor stacked = Scope.nested(() -> enc.representation(x, cond));                         // [kB, D]
        return List.of(stacked.split(b).get());
    }

    private static Tensor temperature(double tau, long b, Device dev) {
        return torch.full(new long[]{b}, Torch.scalar(tau), Torch.options(torch.ScalarType.Float, dev));
    }
}
