// Spec §4: one stage-2a training step as the Trainer runs it (DiffusionStage loss, backward, clip 0.5, AdamW, EMA 0.9999) on a synthetic batch.
package epg.bench;

import epg.config.ModelConfig;
import epg.data.Batch;
import epg.tensor.Autocast;
import epg.tensor.Scope;
import epg.train.AdamW;
import epg.train.DiffusionStage;
import epg.train.FinetuneConfig;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;

/**
 * The real {@link DiffusionStage} from scratch with the released settings (x-prediction on the snapped 1280-point
 * grid, label dropout 0.1, AdamW (0.9, 0.999, wd 0.01), clipping at 0.5 as after warm-up, EMA 0.9999). The
 * PyTorch twin is the "diffusion" case of scripts/bench/torch_suite.py.
 */
public final class DiffusionStep implements Runnable {
    /** Forward-pass equivalents per image: one trained pass (forward + backward ≈ 3 forwards). */
    public static final int FORWARDS_PER_IMAGE = 3;

    private final DiffusionStage stage;
    private final FinetuneConfig cfg;
    private final AdamW optimiser;
    private final Batch batch;
    private final boolean bf16;
    private long step;

    public DiffusionStep(ModelConfig model, int batchSize, boolean bf16, long seed) {
        FinetuneConfig d = FinetuneConfig.defaults(FinetuneConfig.Task.DIFFUSION, model, "fashion-mnist", FinetuneConfig.SCRATCH, batchSize, 600_000);
        this.cfg = d;
        try {
            this.stage = new DiffusionStage(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.optimiser = new AdamW(stage.trainable(), d.trainerSettings().adam());
        this.batch = PretrainStep.synthetic(batchSize, model.channels(), model.imageSize(), seed, false);
        this.bf16 = bf16;
    }

    @Override
    public void run() {
        try (Scope s = Scope.open()) {
            Tensor loss;
            try (Autocast a = Autocast.cpu(bf16)) {
                loss = stage.loss(batch, step).total();
            }
            loss.backward();
            Collection<Tensor> params = stage.trainable().values();
            double value = loss.item_double(), norm = GradNorm.clip(params, cfg.clipNorm());
            if (!Double.isFinite(value) || !Double.isFinite(norm)) throw new IllegalStateException("non-finite loss in the benchmark step");
            optimiser.step(cfg.lr());
            optimiser.zeroGrad();
            stage.afterStep(step++);
        }
    }
}
