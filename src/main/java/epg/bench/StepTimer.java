// Timing of repeated steps: warm-up, then the median and minimum of the measured steps.
package epg.bench;

import java.util.Arrays;

public final class StepTimer {
    private StepTimer() {}

    public record Timing(double medianMs, double minMs) {}

    public static Timing time(int warmup, int steps, Runnable step) {
        double[] ms = new double[steps];
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            step.run();
            if (i >= warmup) ms[i - warmup] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return new Timing(ms[steps / 2], ms[0]);
    }
}
