// Spec §3–§5: a run's length, batch and linear learning-rate warm-up, shared by every training stage.
package epg.train;

import epg.config.Flattened;

/**
 * @param batch  global batch size, ≥ 2 (contrastive negatives and BatchNorm statistics; 1024 in the paper)
 * @param steps  K, total optimiser steps; the learning-rate and noise schedules span it
 * @param warmup linear warm-up steps, in [0, steps) (the paper's 10k; {@link #defaultWarmup} for short runs)
 */
public record Schedule(int batch, long steps, long warmup) implements Flattened {
    /** The paper's warm-up: 10k steps. */
    public static final long WARMUP = 10_000;

    public Schedule {
        if (batch < 2) throw new IllegalArgumentException("batch must be >= 2, got " + batch);
        if (steps <= 0) throw new IllegalArgumentException("steps must be > 0, got " + steps);
        if (warmup < 0 || warmup >= steps)
            throw new IllegalArgumentException("warm-up (" + warmup + ") must be in [0, steps = " + steps
                    + "); pass a smaller --warmup");
    }

    /** {@code steps} of {@code batch} with the default warm-up. */
    public static Schedule of(int batch, long steps) { return new Schedule(batch, steps, defaultWarmup(steps)); }

    /** The paper's warm-up (10k) when it fits, else a sixtieth of the run (10k of 600k). */
    public static long defaultWarmup(long steps) { return Math.min(WARMUP, Math.max(0, steps / 60)); }

    public Schedule withBatch(int batch) { return new Schedule(batch, steps, warmup); }

    public Schedule withSteps(long steps) { return new Schedule(batch, steps, warmup); }

    public Schedule withWarmup(long warmup) { return new Schedule(batch, steps, warmup); }
}
