// Spec §6 (guidance): x̂ = clamp(D_u + w·(D_c − D_u)) of the raw predictions where lo·s < σ ≤ hi·s, else clamp(D_c).
package epg.sample;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The denoiser the samplers see: it combines the raw (unclamped, {@link Denoiser#raw()}) conditional and
 * unconditional (label = numClasses) predictions, as the released sampler does, and clamps the result to [−1, 1].
 * A guided call evaluates both on one doubled batch. At one σ for the batch (the samplers' calls) the interval is
 * decided on the host: outside it, and always when w = 1, only the conditional prediction is computed. With one σ
 * per image the interval is a device mask, so every image is evaluated twice when w ≠ 1 (no host round-trip).
 * {@link #evaluations()} counts network evaluations per image (2 for a guided call).
 */
public final class Guidance implements Denoiser {
    /** The released interval (0.19, 1.61], in unshifted units. */
    public static final double RELEASED_LOW = 0.19, RELEASED_HIGH = 1.61;

    private final Denoiser inner;
    private final double scale, low, high;
    private final long unconditional;
    private long evaluations;

    /** {@code low}/{@code high}: unshifted interval ends; {@code shift}: s. Use 0 and ∞ for guidance everywhere. */
    public Guidance(Denoiser inner, double scale, double low, double high, double shift, int numClasses) {
        if (!(low < high))
            throw new IllegalArgumentException("guidance interval needs low < high, got " + low + ", " + high);
        this.inner = inner.raw();
        this.scale = scale;
        this.low = low * shift;
        this.high = high * shift;
        this.unconditional = numClasses;
    }

    /**
     * The released guidance weight for a resolution (the launch scripts: 2.5 at 256 px, 3.2 at 512 px). Below 512
     * px it is 2.5: the smaller presets (32 px) are the /16 family at a lower resolution, and the release has no
     * setting of its own for them.
     */
    public static double releasedWeight(int imageSize) { return imageSize >= 512 ? 3.2 : 2.5; }

    /** Whether a call at (shifted) σ is guided: {@code w ≠ 1 and low·s < σ ≤ high·s}. */
    public boolean guides(double sigma) { return guides(sigma, low, high); }

    private boolean guides(double sigma, double lo, double hi) { return scale != 1 && sigma > lo && sigma <= hi; }

    /** Network evaluations per image so far (the NFE actually spent). */
    public long evaluations() { return evaluations; }

    /** σ and the interval ends compared at x's precision (float32 σ = 1.61·s is then inside, as on the device). */
    @Override
    public Tensor denoise(Tensor x, double sigma, Tensor labels) {
        // JavaCPP enums from native calls need intern()
        boolean single = x.scalar_type().intern() == torch.ScalarType.Float;
        boolean guided = single ? guides((float) sigma, (float) low, (float) high) : guides(sigma);
        Tensor s = Denoiser.sigmas(sigma, x);                                                    // [B]
        return Denoiser.clampUnit(guided ? guided(x, s, labels) : conditional(x, s, labels));
    }

    /** Per-image σ [B]: the interval as a [B] mask on σ's device (compared in σ's dtype). */
    @Override
    public Tensor denoise(Tensor x, Tensor sigma, Tensor labels) {
        if (scale == 1) return Denoiser.clampUnit(conditional(x, sigma, labels));
        Tensor inside = sigma.gt(new Scalar(low)).logical_and(sigma.le(new Scalar(high)));       // [B] bool
        Tensor mask = inside.reshape(x.size(0), 1, 1, 1);                                         // [B, 1, 1, 1]
        Tensor[] both = predictions(x, sigma, labels);                                            // [B, C, H, W] each
        return Denoiser.clampUnit(torch.where(mask, combine(both[0], both[1]), both[0]));
    }

    private Tensor conditional(Tensor x, Tensor sigma, Tensor labels) {
        evaluations += inner.networks();
        return inner.denoise(x, sigma, labels);                                                   // [B, C, H, W]
    }

    private Tensor guided(Tensor x, Tensor sigma, Tensor labels) {
        Tensor[] both = predictions(x, sigma, labels);                                            // [B, C, H, W] each
        return combine(both[0], both[1]);
    }

    /** D_c and D_u from one call on the doubled batch. */
    private Tensor[] predictions(Tensor x, Tensor sigma, Tensor labels) {
        evaluations += 2L * inner.networks();
        long b = x.size(0);
        Tensor uncond = torch.full_like(labels, new Scalar(unconditional));                       // [B]
        Tensor both = inner.denoise(torch.cat(new TensorVector(x, x), 0), torch.cat(new TensorVector(sigma, sigma), 0),
                torch.cat(new TensorVector(labels, uncond), 0));                                    // [2B, C, H, W]
        return new Tensor[]{both.narrow(0, 0, b), both.narrow(0, b, b)};
    }

    /** D_u + w·(D_c − D_u). */
    private Tensor combine(Tensor c, Tensor u) { return u.add(c.sub(u).mul(new Scalar(scale))); }
}
