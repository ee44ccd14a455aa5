// The scalar part of a training state (DEVELOPERS.md "checkpoints"): where the loop stands, saved as state.json.
package epg.train;

import epg.data.Loader;

/**
 * @param step               optimiser steps taken so far (skipped ones included): the next step is {@code step}
 * @param skipped            steps skipped for a non-finite loss or gradient, in total
 * @param consecutiveSkipped skipped steps in a row just before {@code step}
 * @param epoch              the loader position of the next batch: epoch …
 * @param batch              … and batch within it
 */
public record TrainState(long step, long skipped, int consecutiveSkipped, int epoch, int batch) {
    public TrainState {
        if (step < 0 || skipped < 0 || consecutiveSkipped < 0 || epoch < 0 || batch < 0)
            throw new IllegalArgumentException("negative field in training state");
    }

    public static TrainState start() { return new TrainState(0, 0, 0, 0, 0); }

    public Loader.Position position() { return new Loader.Position(epoch, batch); }

    /** The state after one step that consumed a batch and left the loader at {@code next}. */
    public TrainState advanced(boolean skippedStep, Loader.Position next) {
        return new TrainState(step + 1, skipped + (skippedStep ? 1 : 0), skippedStep ? consecutiveSkipped + 1 : 0, next.epoch(), next.batch());
    }
}
