// Spec §5: the ECT consistency loss, per sample pseudo-Huber(D(x + ε·t), stopgrad D(x + ε·r))/(t − r) (+ aux RCM loss).
package epg.loss;

import epg.diffusion.EctTimePair;
import epg.diffusion.Preconditioning;
import epg.sample.Denoiser;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * The network's loss on a batch: (t, r) per sample from the ECT time pair at this step (shifted by s), one ε for both
 * points; D(x_t) with gradient; the target D(x_r) from the same online weights under no-grad, replaying the online
 * pass's dropout masks (the dropout generator's state is restored in between). Where t = r (both at σ_min) the
 * distance is exactly 0 and the pair contributes nothing (its weight is 0, not 1/0). The optional auxiliary term is
 * NT(proj W(c_in·D(x_t), t0), proj W(c_in·x, t0)) through a frozen RCM encoder ({@link RcmAuxLoss}).
 */
public final class ConsistencyLoss {
    /** The time pairs of a batch (shifted) and the weights 1/(t − r), one each per sample. */
    public record Times(double[] t, double[] r, double[] weight) {}

    /** Per-sample terms [B] float32; {@code aux} is null without the auxiliary loss. */
    public record Terms(Tensor consistency, Tensor aux) {}

    private final Denoiser denoiser;
    private final Rng dropout;
    private final EctTimePair pair;
    private final double shift, huberC;
    private final RcmAuxLoss aux;

    /**
     * @param network the online network F (consistency parameterisation around it)
     * @param dropout the generator of the network's dropout masks (replayed for the target)
     * @param aux     the auxiliary loss, or null
     */
    public ConsistencyLoss(Preconditioning.Network network, Rng dropout, EctTimePair pair, double shift, double huberC,
                           RcmAuxLoss aux) {
        this.denoiser = Denoiser.of(new Preconditioning(Preconditioning.Kind.CONSISTENCY, shift), network);
        this.dropout = dropout;
        this.pair = pair;
        this.shift = shift;
        this.huberC = huberC;
        this.aux = aux;
    }

    /** The auxiliary loss (null when off). */
    public RcmAuxLoss aux() { return aux; }

    /** The pairs of standard normals z [B] at training step {@code step}. */
    public Times times(double[] z, long step) {
        int b = z.length;
        double[] t = new double[b], r = new double[b], w = new double[b];
        for (int k = 0; k < b; k++) {
            double tu = pair.t(z[k]), ru = pair.r(tu, step);
            t[k] = tu * shift;
            r[k] = ru * shift;
            w[k] = t[k] > r[k] ? 1 / (t[k] - r[k]) : 0;
        }
        return new Times(t, r, w);
    }

    /** clean, eps [B, C, H, W] float32, labels int64 [B] (after label dropout), all on one device. */
    public Terms perSample(Tensor clean, Tensor eps, Tensor labels, Times at) {
        int b = at.t().length;
        Device device = clean.device();
        Tensor ts = Torch.fromDoubles(at.t(), b).to(device, ScalarType.Float);                      // [B]
        Tensor rs = Torch.fromDoubles(at.r(), b).to(device, ScalarType.Float);                      // [B]
        Tensor xt = clean.add(eps.mul(ts.reshape(b, 1, 1, 1)));                                    // [B, C, H, W]
        Tensor xr = clean.add(eps.mul(rs.reshape(b, 1, 1, 1)));                                    // [B, C, H, W]
        Tensor masks = dropout.state();
        Tensor dt = denoiser.denoise(xt, ts, labels);                                              // [B, C, H, W]
        Tensor dr;
        try (NoGradGuard g = new NoGradGuard()) {
            dropout.setState(masks);                                                                // replay the masks
            dr = Scope.nested(() -> denoiser.denoise(xr, rs, labels));                             // [B, C, H, W]
        }
        Tensor weights = Torch.fromDoubles(at.weight(), b).to(device, ScalarType.Float);           // [B]
        Tensor huber = PseudoHuber.perSample(dt, dr, huberC).mul(weights);                         // [B]
        return new Terms(huber, aux == null ? null : aux.perSample(dt, clean));
    }
}
