// Helpers for the training tests: a tiny RCM network, a small synthetic dataset and a pre-training configuration.
package epg;

import epg.config.ModelConfig;
import epg.data.ByteImage;
import epg.data.Dataset;
import epg.train.FinetuneConfig;
import epg.train.PretrainConfig;
import epg.train.RunControl;
import epg.train.Task;

import java.util.SplittableRandom;

public final class TinyRuns {
    private TinyRuns() {}

    /** 16 px grey, patch 4 (16 tokens), depth 1, width 32, projector 64 → 16. */
    public static ModelConfig rcm() {
        oneThread();
        return ModelConfig.builder("RCM-tiny", ModelConfig.Kind.RCM).image(16, 4).channels(1).encoder(1, 32, 2)
                .projector(64, 16, 3).classes(4).fusedAttention(false).build();
    }

    /** The EPG counterpart of {@link #rcm()}: same encoder, one decoder block of width 32. */
    public static ModelConfig epg() {
        oneThread();
        return ModelConfig.builder("EPG-tiny", ModelConfig.Kind.EPG).image(16, 4).channels(1).encoder(1, 32, 2)
                .decoder(1, 32, 2).classes(4).fusedAttention(false).build();
    }

    /** A tiny fine-tuning run of {@code task} from {@code init} ("scratch" or an encoder file); EMA 0.9, warm-up 2. */
    public static FinetuneConfig finetune(Task task, String init, long steps, int batch, int checkpointEvery) {
        var d = FinetuneConfig.defaults(task, epg(), "synthetic", init, batch, steps);
        return d.withSchedule(d.schedule().withWarmup(Math.min(2, steps - 1))).withOptimiser(d.optimiser().withLr(1e-3))
                .withEma(0.9).withConsistency(d.consistency().withTimePair(epg.diffusion.EctTimePair.scaled(4)))
                .withRun(tinyRun(2, checkpointEvery));
    }

    /** Log every {@code logEvery}, checkpoint every {@code checkpointEvery}, keep all, preview at the end, 1 worker. */
    private static RunControl tinyRun(int logEvery, int checkpointEvery) {
        return RunControl.DEFAULTS.withLogEvery(logEvery).withCheckpointEvery(checkpointEvery).withKeepCheckpoints(0)
                .withPreviewEvery(0).withWorkers(1);
    }

    /**
     * {@code cfg} without decoder dropout (its masks are per rank) and at lr 1e-4: Adam turns float-rounding
     * differences
     * of near-zero gradients into steps of size lr, so the data-parallel comparison runs at a tenth of the tiny runs'
     * lr.
     */
    public static FinetuneConfig forDataParallel(FinetuneConfig c) {
        return c.withModel(c.model().withDropout(0, 0)).withOptimiser(c.optimiser().withLr(1e-4));
    }

    /** {@code n} random 16×16 grey images with labels i mod 4. */
    public static Dataset synthetic(int n) {
        byte[][] images = new byte[n][];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            images[i] = new byte[16 * 16];
            for (int p = 0; p < images[i].length; p++) images[i][p] = (byte) r.nextInt(256);
        }
        return new Dataset() {
            public int size() { return n; }
            public int numClasses() { return 4; }
            public int label(int i) { return i % 4; }
            public ByteImage image(int i) { return new ByteImage(16, 16, 1, images[i].clone()); }
            public int channels() { return 1; }
        };
    }

    /** One libtorch thread: the tiny tensors gain nothing from more, and the shared test machine is busy. */
    public static void oneThread() {
        epg.tensor.Torch.init();
        org.bytedeco.pytorch.global.torch.set_num_threads(1);
    }

    public static PretrainConfig config(long steps, int batch, boolean contrastive, String temperature,
            int checkpointEvery) {
        PretrainConfig d = PretrainConfig.defaults(rcm(), "synthetic", batch, steps);
        return d.withSchedule(d.schedule().withWarmup(2)).withOptimiser(d.optimiser().withLr(6e-4 * 1024 / batch * 10))
                .withObjective(d.objective().withTemperature(temperature).withTerms(contrastive, true))
                .withRun(tinyRun(5, checkpointEvery));
    }

    /**
     * A random EPG model for sampling tests: 8 px RGB, patch 4 (4 tokens), one 16-wide block each side, 4 classes;
     * the zero-initialised head made non-zero.
     */
    public static epg.nn.EpgModel samplingModel() {
        ModelConfig c = new ModelConfig("EPG-tiny", ModelConfig.Kind.EPG, 8, 4, 3, 1, 16, 2, 1, 16, 2, 4, 2, 0, 0, 0, 0,
                0, false);
        epg.nn.EpgModel m = new epg.nn.EpgModel(c);
        epg.tensor.Rng rng = new epg.tensor.Rng(1);
        epg.nn.Init.epg(m, rng);
        try (org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
            m.out.weight.normal_(0, 0.5, rng.optional());
            m.out.bias.normal_(0, 0.2, rng.optional());
        }
        return m;
    }

    /** {@link #samplingModel()} saved as a model file (no metadata) at {@code file}; returns {@code file}. */
    public static java.nio.file.Path savedSamplingModel(java.nio.file.Path file) throws java.io.IOException {
        epg.nn.ModelFile.save(file, samplingModel(), java.util.Map.of());
        return file;
    }
}
