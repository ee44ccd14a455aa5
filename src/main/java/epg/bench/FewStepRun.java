// Spec §6 (consistency models): one- and two-step sampling timed (ECT's rule, middle σ 0.821·s, no guidance).
package epg.bench;

import epg.config.ModelConfig;
import epg.diffusion.KarrasGrid;
import epg.diffusion.Preconditioning;
import epg.nn.EpgModel;
import epg.nn.Init;
import epg.sample.ModelDenoiser;
import epg.sample.OneStep;
import epg.sample.Sampler;
import epg.sample.SeedNoise;
import epg.sample.TwoStep;
import epg.tensor.Autocast;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.stream.LongStream;

/**
 * A randomly initialised EPG model under the consistency preconditioning, sampled by {@link OneStep} or
 * {@link TwoStep} (1 or 2 network calls per image). The PyTorch twins are the "sample-onestep" and "sample-twostep"
 * cases of scripts/bench/torch_suite.py (which draw the two-step noise once; here it is drawn per image, by seed, as
 * {@code epg sample} does).
 */
public final class FewStepRun {
    private final ModelConfig config;
    private final ModelDenoiser denoiser;
    private final Sampler sampler;
    private final Tensor noise, labels;
    private final SeedNoise steps;
    private final boolean bf16;

    /** @param calls 1 (one-step) or 2 (two-step) */
    public FewStepRun(ModelConfig config, int batch, boolean bf16, long seed, int calls) {
        if (calls != 1 && calls != 2) throw new IllegalArgumentException("few-step sampling takes 1 or 2 calls");
        Torch.init();
        Rng rng = new Rng(seed);
        EpgModel m = new EpgModel(config);
        Init.epg(m, rng);
        this.config = config;
        this.denoiser = new ModelDenoiser(m, Preconditioning.Kind.CONSISTENCY);
        this.sampler = calls == 1 ? new OneStep() : new TwoStep(TwoStep.ECT_MID_SIGMA);
        long[] image = {config.channels(), config.imageSize(), config.imageSize()};
        this.noise = Scope.keep(torch.randn(new long[]{batch, image[0], image[1], image[2]}, rng.optional(),
                Torch.options(ScalarType.Float)));                                              // [B, C, H, W]
        this.labels = Scope.keep(torch.randint(config.numClasses(), new long[]{batch}, rng.optional(),
                Torch.options(ScalarType.Long)));                                               // [B]
        this.steps = new SeedNoise(LongStream.range(0, batch).toArray(), image);
        this.bf16 = bf16;
    }

    /** One sampling of the batch. */
    public void sampleAll() {
        try (Scope s = Scope.open(); Autocast a = Autocast.cpu(bf16)) {
            sampler.sample(denoiser, noise, labels, new KarrasGrid(2, config.shift()), steps).sum().item_double();
        }
    }
}
