// Spec §3: one stage-1 training step as the Trainer runs it (RCM loss, AdamW, momentum EMA) on a synthetic batch.
package epg.bench;

import epg.config.ModelConfig;
import epg.data.Batch;
import epg.data.DatasetRegistry;
import epg.data.Loader;
import epg.train.AdamW;
import epg.train.PretrainConfig;
import epg.train.PretrainStage;
import epg.train.RunControl;

import java.util.Random;

/**
 * The real {@link PretrainStage} (online encoder in training mode, momentum encoder 0.99, consistency + symmetric
 * contrastive NT-Xent) with the released optimiser (AdamW β (0.9, 0.95), wd 0.03). The PyTorch twin is the
 * "pretrain" case of scripts/bench/torch_suite.py. Per image: 3 passes with gradient, 3 without.
 */
public final class PretrainStep implements Runnable {
    /** Forward-pass equivalents per image: 3 trained passes at 3 forwards each (backward ≈ 2) + 3 no-grad passes. */
    public static final int FORWARDS_PER_IMAGE = 12;

    private final StageStep step;

    public PretrainStep(ModelConfig model, int batchSize, boolean bf16, long seed) {
        PretrainConfig cfg = PretrainConfig.defaults(model, DatasetRegistry.DEFAULT, batchSize, 600_000)
                .withPrecision(bf16 ? "bf16" : "fp32").withSeed(seed).withRun(RunControl.DEFAULTS.withWorkers(1));
        this.step = new StageStep(new PretrainStage(cfg), cfg.trainerSettings().adam(),
                synthetic(batchSize, model.channels(), model.imageSize(), seed, true),
                bf16, cfg.scaledLr(), 0);
    }

    /** Independent standard-normal images: the clean image and, with {@code views}, the two MoCo views. */
    static Batch synthetic(int b, int channels, int res, long seed, boolean views) {
        Random r = new Random(seed);
        int n = b * channels * res * res;
        float[][] v = new float[views ? 3 : 1][n];
        for (float[] a : v) for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        int[] labels = new int[b], indices = new int[b];
        for (int i = 0; i < b; i++) { labels[i] = r.nextInt(10); indices[i] = i; }
        return new Batch(new Loader.Position(0, 0), b, channels, res, labels, indices, v[0], views ? v[1] : null, views
                ? v[2] : null);
    }

    @Override
    public void run() { step.run(); }
}
