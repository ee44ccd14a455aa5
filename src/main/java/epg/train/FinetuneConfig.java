// Spec §4 (stage 2a, diffusion) and §5 (stage 2b, consistency): every fine-tuning setting, resolved and validated.
package epg.train;

import epg.config.ModelConfig;
import epg.data.Loader;
import epg.diffusion.SnappedLognormal;
import epg.nn.VitEncoder;
import epg.tensor.Precision;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * An immutable fine-tuning configuration, written flat as the run's config.json. Defaults (see {@link #defaults})
 * are the released code's values unless noted; {@link Task} holds those that differ between tasks. Unlike
 * pre-training, the learning rate is absolute (not scaled by batch/1024).
 *
 * @param task         DIFFUSION (x-prediction, spec §4) or CONSISTENCY (ECT, spec §5)
 * @param model        the EPG network, already sized for the data (dropout included: 0.5 for consistency)
 * @param source       the data and its normalisation
 * @param init         "scratch" (the paper's baseline) or an encoder file: a stage-1 run's encoder.safetensors, a
 *                     released RCM checkpoint (.pth/.safetensors); its projector is dropped, the decoder initialised
 * @param rcm          consistency only: the frozen RCM encoder with projector for the auxiliary loss (default: init)
 * @param schedule     batch (1024 in the paper), steps K and warm-up (10k)
 * @param optimiser    AdamW: lr 1e-4, β1 0.9, β2 0.999 diffusion / 0.99 consistency, weight decay 0.01 diffusion /
 *                     0.03 consistency (released; 0.01 in the paper's table)
 * @param clipNorm     gradient-norm clipping after warm-up (0.5 diffusion; 0 = off, consistency)
 * @param ema          EMA rate of the sampling weights (0.9999)
 * @param labelDropout probability of replacing a label by the unconditional class (0.1 diffusion, 0 consistency)
 * @param noise        diffusion: σ ~ exp(N(−1.2, 1.6)) snapped to the 1280-point grid
 * @param consistency  consistency: the ECT time pairs, pseudo-Huber c, auxiliary RCM loss and step-wise learning rates
 * @param precision    "fp32" (default), "bf16" (autocast, CPU or CUDA) or "fp16" (autocast with loss scaling,
 *                     CUDA only)
 * @param seed         seed of initialisation, noise, dropout and data order (0)
 * @param run          device, intervals, threads: what a resumed run may change
 */
public record FinetuneConfig(Task task, ModelConfig model, DataSource source, String init, String rcm,
                             Schedule schedule, Optimiser optimiser, EncoderTraining encoder, double clipNorm,
                             double ema, double labelDropout, SnappedLognormal noise, ConsistencyTerms consistency,
                             String precision, long seed, RunControl run) {
    public static final String SCRATCH = "scratch";

    public FinetuneConfig {
        if (task == null) throw new IllegalArgumentException("task must be diffusion or consistency");
        if (model == null || model.kind() != ModelConfig.Kind.EPG)
            throw new IllegalArgumentException("fine-tuning needs an EPG preset (e.g. EPG-T, EPG-B/16)");
        if (source == null || schedule == null || optimiser == null || noise == null || consistency == null
                || run == null)
            throw new IllegalArgumentException("data, schedule, optimiser, noise, consistency and run are required");
        if (encoder == null) encoder = EncoderTraining.DEFAULT;
        if (init == null || init.isBlank())
            throw new IllegalArgumentException(
                    "init must be 'scratch' or an encoder file (a stage-1 run's encoder.safetensors)");
        if (task == Task.CONSISTENCY && consistency.auxWeight() > 0 && rcm == null && init.equals(SCRATCH))
            throw new IllegalArgumentException("the consistency auxiliary loss needs a pre-trained RCM encoder: "
                    + "pass --rcm FILE or --aux-weight 0");
        if (encoder.freezeEncoder() && SCRATCH.equals(init))
            throw new IllegalArgumentException("--freeze-encoder needs a pre-trained encoder: pass --init FILE");
        if (!(clipNorm >= 0)) throw new IllegalArgumentException("clip norm must be >= 0 (0 = off), got " + clipNorm);
        if (!(ema >= 0 && ema < 1)) throw new IllegalArgumentException("EMA rate must be in [0, 1), got " + ema);
        if (!(labelDropout >= 0 && labelDropout <= 1))
            throw new IllegalArgumentException("label dropout must be in [0, 1], got " + labelDropout);
        run.check(Precision.parse(precision == null ? "" : precision));
    }

    /**
     * The released settings of a task for a model, data and init (from scratch, the consistency auxiliary loss is off:
     * there is no pre-trained encoder); everything else is adjusted with the {@code with…} methods.
     */
    public static FinetuneConfig defaults(Task task, ModelConfig model, String data, String init, int batch,
            long steps) {
        ConsistencyTerms terms = ConsistencyTerms.released(SCRATCH.equals(init) ? 0 : 1);
        FinetuneConfig common = new FinetuneConfig(task, model, new DataSource(data, "imagenet"), init, null,
                Schedule.of(batch, steps), new Optimiser(1e-4, 0.9, 0.999, 0.01), EncoderTraining.DEFAULT, 0, 0.9999, 0,
                SnappedLognormal.released(), terms, "fp32", 0, RunControl.DEFAULTS);
        return task.released(common);
    }

    /** The file the auxiliary loss's frozen encoder comes from: rcm, else init. */
    public String rcmFile() { return rcm != null ? rcm : init; }

    /** The learning-rate factor of each named parameter of the EPG network (empty: all 1). */
    public Map<String, Double> lrScales(Collection<String> names) {
        return encoder.lrScales(names, model.depth(), model.decoderDepth());
    }

    public LrSchedule lrSchedule() {
        Optimiser o = optimiser;
        return task == Task.DIFFUSION ? LrSchedule.cosine(o.lr(), schedule.warmup(), schedule.steps())
                : LrSchedule.stepwise(o.lr(), schedule.warmup(), consistency.lrMilestones(), consistency.lrValues());
    }

    /**
     * As released for both tasks (param_groups_wd): pos_embed and cls_token take no weight decay, every other
     * parameter (biases and norms included) takes the configured decay.
     */
    public Trainer.Settings trainerSettings() {
        Precision p = Precision.parse(precision);
        return new Trainer.Settings(schedule, lrSchedule(), optimiser.adam(VitEncoder.NO_WEIGHT_DECAY), clipNorm, p,
                run);
    }

    public Loader.Config loaderConfig() {
        return source.loader(schedule, model.imageSize(), Loader.Mode.FINETUNE, seed, run);
    }

    public FinetuneConfig withModel(ModelConfig model) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withSource(DataSource source) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withRcm(String rcm) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withSchedule(Schedule schedule) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withOptimiser(Optimiser optimiser) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withEncoder(EncoderTraining encoder) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withClipNorm(double clipNorm) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withEma(double ema) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withLabelDropout(double labelDropout) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withNoise(SnappedLognormal noise) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withConsistency(ConsistencyTerms consistency) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withPrecision(String precision) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withSeed(long seed) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }

    public FinetuneConfig withRun(RunControl run) {
        return new FinetuneConfig(task, model, source, init, rcm, schedule, optimiser, encoder, clipNorm, ema,
                labelDropout, noise, consistency, precision, seed, run);
    }
}
