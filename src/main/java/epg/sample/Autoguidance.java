// Autoguidance as the release samples with it (sample.py, autog_scale/poor_path): x̂ = clamp(D + s·(D − D_poor)).
package epg.sample;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * Guides a model by a poorer version of itself (Karras et al. 2024; e.g. an earlier checkpoint or a smaller model):
 * both see the same x, σ and labels; their raw (unclamped) predictions combine as D + s·(D − D_poor) at every noise
 * level, and the result is clamped to [−1, 1], as the release combines its networks' outputs before the sampler's
 * clamp. The release's s is Karras's w − 1 (s = 0: no guidance). Two network evaluations per call.
 */
public final class Autoguidance implements Denoiser {
    private final Denoiser main, poor;
    private final double scale;
    private final boolean clamped;

    /** {@code main} guided by {@code poor} with scale s > 0. */
    public Autoguidance(Denoiser main, Denoiser poor, double scale) { this(main.raw(), poor.raw(), scale, true); }

    private Autoguidance(Denoiser main, Denoiser poor, double scale, boolean clamped) {
        if (!(scale > 0)) throw new IllegalArgumentException("the autoguidance scale must be > 0, got " + scale);
        this.main = main;
        this.poor = poor;
        this.scale = scale;
        this.clamped = clamped;
    }

    /** The guided (good) denoiser. */
    public Denoiser main() { return main; }

    @Override
    public Tensor denoise(Tensor x, Tensor sigma, Tensor labels) {
        Tensor d = main.denoise(x, sigma, labels);                                   // [B, C, H, W]
        Tensor dPoor = poor.denoise(x, sigma, labels);                               // [B, C, H, W]
        Tensor guided = d.add(d.sub(dPoor).mul(new Scalar(scale)));                  // [B, C, H, W]
        return clamped ? Denoiser.clampUnit(guided) : guided;
    }

    /** Where the main model computes (the poorer one must be there too). */
    @Override
    public String device() { return main.device(); }

    /** The guided prediction before the clamp (what classifier-free guidance, when stacked, would combine). */
    @Override
    public Denoiser raw() { return new Autoguidance(main, poor, scale, false); }

    @Override
    public int networks() { return main.networks() + poor.networks(); }
}
