// Spec §3–§7 at demo scale: the plan that fits a wall-clock budget, given the stage costs measured on this machine.
package epg.demo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sized plan and its estimate per stage (seconds, by stage key, in run order). Every count is the default plan's
 * times one factor f (the default plan's proportions are the target shape); f solves
 * spent + fixed + f · Σ base·cost = budget (spent: the calibration), where counts held at a floor (or the reference
 * at the test split) move to the fixed side. A budget below the floors' cost gives the floors (the estimate then
 * exceeds the budget).
 */
public record DemoBudget(DemoPlan plan, Map<String, Double> estimate) {
    public static final String REFERENCE = "reference", PRETRAIN = "pretrain", DIFFUSION = "diffusion",
            SCRATCH = "scratch", CONSISTENCY = "consistency", SAMPLE = "sample-", EVALUATE = "evaluate";
    /** Every stage in run order. */
    public static final List<String> STAGES = List.of(REFERENCE, PRETRAIN, DIFFUSION, SCRATCH, CONSISTENCY,
            SAMPLE + DIFFUSION, SAMPLE + SCRATCH, SAMPLE + CONSISTENCY, EVALUATE);
    /** Models sampled and evaluated: the reference features are computed once per model. */
    static final int MODELS = 3;

    public DemoBudget {
        estimate = Collections.unmodifiableMap(new LinkedHashMap<>(estimate)); // in run order
    }

    /** One count of the plan: its default, floor, ceiling, and seconds per unit. */
    private record Item(long base, long floor, long ceiling, double cost) {}

    /**
     * The plan whose estimate is {@code minutes} less the {@code spentSeconds} already used (or the floors, when even
     * they take longer).
     */
    public static DemoBudget size(double minutes, double spentSeconds, StageCosts c) {
        double fixed = c.reference() + c.pretrain().fixedSeconds() + 2 * c.diffusion().fixedSeconds()
                + c.consistency().fixedSeconds();
        DemoPlan plan = DemoPlan.scaled(minutes, factor(minutes * 60 - spentSeconds - fixed, items(c)));
        return new DemoBudget(plan, estimate(plan, c));
    }

    /** The plan's counts with what one more unit of each costs (sampling: Heun twice, one step, features 3 times). */
    private static List<Item> items(StageCosts c) {
        long none = Long.MAX_VALUE;
        return List.of(new Item(DemoPlan.PRETRAIN, DemoPlan.MIN_STEPS, none, c.pretrain().secondsPerStep()),
                new Item(DemoPlan.DIFFUSION, DemoPlan.MIN_STEPS, none, 2 * c.diffusion().secondsPerStep()),
                new Item(DemoPlan.CONSISTENCY, DemoPlan.MIN_STEPS, none, c.consistency().secondsPerStep()),
                new Item(DemoPlan.SAMPLES, DemoPlan.MIN_SAMPLES, none,
                        2 * c.heunImage() + c.oneStepImage() + MODELS * c.featureImage()),
                new Item(DemoPlan.REFERENCE, DemoPlan.MIN_REFERENCE, DemoPlan.TEST_IMAGES, MODELS * c.featureImage()));
    }

    /**
     * The factor f with Σ count_i(f) · cost_i = {@code seconds}: linear in f for the counts that scale; a count whose
     * rounded value leaves its range is held at its floor or ceiling and f solved again for the rest.
     */
    private static double factor(double seconds, List<Item> items) {
        long[] held = new long[items.size()]; // the count an item is held at, 0 while it scales
        double f = 0;
        for (boolean changed = true; changed; ) {
            double left = seconds, free = 0;
            for (int i = 0; i < items.size(); i++) {
                if (held[i] > 0) left -= held[i] * items.get(i).cost();
                else free += items.get(i).base() * items.get(i).cost();
            }
            if (free > 0) f = Math.max(0, left / free);
            changed = false;
            for (int i = 0; i < items.size(); i++) {
                Item it = items.get(i);
                long exact = Math.round(it.base() * f);
                if (held[i] == 0 && (exact < it.floor() || exact > it.ceiling())) {
                    held[i] = exact < it.floor() ? it.floor() : it.ceiling();
                    changed = true;
                }
            }
        }
        return f;
    }

    /** Seconds each stage of {@code p} should take at costs {@code c}, by stage key in run order. */
    public static Map<String, Double> estimate(DemoPlan p, StageCosts c) {
        Map<String, Double> e = new LinkedHashMap<>();
        e.put(REFERENCE, c.reference());
        e.put(PRETRAIN, c.pretrain().seconds(p.pretrainSteps()));
        e.put(DIFFUSION, c.diffusion().seconds(p.diffusionSteps()));
        e.put(SCRATCH, c.diffusion().seconds(p.diffusionSteps()));
        e.put(CONSISTENCY, c.consistency().seconds(p.consistencySteps()));
        e.put(SAMPLE + DIFFUSION, p.sampleImages() * c.heunImage());
        e.put(SAMPLE + SCRATCH, p.sampleImages() * c.heunImage());
        e.put(SAMPLE + CONSISTENCY, p.sampleImages() * c.oneStepImage());
        e.put(EVALUATE, MODELS * (double) (p.sampleImages() + p.referenceImages()) * c.featureImage());
        return e;
    }

    /** The whole run's estimate in seconds. */
    public double totalSeconds() { return estimate.values().stream().mapToDouble(Double::doubleValue).sum(); }
}
