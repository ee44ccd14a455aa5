// Spec §3: the RCM pre-training loss, symmetric contrastive term on the MoCo views + representation consistency.
package epg.loss;

import epg.diffusion.KarrasGrid;
import epg.nn.RcmEncoder;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

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
        if (i < 0 || i > n - 2) throw new IllegalArgumentException("noise index " + i + " outside 0.." + (n - 2));
        Tensor zero = torch.zeros(new long[0], Torch.options(torch.ScalarType.Float, clean.device()));
        // Released pass order: the contrastive passes first, then the consistency passes. The online projector's
        // BatchNorm running statistics (kept in the encoder file the stage-2b auxiliary loss reads) depend on it.
        Tensor contrast = contrastive ? contrastivePerSample(view1, view2, eps).mean() : zero;
        Tensor consist = consistency ? consistencyPerSample(clean, eps, i, n, tau).mean() : zero;
        return new Terms(contrast.add(consist), contrast, consist);
    }

    /**
     * Per-sample symmetric contrastive loss [B] at t0 = σ_min·s: NT(q1, k2) + NT(q2, k1) with online passes on
     * y1 = view1 + ε·t0 then y2 = view2 + ε·t0, and the momentum passes after them (τ = 0.2).
     */
    public Tensor contrastivePerSample(Tensor view1, Tensor view2, Tensor eps) {
        if (momentum == null) throw new IllegalStateException("the contrastive term needs the momentum network");
        long b = view1.size(0);
        double t0 = KarrasGrid.SIGMA_MIN * shift;
        Tensor c0 = RcmInput.condition(t0, b, view1.device()), y1 = RcmInput.noisy(view1, eps, t0),
                y2 = RcmInput.noisy(view2, eps, t0);
        Tensor q1 = online.forward(y1, c0).proj(), q2 = online.forward(y2, c0).proj();
        Tensor k1, k2;
        try (NoGradGuard g = new NoGradGuard()) { // each no-grad pass frees its activations at once (Scope.nested)
            k1 = Scope.nested(() -> momentum.forward(y1, c0).proj());
            k2 = Scope.nested(() -> momentum.forward(y2, c0).proj());
        }
        Tensor tau = torch.full(new long[]{b}, Torch.scalar(CONTRASTIVE_TAU),
                Torch.options(torch.ScalarType.Float, view1.device()));
        return NtXent.perSample(q1, k2, tau, gather).add(NtXent.perSample(q2, k1, tau, gather));
    }

    /**
     * Per-sample consistency loss [B] between t = σ_i·s (online) and t2 = σ_{i+1}·s (online, stop-gradient), with
     * temperature {@code tau}, for noise index i of an n-point grid.
     */
    public Tensor consistencyPerSample(Tensor clean, Tensor eps, int i, int n, double tau) {
        if (i < 0 || i > n - 2) throw new IllegalArgumentException("noise index " + i + " outside 0.." + (n - 2));
        long b = clean.size(0);
        double t = KarrasGrid.unshifted(i, n) * shift, t2 = KarrasGrid.unshifted(i + 1, n) * shift;
        Tensor h = online.forward(RcmInput.noisy(clean, eps, t), RcmInput.condition(t, b, clean.device())).h();
        Tensor target;
        try (NoGradGuard g = new NoGradGuard()) {
            target = Scope.nested(() -> online.forward(RcmInput.noisy(clean, eps, t2),
                    RcmInput.condition(t2, b, clean.device())).h());
        }
        return NtXent.perSample(h, target, torch.full(new long[]{b}, Torch.scalar(tau),
                Torch.options(torch.ScalarType.Float, clean.device())), gather);
    }
}
