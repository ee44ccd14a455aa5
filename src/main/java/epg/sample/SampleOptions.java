// Spec §6 (released settings: Heun, 32 points, w = 2.5 at 256 px, guidance interval (0.19, 1.61], batch of images).
package epg.sample;

import epg.diffusion.KarrasGrid;

/**
 * @param sampler  the sampler with its own options
 * @param steps    Karras grid points n (ignored by one-/two-step sampling except for σ_max)
 * @param cfg      guidance weight w (1 = no guidance)
 * @param cfgLow   unshifted lower end of the guidance interval (exclusive)
 * @param cfgHigh  unshifted upper end (inclusive)
 * @param batch    images per denoiser batch (never changes the images)
 * @param float32Grid the Karras grid in float32 as torch computes it (reproduces the released sampler's trajectories
 *                 to float rounding) instead of double precision
 */
public record SampleOptions(Sampler sampler, int steps, double cfg, double cfgLow, double cfgHigh, int batch,
                            boolean float32Grid) {
    public SampleOptions {
        if (steps < 2) throw new IllegalArgumentException("steps must be >= 2, got " + steps);
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (!(cfgLow < cfgHigh))
            throw new IllegalArgumentException("guidance interval needs low < high, got " + cfgLow + ", " + cfgHigh);
    }

    /** With the grid in double precision. */
    public SampleOptions(Sampler sampler, int steps, double cfg, double cfgLow, double cfgHigh, int batch) {
        this(sampler, steps, cfg, cfgLow, cfgHigh, batch, false);
    }

    public static SampleOptions released(Sampler sampler) {
        return new SampleOptions(sampler, 32, 2.5, Guidance.RELEASED_LOW, Guidance.RELEASED_HIGH, 16);
    }

    public KarrasGrid grid(double shift) { return new KarrasGrid(steps, shift, float32Grid); }
}
