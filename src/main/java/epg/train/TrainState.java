// The scalar part of a training state (docs/architecture.md, checkpoints): where the loop stands, as state.json.
package epg.train;

import epg.data.Loader;

/**
 * @param step               optimiser updates made so far (skipped steps do not count, as in the released loop,
 *                           so that the schedules reading it stand still): the next update is number {@code step}
 * @param skipped            steps skipped for a non-finite loss or gradient, in total
 * @param consecutiveSkipped skipped steps in a row just before {@code step}
 * @param epoch              the loader position of the next (global) batch: epoch …
 * @param batch              … and batch within it
 * @param lossScale          the fp16 loss scaler's scale (0: no scaler; state files without it read as 0)
 * @param scaleGoodSteps     finite steps in a row since the scale last changed
 */
public record TrainState(long step, long skipped, int consecutiveSkipped, int epoch, int batch, double lossScale,
        int scaleGoodSteps) {
    public TrainState {
        if (step < 0 || skipped < 0 || consecutiveSkipped < 0 || epoch < 0 || batch < 0 || lossScale < 0
                || scaleGoodSteps < 0)
            throw new IllegalArgumentException("negative field in training state");
    }

    public static TrainState start() { return new TrainState(0, 0, 0, 0, 0, 0, 0); }

    public Loader.Position position() { return new Loader.Position(epoch, batch); }

    /** The state after one step that consumed a batch and left the loader at {@code next} (skipped: same step). */
    public TrainState advanced(boolean skippedStep, Loader.Position next) {
        return new TrainState(skippedStep ? step : step + 1, skipped + (skippedStep ? 1 : 0),
                skippedStep ? consecutiveSkipped + 1 : 0, next.epoch(), next.batch(), lossScale, scaleGoodSteps);
    }

    /** This state with the loss scaler's {scale, good steps}. */
    public TrainState withScaler(double[] scaler) {
        return new TrainState(step, skipped, consecutiveSkipped, epoch, batch, scaler[0], (int) scaler[1]);
    }
}
