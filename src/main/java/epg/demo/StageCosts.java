// Spec §3–§7 at demo scale: what each stage of `epg demo` costs on this machine, measured by Calibration.
package epg.demo;

/**
 * Seconds measured in the run's precision after warm-up; {@link DemoBudget} sizes the plan from them.
 *
 * @param reference       writing the reference set (reading the test split dominates: a fixed cost)
 * @param pretrain        stage 1
 * @param diffusion       stage 2a (each of the two runs)
 * @param consistency     stage 2b
 * @param heunCall        one network evaluation per image in a Heun sampling batch (a guided call counts 2)
 * @param heunNfe         network evaluations per image of the plan's Heun grid with guidance (74 at 32 points)
 * @param oneStepImage    one image of one-step sampling
 * @param featureImage    one image through the RCM feature extractor (FD_RCM)
 */
public record StageCosts(double reference, Training pretrain, Training diffusion, Training consistency,
                         double heunCall, long heunNfe, double oneStepImage, double featureImage) {
    /**
     * @param fixedSeconds   per run: building the networks, loading data and weights, the final checkpoint and preview
     * @param secondsPerStep one optimiser step (loss, backward, AdamW, EMA, the loader's share)
     */
    public record Training(double fixedSeconds, double secondsPerStep) {
        public Training {
            if (!(fixedSeconds >= 0 && secondsPerStep > 0))
                throw new IllegalArgumentException("a training cost needs fixed >= 0 and per-step > 0 seconds");
        }

        double seconds(long steps) { return fixedSeconds + steps * secondsPerStep; }
    }

    public StageCosts {
        if (!(reference >= 0 && heunCall > 0 && heunNfe > 0 && oneStepImage > 0 && featureImage > 0))
            throw new IllegalArgumentException("every per-image cost must be > 0 seconds");
    }

    /** Seconds to sample one image with the plan's Heun grid. */
    double heunImage() { return heunNfe * heunCall; }
}
