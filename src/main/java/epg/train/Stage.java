// The contract between a training stage (pre-training, diffusion or consistency fine-tuning) and the shared Trainer.
package epg.train;

import epg.data.Batch;
import epg.nn.Module;
import epg.tensor.Rng;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.util.Map;

/**
 * A stage builds its networks and computes one batch's loss; everything else (optimiser, schedules, scopes,
 * skipping, logging, checkpoints, resume) is the {@link Trainer}'s.
 */
public interface Stage {
    /** A batch's loss (a scalar, float32) with the terms to log (scalars) and extra plain values (schedules). */
    record Loss(Tensor total, Map<String, Tensor> terms, Map<String, Double> values) {}

    /** Every network whose weights the training state holds, by file name (e.g. "online", "momentum"). */
    Map<String, Module> modules();

    /** The parameters the optimiser updates, by state-dict name (no-decay sets match these names). */
    Map<String, Tensor> trainable();

    /** The learning-rate factor of trainable parameters by name (layer-wise decay; a name left out: 1). */
    default Map<String, Double> lrScales() { return Map.of(); }

    /** Every generator the stage draws from; their states are checkpointed. */
    Map<String, Rng> generators();

    /**
     * The loss of the batch at 0-based step {@code step}; runs inside the Trainer's step scope (and autocast when on).
     */
    Loss loss(Batch batch, long step);

    /** After each optimiser step that was not skipped (momentum or EMA updates). */
    default void afterStep(long step) {}

    /** Writes what the next stage reads (e.g. the encoder weights), at every checkpoint and at the end. */
    default void export(RunDir dir, long step) throws IOException {}

    /**
     * Whether {@code dir} holds everything {@link #export} writes at {@code step}. A process killed between a
     * checkpoint and its export leaves the files of an earlier step; a resumed run asks, and exports again when not.
     * Without an answer (the default) it always exports again.
     */
    default boolean exported(RunDir dir, long step) throws IOException { return false; }
}
