// Spec §3 (stage 1), §4 (stage 2a) and §5 (stage 2b) with the demo's short-run settings, built in one place.
package epg.demo;

import epg.config.ModelConfig;
import epg.diffusion.EctTimePair;
import epg.diffusion.SnappedLognormal;
import epg.train.FinetuneConfig;
import epg.train.PretrainConfig;
import epg.train.RunControl;
import epg.train.Task;

/**
 * The configuration records of the demo's training stages: the commands' released defaults except the short-run
 * choices below (docs/demo.md, "Choices for a short run"). One factory per stage kind.
 *
 * @param batch     batch of every stage
 * @param precision "bf16" or "fp32"
 * @param seed      seed of every stage
 */
record DemoConfigs(int batch, String precision, long seed) {
    /**
     * Learning rates of the short runs: pre-training's at batch 1024 (scaled: 6.25e-4 at batch 32); fine-tuning's
     * absolute (the released 1e-4 is for batch 1024 over a million steps).
     */
    static final double PRETRAIN_LR = 2e-2, DIFFUSION_LR = 8e-3, CONSISTENCY_LR = 1e-3;
    /**
     * Diffusion's noise levels and loss weights: EDM's weighting held at its σ = 0.5 value below σ = 0.5, and
     * ln σ ~ N(0, 1.6) instead of the released N(−1.2, 1.6). The released grid weights 1/(σ_i − σ_{i+1}) and
     * P_mean −1.2 leave the levels above σ ≈ 5 (1% of the draws, a thousandth of the weight) untrained in a short
     * run; there the denoiser stays worse than the mean image, and every sample starts from there
     * (docs/demo.md, "Choices for a short run").
     */
    static final double DIFFUSION_WEIGHT_FLOOR = 0.5, DIFFUSION_P_MEAN = 0.0;

    /** Stage 1: RCM pre-training of {@code model} for {@code steps}. */
    PretrainConfig pretrain(ModelConfig model, long steps) {
        PretrainConfig d = PretrainConfig.defaults(model, DemoStages.DATA, batch, steps);
        return d.withSchedule(d.schedule().withWarmup(DemoPlan.warmup(steps)))
                .withOptimiser(d.optimiser().withLr(PRETRAIN_LR)).withPrecision(precision).withSeed(seed)
                .withRun(run(steps));
    }

    /**
     * Stage 2a of {@code model} from {@code init} (an encoder file or "scratch") for {@code steps}: the released
     * settings with the demo's learning rate, warm-up, EMA, noise levels and loss weights, no intermediate previews.
     */
    FinetuneConfig diffusion(ModelConfig model, String init, long steps) {
        FinetuneConfig c = common(Task.DIFFUSION, model, init, steps, DIFFUSION_LR);
        SnappedLognormal n = c.noise();
        return c.withNoise(new SnappedLognormal(DIFFUSION_P_MEAN, n.pStd(), n.n(), SnappedLognormal.Weighting.EDM,
                DIFFUSION_WEIGHT_FLOOR));
    }

    /**
     * Stage 2b of {@code model} for {@code steps}, started from the stage-2a model file {@code init} (ECT's
     * initialisation; the paper starts from the encoder and a new decoder, which a few hundred steps cannot turn
     * into a one-step generator), with the auxiliary loss through the stage-1 encoder {@code rcm}: one ECT stage
     * for the whole run (r stays far from t), no decoder dropout.
     */
    FinetuneConfig consistency(ModelConfig model, String init, String rcm, long steps) {
        FinetuneConfig c = common(Task.CONSISTENCY, model, init, steps, CONSISTENCY_LR).withRcm(rcm);
        c = c.withModel(c.model().withDropout(0, c.model().attnDropout()));
        EctTimePair e = c.consistency().timePair();
        return c.withConsistency(c.consistency().withTimePair(
                new EctTimePair(e.pMean(), e.pStd(), e.q(), e.k(), e.b(), steps, steps, e.delta())));
    }

    private FinetuneConfig common(Task task, ModelConfig model, String init, long steps, double lr) {
        FinetuneConfig d = FinetuneConfig.defaults(task, model, DemoStages.DATA, init, batch, steps);
        return d.withSchedule(d.schedule().withWarmup(DemoPlan.warmup(steps))).withOptimiser(d.optimiser().withLr(lr))
                .withEma(emaRate(steps)).withPrecision(precision).withSeed(seed).withRun(run(steps));
    }

    /** The commands' run control with about 100 log lines, one checkpoint (at the end), no previews before it. */
    private static RunControl run(long steps) {
        return RunControl.DEFAULTS.withLogEvery(logEvery(steps)).withCheckpointEvery(checkpointEvery(steps))
                .withPreviewEvery(0);
    }

    /**
     * The sampling EMA's rate for a run of {@code steps}: a time constant of a tenth of the run, between 0.9 and the
     * released 0.9999 (which over a thousand steps would leave the EMA weights 90% at their initialisation).
     */
    static double emaRate(long steps) { return Math.min(0.9999, Math.max(0.9, 1 - 10.0 / steps)); }

    /** About a hundred log lines per run. */
    private static int logEvery(long steps) { return (int) Math.max(1, steps / 100); }

    /** One checkpoint, at the end (the run directory stays resumable). */
    private static int checkpointEvery(long steps) { return (int) Math.min(Integer.MAX_VALUE, steps); }
}
