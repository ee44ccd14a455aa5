// Spec §3: every setting of stage 1 (RCM pre-training), resolved and validated; written as the run's config.json.
package epg.train;

import epg.config.ModelConfig;
import epg.data.Loader;
import epg.nn.VitEncoder;
import epg.tensor.Precision;

import java.util.Set;

/**
 * An immutable pre-training configuration, written flat as the run's config.json. Defaults (see {@link #defaults})
 * are the released code's values unless noted (the paper's alternatives are selectable).
 *
 * @param model         the RCM network, already sized for the data (imageSize = resolution, channels, classes)
 * @param source        the data and its normalisation
 * @param schedule      batch, steps K (600k in the paper) and warm-up before the cosine decay (10k)
 * @param optimiser     AdamW: lr 6e-4 at batch 1024, scaled linearly to the batch; β1 0.9; β2 0.95 released (0.999
 *                      in the paper's table); weight decay 0.03 for S and B, 0.05 for L
 * @param noDecayTokens exempt pos_embed and cls_token from weight decay (off)
 * @param objective     the loss terms, the temperature schedule and the momentum encoder
 * @param precision     "fp32" (default), "bf16" (autocast, CPU or CUDA) or "fp16" (autocast with loss scaling,
 *                      CUDA only)
 * @param seed          seed of initialisation, noise draws and data order (0)
 * @param run           device, intervals, threads: what a resumed run may change
 */
public record PretrainConfig(ModelConfig model, DataSource source, Schedule schedule, Optimiser optimiser,
                             boolean noDecayTokens, RcmObjective objective, String precision, long seed,
                             RunControl run) {
    public PretrainConfig {
        if (model == null || model.kind() != ModelConfig.Kind.RCM)
            throw new IllegalArgumentException("pre-training needs an RCM preset (e.g. RCM-T, RCM-B)");
        if (source == null || schedule == null || optimiser == null || objective == null || run == null)
            throw new IllegalArgumentException("data, schedule, optimiser, objective and run settings are required");
        run.check(Precision.parse(precision == null ? "" : precision));
    }

    /** The released settings for a model, data, batch and run length. */
    public static PretrainConfig defaults(ModelConfig model, String data, int batch, long steps) {
        return new PretrainConfig(model, new DataSource(data, "imagenet"), Schedule.of(batch, steps),
                new Optimiser(6e-4, 0.9, 0.95, defaultWeightDecay(model)), false, RcmObjective.RELEASED, "fp32", 0,
                RunControl.DEFAULTS);
    }

    /** The released weight decay for a model: 0.05 for width ≥ 1024 (RCM-L), else 0.03. */
    public static double defaultWeightDecay(ModelConfig model) { return model.dim() >= 1024 ? 0.05 : 0.03; }

    /** The peak learning rate at this batch size. */
    public double scaledLr() { return LrSchedule.scaleForBatch(optimiser.lr(), schedule.batch()); }

    public Trainer.Settings trainerSettings() {
        AdamW.Options adam = optimiser.adam(noDecayTokens ? VitEncoder.NO_WEIGHT_DECAY : Set.of());
        LrSchedule lr = LrSchedule.cosine(scaledLr(), schedule.warmup(), schedule.steps());
        return new Trainer.Settings(schedule, lr, adam, 0, Precision.parse(precision), run);
    }

    public Loader.Config loaderConfig() {
        return source.loader(schedule, model.imageSize(), Loader.Mode.PRETRAIN, seed, run);
    }

    public PretrainConfig withSchedule(Schedule schedule) {
        return new PretrainConfig(model, source, schedule, optimiser, noDecayTokens, objective, precision, seed, run);
    }

    public PretrainConfig withOptimiser(Optimiser optimiser) {
        return new PretrainConfig(model, source, schedule, optimiser, noDecayTokens, objective, precision, seed, run);
    }

    public PretrainConfig withNoDecayTokens(boolean noDecayTokens) {
        return new PretrainConfig(model, source, schedule, optimiser, noDecayTokens, objective, precision, seed, run);
    }

    public PretrainConfig withObjective(RcmObjective objective) {
        return new PretrainConfig(model, source, schedule, optimiser, noDecayTokens, objective, precision, seed, run);
    }

    public PretrainConfig withPrecision(String precision) {
        return new PretrainConfig(model, source, schedule, optimiser, noDecayTokens, objective, precision, seed, run);
    }

    public PretrainConfig withSeed(long seed) {
        return new PretrainConfig(model, source, schedule, optimiser, noDecayTokens, objective, precision, seed, run);
    }

    public PretrainConfig withRun(RunControl run) {
        return new PretrainConfig(model, source, schedule, optimiser, noDecayTokens, objective, precision, seed, run);
    }
}
