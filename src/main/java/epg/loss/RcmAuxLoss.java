// Spec §5 / paper eq. 9: the auxiliary NT-Xent through a frozen pre-trained RCM encoder (with projector) at σ_min·s.
package epg.loss;

import epg.diffusion.KarrasGrid;
import epg.nn.RcmEncoder;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * NT(proj W(c_in·D(x_t), t0), stopgrad proj W(c_in·x, t0)) per sample. W is put in evaluation mode (BatchNorm
 * running statistics) and its parameters stop requiring gradients: the gradient reaches D(x_t), never W.
 */
public final class RcmAuxLoss {
    public static final double TAU = 0.1;

    private final RcmEncoder frozen;
    private final double t0, tau;
    private final NtXent.Gather gather;

    public RcmAuxLoss(RcmEncoder frozen, double shift, double tau, NtXent.Gather gather) {
        this.frozen = frozen;
        this.t0 = KarrasGrid.SIGMA_MIN * shift;
        this.tau = tau;
        this.gather = gather;
        frozen.eval();
        for (Tensor p : frozen.namedParameters().values()) p.requires_grad_(false);
    }

    public RcmEncoder encoder() { return frozen; }

    /** denoised, clean [B, C, H, W] → [B] float32. */
    public Tensor perSample(Tensor denoised, Tensor clean) {
        long b = clean.size(0);
        Tensor c0 = RcmInput.condition(t0, b, clean.device());                                     // [B]
        Tensor f = frozen.forward(RcmInput.scaled(denoised, t0), c0).proj();       // [B, P]
        Tensor g;
        try (NoGradGuard ng = new NoGradGuard()) {
            g = Scope.nested(() -> frozen.forward(RcmInput.scaled(clean, t0), c0).proj()); // [B, P]
        }
        return NtXent.perSample(f, g, torch.full(new long[]{b}, Torch.scalar(tau),
                Torch.options(torch.ScalarType.Float, clean.device())), gather);
    }
}
