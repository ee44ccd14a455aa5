// Spec §6: the released sampling settings timed (Heun, 32 grid points, CFG w = 2.5 on the interval (0.19, 1.61]).
package epg.bench;

import epg.config.ModelConfig;
import epg.diffusion.KarrasGrid;
import epg.diffusion.Preconditioning;
import epg.nn.EpgModel;
import epg.nn.Init;
import epg.sample.Guidance;
import epg.sample.Heun;
import epg.sample.ModelDenoiser;
import epg.sample.Denoiser;
import epg.tensor.Autocast;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A randomly initialised EPG model as the denoiser of {@link Heun} with {@link Guidance}. Small models run the whole
 * sampler; for large ones the cost is extrapolated from timed network calls at batch B (unguided) and 2B (guided):
 * unguided·T(B) + guided·T(2B), with the call counts of the grid (62 calls, 12 of them guided at 256 px: NFE 74).
 * The PyTorch twins are the "sample" and "sample-calls" cases of scripts/bench/torch_suite.py.
 */
public final class SamplingRun {
    public static final int POINTS = 32;
    public static final double CFG = 2.5;

    private final ModelConfig config;
    private final ModelDenoiser denoiser;
    private final Tensor noise, labels;
    private final boolean bf16;

    public SamplingRun(ModelConfig config, int batch, boolean bf16, long seed) {
        Torch.init();
        Rng rng = new Rng(seed);
        EpgModel m = new EpgModel(config);
        Init.epg(m, rng);
        this.config = config;
        this.denoiser = new ModelDenoiser(m, Preconditioning.Kind.DIFFUSION);
        this.noise = Scope.keep(torch.randn(new long[]{batch, config.channels(), config.imageSize(),
                config.imageSize()}, rng.optional(), Torch.options(ScalarType.Float)));
        this.labels = Scope.keep(torch.randint(config.numClasses(), new long[]{batch}, rng.optional(),
                Torch.options(ScalarType.Long)));
        this.bf16 = bf16;
    }

    public Guidance guidance() {
        return new Guidance(denoiser, CFG, Guidance.RELEASED_LOW, Guidance.RELEASED_HIGH, config.shift(),
                config.numClasses());
    }

    public KarrasGrid grid() { return new KarrasGrid(POINTS, config.shift()); }

    /**
     * Network calls of one Heun pass over the grid: {calls, guided calls}, counted by running the sampler with a
     * stand-in denoiser on one pixel; network evaluations per image = calls + guided (74 at 256 px).
     */
    public static int[] calls(ModelConfig config) {
        int[] n = {0};
        Denoiser count = (x, sigma, y) -> { n[0]++; return x; };
        Guidance g = new Guidance(count, CFG, Guidance.RELEASED_LOW, Guidance.RELEASED_HIGH, config.shift(),
                config.numClasses());
        try (Scope s = Scope.open()) {
            new Heun().sample(g, Torch.zeros(1, 1, 1, 1), Torch.fromLongs(new long[]{0}, 1),
                    new KarrasGrid(POINTS, config.shift()), null);
        }
        return new int[]{n[0], (int) g.evaluations() - n[0]};
    }

    /** One complete sampling of the batch. */
    public void sampleAll() {
        try (Scope s = Scope.open(); Autocast a = Autocast.cpu(bf16)) {
            new Heun().sample(guidance(), noise, labels, grid(), null).sum().item_double();
        }
    }

    /** One unguided denoiser call at batch B ({@code doubled} false) or one network call at 2B (a guided call). */
    public Runnable call(boolean doubled) {
        return () -> {
            try (Scope s = Scope.open(); Autocast a = Autocast.cpu(bf16)) {
                Tensor x = doubled ? torch.cat(new TensorVector(noise, noise), 0) : noise;       // [B or 2B, C, H, W]
                Tensor y = doubled ? torch.cat(new TensorVector(labels, labels), 0) : labels;    // [B or 2B]
                Tensor sigma = torch.full(new long[]{x.size(0)}, Torch.scalar(grid().sigma(10)));
                denoiser.denoise(x.mul(Torch.scalar(grid().sigma(10))), sigma, y).sum().item_double();
            }
        };
    }
}
