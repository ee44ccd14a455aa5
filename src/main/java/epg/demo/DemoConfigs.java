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
    static final double PRETRAIN_LR = 2e-2, DIFFUSION_LR = 1e-3, CONSISTENCY_LR = 2e-4;
    /**
     * Unshifted σ below which the diffusion loss weights stay at that level's: unfloored, the levels near σ_min take
     * nearly all of a short run's gradient (EPG-T, 8000 steps: blocky noise unfloored, garments floored).
     */
    static final double DIFFUSION_WEIGHT_FLOOR = 0.5;
    /** Stage 1: RCM pre-training of {@code model} for {@code steps}. */
    PretrainConfig pretrain(ModelConfig model, long steps) {
        PretrainConfig d = PretrainConfig.defaults(model, DemoStages.DATA, batch, steps);
        return d.withSchedule(d.schedule().withWarmup(DemoPlan.warmup(steps)))
                .withOptimiser(d.optimiser().withLr(PRETRAIN_LR)).withPrecision(precision).withSeed(seed)
                .withRun(run(steps));
    }

    /**
     * Stage 2a or 2b of {@code model} from {@code init} for {@code steps}: the task's released settings with the
     * demo's learning rate, warm-up, EMA, no intermediate previews; diffusion with the loss-weight floor, consistency
     * with ECT stages of a quarter of the run (r approaches t three times instead of never; 100k released).
     */
    FinetuneConfig finetune(Task task, ModelConfig model, String init, long steps) {
        FinetuneConfig d = FinetuneConfig.defaults(task, model, DemoStages.DATA, init, batch, steps);
        boolean diffusion = task == Task.DIFFUSION;
        FinetuneConfig c = d.withSchedule(d.schedule().withWarmup(DemoPlan.warmup(steps)))
                .withOptimiser(d.optimiser().withLr(diffusion ? DIFFUSION_LR : CONSISTENCY_LR)).withEma(emaRate(steps))
                .withPrecision(precision).withSeed(seed).withRun(run(steps));
        if (diffusion) {
            SnappedLognormal n = c.noise();
            return c.withNoise(new SnappedLognormal(n.pMean(), n.pStd(), n.n(), n.weighting(), DIFFUSION_WEIGHT_FLOOR));
        }
        EctTimePair e = c.consistency().timePair();
        long stage = Math.max(1, steps / 4);
        return c.withConsistency(c.consistency().withTimePair(
                new EctTimePair(e.pMean(), e.pStd(), e.q(), e.k(), e.b(), stage, stage, e.delta())));
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
