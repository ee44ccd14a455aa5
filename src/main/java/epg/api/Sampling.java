// Spec §6 (released sampling settings), as the library's one-call entry points take them.
package epg.api;

import epg.sample.Guidance;
import epg.sample.SampleOptions;
import epg.sample.Samplers;
import epg.sample.TwoStep;
import epg.tensor.Devices;
import epg.tensor.Precision;

/**
 * How to sample: the sampler and its grid, guidance, batch, device and precision. Immutable; start from
 * {@link #heun()} (or {@link #of}) and change what differs:
 * {@code Sampling.heun().withCfg(2.5).on("cuda")}. The same settings as {@code epg sample}'s options.
 *
 * @param sampler   a sampler name of {@code epg sample --sampler}: heun, euler, euler-sde, euler-ancestral, edm-sde,
 *                  onestep, twostep
 * @param points    Karras grid points (points − 1 steps; one- and two-step sampling use σ_max only)
 * @param cfg       guidance weight w, 1 = none (released: 2.5 at 256 px)
 * @param cfgLow    unshifted lower end of the guidance interval (exclusive)
 * @param cfgHigh   unshifted upper end of the guidance interval (inclusive)
 * @param midSigma  two-step sampling's unshifted middle σ
 * @param batch     images per network call (changes no image beyond float rounding)
 * @param device    "cpu", "cuda" or "cuda:N" (CUDA untested on a GPU)
 * @param precision fp32, or bf16/fp16 autocast of the network
 */
public record Sampling(String sampler, int points, double cfg, double cfgLow, double cfgHigh, double midSigma,
                       int batch, String device, Precision precision) {
    public Sampling {
        Samplers.named(sampler);
        Devices.check(device);
        if (precision == null) throw new IllegalArgumentException("precision must be fp32, bf16 or fp16");
        options(new Sampling.Checked(sampler, points, cfg, cfgLow, cfgHigh, midSigma, batch));
    }

    /** The values SampleOptions validates. */
    private record Checked(String sampler, int points, double cfg, double cfgLow, double cfgHigh, double midSigma,
                           int batch) {}

    /** Heun on 32 points without guidance, 16 images per call, on the CPU in float32. */
    public static Sampling heun() { return of("heun"); }

    /** {@code sampler} with the defaults of {@link #heun()}. */
    public static Sampling of(String sampler) {
        return new Sampling(sampler, 32, 1.0, Guidance.RELEASED_LOW, Guidance.RELEASED_HIGH, TwoStep.ECT_MID_SIGMA,
                16, "cpu", Precision.FP32);
    }

    /** The same with {@code points} grid points. */
    public Sampling withPoints(int points) {
        return new Sampling(sampler, points, cfg, cfgLow, cfgHigh, midSigma, batch, device, precision);
    }

    /** The same with guidance weight {@code w}. */
    public Sampling withCfg(double w) {
        return new Sampling(sampler, points, w, cfgLow, cfgHigh, midSigma, batch, device, precision);
    }

    /** The same with the guidance interval (low, high], unshifted. */
    public Sampling withCfgInterval(double low, double high) {
        return new Sampling(sampler, points, cfg, low, high, midSigma, batch, device, precision);
    }

    /** The same with {@code batch} images per network call. */
    public Sampling withBatch(int batch) {
        return new Sampling(sampler, points, cfg, cfgLow, cfgHigh, midSigma, batch, device, precision);
    }

    /** The same on {@code device}. */
    public Sampling on(String device) {
        return new Sampling(sampler, points, cfg, cfgLow, cfgHigh, midSigma, batch, device, precision);
    }

    /** The same in {@code precision}. */
    public Sampling withPrecision(Precision precision) {
        return new Sampling(sampler, points, cfg, cfgLow, cfgHigh, midSigma, batch, device, precision);
    }

    /** The registry entry of the sampler. */
    public Samplers entry() { return Samplers.named(sampler); }

    /** The sampling driver's options. */
    public SampleOptions options() {
        return options(new Checked(sampler, points, cfg, cfgLow, cfgHigh, midSigma, batch));
    }

    private static SampleOptions options(Checked c) {
        return new SampleOptions(Samplers.named(c.sampler()).make(new Samplers.Options(c.midSigma())), c.points(),
                c.cfg(), c.cfgLow(), c.cfgHigh(), c.batch());
    }
}
