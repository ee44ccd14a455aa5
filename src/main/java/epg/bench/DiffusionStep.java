// Spec §4: one stage-2a training step as the Trainer runs it (loss, clip 0.5, AdamW, EMA 0.9999) on a synthetic batch.
package epg.bench;

import epg.config.ModelConfig;
import epg.data.DatasetRegistry;
import epg.train.AdamW;
import epg.train.DiffusionStage;
import epg.train.FinetuneConfig;
import epg.train.Task;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The real {@link DiffusionStage} from scratch with the released settings (x-prediction on the snapped 1280-point
 * grid, label dropout 0.1, AdamW (0.9, 0.999, wd 0.01), clipping at 0.5 as after warm-up, EMA 0.9999). The
 * PyTorch twin is the "diffusion" case of scripts/bench/torch_suite.py.
 */
public final class DiffusionStep implements Runnable {
    /** Forward-pass equivalents per image: one trained pass (forward + backward ≈ 3 forwards). */
    public static final int FORWARDS_PER_IMAGE = 3;

    private final StageStep step;

    public DiffusionStep(ModelConfig model, int batchSize, boolean bf16, long seed) {
        FinetuneConfig d = FinetuneConfig.defaults(Task.DIFFUSION, model, DatasetRegistry.DEFAULT,
                FinetuneConfig.SCRATCH,
                batchSize, 600_000);
        DiffusionStage stage;
        try {
            stage = new DiffusionStage(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.step = new StageStep(stage, d.trainerSettings().adam(), PretrainStep.synthetic(batchSize, model.channels(),
                model.imageSize(), seed, false),
                bf16, d.optimiser().lr(), d.clipNorm());
    }

    @Override
    public void run() { step.run(); }
}
