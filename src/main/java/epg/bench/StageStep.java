// One Trainer step of a Stage (autocast loss, backward, grad norm / clipping, AdamW, EMA), for the benchmarks.
package epg.bench;

import epg.data.Batch;
import epg.tensor.Autocast;
import epg.tensor.Scope;
import epg.train.AdamW;
import epg.train.Gradients;
import epg.train.ParameterLayout;
import epg.train.Stage;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * The step body shared by {@link PretrainStep}, {@link DiffusionStep} and {@link ConsistencyStep}; {@code clipNorm} 0
 * only measures the norm.
 */
final class StageStep implements Runnable {
    private final Stage stage;
    private final AdamW optimiser;
    private final Batch batch;
    private final boolean bf16;
    private final double lr, clipNorm;
    private long step;

    StageStep(Stage stage, AdamW.Options adam, Batch batch, boolean bf16, double lr, double clipNorm) {
        this.stage = stage;
        this.optimiser = AdamW.of(stage.trainable(), adam, Map.of(), stage.modules().values(),
                ParameterLayout.current());
        this.batch = batch;
        this.bf16 = bf16;
        this.lr = lr;
        this.clipNorm = clipNorm;
    }

    @Override
    public void run() {
        try (Scope s = Scope.open()) {
            Tensor loss;
            try (Autocast a = Autocast.cpu(bf16)) {
                loss = stage.loss(batch, step).total();
            }
            loss.backward();
            Gradients grads = optimiser.gradients();
            grads.collect();
            double value = loss.item_double(), norm = grads.norm();
            if (clipNorm > 0) grads.clip(norm, clipNorm);
            if (!Double.isFinite(value) || !Double.isFinite(norm))
                throw new IllegalStateException("non-finite loss in the benchmark step");
            optimiser.step(lr);
            optimiser.zeroGrad();
            stage.afterStep(step++);
        }
    }
}
