// Spec §6 (guidance): interval classifier-free guidance D_u + w·(D_c − D_u), only where lo·s < σ ≤ hi·s.
package epg.sample;

import epg.tensor.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * Wraps a conditional denoiser. Inside the interval the conditional and unconditional (label = numClasses)
 * predictions come from one network call on a doubled batch; outside it, and always when w = 1, only the
 * conditional one is computed. {@link #evaluations()} counts network evaluations per image (2 for a guided call).
 */
public final class Guidance implements Denoiser {
    /** The released interval (0.19, 1.61], in unshifted units. */
    public static final double RELEASED_LOW = 0.19, RELEASED_HIGH = 1.61;

    private final Denoiser inner;
    private final double scale, low, high;
    private final long unconditional;
    private long evaluations;

    /** {@code low}/{@code high} are unshifted interval ends; {@code shift} is s. Use 0 and ∞ for guidance everywhere. */
    public Guidance(Denoiser inner, double scale, double low, double high, double shift, int numClasses) {
        if (!(low < high)) throw new IllegalArgumentException("guidance interval needs low < high, got " + low + ", " + high);
        this.inner = inner;
        this.scale = scale;
        this.low = low * shift;
        this.high = high * shift;
        this.unconditional = numClasses;
    }

    /** Whether a call at (shifted) σ is guided: w ≠ 1 and low·s < σ ≤ high·s. */
    public boolean guides(double sigma) { return guides(sigma, low, high); }

    private boolean guides(double sigma, double lo, double hi) { return scale != 1 && sigma > lo && sigma <= hi; }

    /** Network evaluations per image so far (the NFE actually spent). */
    public long evaluations() { return evaluations; }

    @Override
    public Tensor denoise(Tensor x, Tensor sigma, Tensor labels) {
        boolean[] mask = mask(sigma);
        if (!any(mask)) {
            evaluations += 1;
            return inner.denoise(x, sigma, labels);
        }
        evaluations += 2;
        long b = x.size(0);
        Tensor uncond = torch.full_like(labels, new Scalar(unconditional));                     // [B]
        Tensor both = inner.denoise(torch.cat(new TensorVector(x, x), 0), torch.cat(new TensorVector(sigma, sigma), 0),
                torch.cat(new TensorVector(labels, uncond), 0));                                  // [2B, C, H, W]
        Tensor c = both.narrow(0, 0, b), u = both.narrow(0, b, b);                                // [B, C, H, W]
        Tensor guided = u.add(c.sub(u).mul(new Scalar(scale)));                                  // [B, C, H, W]
        return all(mask) ? guided : torch.where(maskTensor(mask, x), guided, c);
    }

    /** Per-sample {@link #guides}, with the ends rounded to σ's precision (float32 σ = 1.61·s is then inside). */
    private boolean[] mask(Tensor sigma) {
        boolean single = sigma.scalar_type().intern() == torch.ScalarType.Float; // JavaCPP enums from native calls need intern()
        double lo = single ? (float) low : low, hi = single ? (float) high : high;
        double[] s = Torch.toDoubles(sigma);
        boolean[] m = new boolean[s.length];
        for (int i = 0; i < s.length; i++) m[i] = guides(s[i], lo, hi);
        return m;
    }

    /** [B] booleans → [B, 1, 1, 1] bool tensor on x's device. */
    private static Tensor maskTensor(boolean[] mask, Tensor x) {
        long[] v = new long[mask.length];
        for (int i = 0; i < v.length; i++) v[i] = mask[i] ? 1 : 0;
        return Torch.fromLongs(v, v.length, 1, 1, 1).to(x.device(), torch.ScalarType.Bool);
    }

    private static boolean any(boolean[] m) { for (boolean v : m) if (v) return true; return false; }

    private static boolean all(boolean[] m) { for (boolean v : m) if (!v) return false; return true; }
}
