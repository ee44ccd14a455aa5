// Spec §3–§5 learning rates: linear warm-up, then cosine decay (stages 1, 2a) or piecewise-constant steps (stage 2b).
package epg.train;

import java.util.Arrays;

/**
 * The learning rate of (0-based) optimiser update k, as the released LambdaLR gives it: the factor of update k is the
 * lambda at k (the scheduler steps after each update), so the first update uses lr·0/W = 0.
 */
@FunctionalInterface
public interface LrSchedule {
    double at(long step);

    /** The pre-training rule: base lr given at batch 1024, scaled linearly to {@code batch}. */
    static double scaleForBatch(double lrAt1024, int batch) { return lrAt1024 * batch / 1024.0; }

    /** Warm-up factor min(1, k/W): update 0 uses 0 (W = 0: no warm-up, factor 1). */
    static double warmup(long step, long warmupSteps) {
        return warmupSteps <= 0 ? 1 : Math.min(1.0, (double) step / warmupSteps);
    }

    /** base·k/W while k ≤ W, then base·½(1 + cos(π·(k − W)/(K − W))) down to 0 at k = K (0 after). */
    static LrSchedule cosine(double base, long warmupSteps, long totalSteps) {
        if (warmupSteps < 0 || warmupSteps >= totalSteps)
            throw new IllegalArgumentException("warm-up steps (" + warmupSteps + ") must be in [0, total steps "
                    + totalSteps + ")");
        return k -> k <= warmupSteps ? base * warmup(k, warmupSteps)
                : base * 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, (double) (k - warmupSteps) / (totalSteps
                - warmupSteps))));
    }

    /**
     * base·k/W while k ≤ W, then {@code base} while k ≤ milestones[0], {@code values[j]} once k > milestones[j]
     * (increasing milestones; the released {@code step <= 400000} keeps the full rate through update 400000).
     */
    static LrSchedule stepwise(double base, long warmupSteps, long[] milestones, double[] values) {
        if (milestones.length != values.length) throw new IllegalArgumentException("one learning rate per milestone");
        for (int j = 1; j < milestones.length; j++)
            if (milestones[j] <= milestones[j - 1])
                throw new IllegalArgumentException("milestones must increase: " + Arrays.toString(milestones));
        long[] m = milestones.clone();
        double[] v = values.clone();
        return k -> {
            if (warmupSteps > 0 && k <= warmupSteps) return base * warmup(k, warmupSteps);
            double lr = base;
            for (int j = 0; j < m.length; j++) if (k > m[j]) lr = v[j];
            return lr;
        };
    }
}
