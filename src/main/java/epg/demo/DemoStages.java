// Spec §3–§7 at demo scale: each stage of `epg demo` as a library call (the records and stages `epg pretrain`,
// `epg train`, `epg sample` and `epg evaluate` build), shared by the calibration and the run.
package epg.demo;

import epg.config.ModelConfig;
import epg.config.Presets;
import epg.data.Dataset;
import epg.data.DatasetRegistry;
import epg.data.Loader;
import epg.data.Normalization;
import epg.diffusion.KarrasGrid;
import epg.diffusion.Preconditioning;
import epg.dist.Distributed;
import epg.metrics.Evaluation;
import epg.metrics.EvaluationResult;
import epg.metrics.FeatureExtractor;
import epg.sample.Guidance;
import epg.sample.Heun;
import epg.sample.Labels;
import epg.sample.ModelDenoiser;
import epg.sample.OneStep;
import epg.sample.SampleOptions;
import epg.sample.SampleRun;
import epg.tensor.Autocast;
import epg.tensor.Scope;
import epg.tensor.Torch;
import epg.train.FinetuneConfig;
import epg.train.PretrainConfig;
import epg.train.PretrainStage;
import epg.train.RunDir;
import epg.train.Stage;
import epg.train.Task;
import epg.train.TrainState;
import epg.train.Trainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.IntConsumer;
import java.util.stream.LongStream;

/** Trains, samples and evaluates with the options of one demo run; the training data is opened once. */
final class DemoStages {
    /** The demo's data and presets. */
    static final String DATA = DatasetRegistry.DEFAULT, RCM_PRESET = "RCM-T/8", EPG_PRESET = "EPG-T/8";
    /** Training resolution: Fashion-MNIST padded 28 → 32 px. */
    static final int RESOLUTION = 32;
    /** Images per feature-extraction batch. */
    static final int FEATURE_BATCH = 50;

    private final DemoConfigs configs;
    private final boolean bf16;
    private Dataset data;

    DemoStages(DemoConfigs configs, boolean bf16) {
        this.configs = configs;
        this.bf16 = bf16;
    }

    /** Stage 1 into {@code out} up to step {@code stopAt} of {@code steps}. */
    TrainState pretrain(Path out, long steps, long stopAt, Trainer.Listener listener) throws IOException {
        PretrainConfig cfg = configs.pretrain(model(RCM_PRESET), steps);
        return train(new PretrainStage(cfg, Distributed.single()), cfg.trainerSettings(), cfg, cfg.loaderConfig(), out,
                stopAt, listener);
    }

    /** Stage 2a from {@code init} ("scratch" or an encoder file) into {@code out}. */
    TrainState diffusion(String init, Path out, long steps, long stopAt, Trainer.Listener listener)
            throws IOException {
        return finetune(configs.diffusion(model(EPG_PRESET), init, steps), out, stopAt, listener);
    }

    /** Stage 2b from the stage-2a model file {@code init}, auxiliary loss through encoder {@code rcm}, into out. */
    TrainState consistency(String init, String rcm, Path out, long steps, long stopAt, Trainer.Listener listener)
            throws IOException {
        return finetune(configs.consistency(model(EPG_PRESET), init, rcm, steps), out, stopAt, listener);
    }

    private TrainState finetune(FinetuneConfig cfg, Path out, long stopAt, Trainer.Listener listener)
            throws IOException {
        return train(cfg.task().stage(cfg, Distributed.single()), cfg.trainerSettings(), cfg, cfg.loaderConfig(), out,
                stopAt, listener);
    }

    private TrainState train(Stage stage, Trainer.Settings settings, Object cfg, Loader.Config loader, Path out,
                             long stopAt, Trainer.Listener listener) throws IOException {
        Trainer trainer = new Trainer(stage, settings, new RunDir(out), cfg, Distributed.single());
        return trainer.run(openData(), loader, stopAt, listener);
    }

    /**
     * {@code n} class-balanced samples (seeds from the run's seed) of {@code model} into {@code dir}, in batches of
     * {@code batch}: Heun over {@code points} with guidance w = {@code cfg} in the released interval, or one step; in
     * the training precision. {@code progress} hears the images done after each batch.
     */
    SampleRun.Result sample(Path model, boolean heun, int points, double cfg, int n, int batch, Path dir,
                            IntConsumer progress) throws IOException {
        Preconditioning.Kind kind = heun ? Preconditioning.Kind.DIFFUSION : Preconditioning.Kind.CONSISTENCY;
        try (Scope s = Scope.open()) {
            ModelDenoiser m = ModelDenoiser.load(model, null, null, kind);
            Normalization norm = Normalization.parse(m.metadata().getOrDefault("normalization", "simple"))
                    .forChannels(m.model().config.channels());
            SampleOptions so = new SampleOptions(heun ? new Heun() : new OneStep(), points, heun ? cfg : 1.0,
                    DemoPlan.GUIDANCE_LOW, DemoPlan.GUIDANCE_HIGH, batch);
            long[] seeds = LongStream.range(0, n).map(k -> k + configs.seed()).toArray();
            try (Autocast a = Autocast.cpu(bf16)) { // the precision the network was trained in
                return SampleRun.of(m, norm, so).run(seeds, Labels.balanced(n, m.model().config.numClasses()), dir,
                        progress);
            }
        }
    }

    /** Fréchet distance of {@code samples} to {@code reference} (both ADM npz) in {@code features}' space. */
    static EvaluationResult evaluate(FeatureExtractor features, Path samples, Path reference, PrintWriter log)
            throws IOException {
        try (Scope s = Scope.open()) {
            return Evaluation.run(features, samples, reference, FEATURE_BATCH, log);
        }
    }

    /**
     * Network evaluations per image of a Heun pass over {@code points} with guidance w = {@code cfg} (a guided call
     * counts 2), counted with a stand-in denoiser on one pixel.
     */
    long heunEvaluations(int points, double cfg) {
        ModelConfig m = model(EPG_PRESET);
        Guidance g = new Guidance((x, sigma, y) -> x, cfg, DemoPlan.GUIDANCE_LOW, DemoPlan.GUIDANCE_HIGH, m.shift(),
                m.numClasses());
        try (Scope s = Scope.open()) {
            new Heun().sample(g, Torch.zeros(1, 1, 1, 1), Torch.fromLongs(new long[]{0}, 1),
                    new KarrasGrid(points, m.shift()), null);
        }
        return g.evaluations();
    }

    /** The preset at the demo's 32 px (Fashion-MNIST padded 28 → 32) with the fused attention kernel. */
    private ModelConfig model(String preset) {
        return Presets.get(preset).withData(RESOLUTION, openData().channels(), openData().numClasses())
                .withFusedAttention(true);
    }

    /** The training split, opened on first use. */
    Dataset openData() {
        if (data == null) data = PretrainStage.openData(DATA);
        return data;
    }
}
