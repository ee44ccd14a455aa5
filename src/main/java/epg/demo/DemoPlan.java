// Issue 8: how much work each stage of `epg demo` does, scaled from a wall-clock budget (Fashion-MNIST, 32 px, RCM-T / EPG-T).
package epg.demo;

/**
 * Every count of the demo. {@link #forBudget} scales the default plan (measured to take about 20 minutes on two
 * cores, see {@link #DEFAULT_MINUTES}) linearly with the budget; {@link #smokePlan()} is the one-minute test run.
 *
 * @param budgetMinutes    the wall-clock budget the plan was sized for
 * @param smoke            the test-suite run (tiny counts; numbers mean nothing)
 * @param batch            training batch size of every stage (32)
 * @param pretrainSteps    RCM pre-training steps (stage 1)
 * @param diffusionSteps   diffusion fine-tuning steps, for the pre-trained and for the from-scratch model alike (stage 2a)
 * @param consistencySteps consistency fine-tuning steps (stage 2b)
 * @param sampleImages     images sampled per model (class-balanced, seeds 0..n-1)
 * @param heunPoints       Karras grid points of the Heun sampler (32 released)
 * @param cfg              guidance weight w inside the guidance interval
 * @param referenceImages  Fashion-MNIST test images in the reference set (padded to 32 px)
 * @param sampleBatch      images per sampling batch
 */
public record DemoPlan(double budgetMinutes, boolean smoke, int batch, long pretrainSteps, long diffusionSteps, long consistencySteps,
                       int sampleImages, int heunPoints, double cfg, int referenceImages, int sampleBatch) {
    public static final double DEFAULT_MINUTES = 20;
    /** Fashion-MNIST's test split. */
    public static final int TEST_IMAGES = 10_000;
    // The default (20-minute) plan; every count below scales with the budget.
    static final long PRETRAIN = 800, DIFFUSION = 1600, CONSISTENCY = 500;
    static final int SAMPLES = 500, REFERENCE = 2000, MIN_SAMPLES = 100;

    public DemoPlan {
        if (!(budgetMinutes > 0)) throw new IllegalArgumentException("--budget must be > 0 minutes, got " + budgetMinutes);
        if (batch < 2) throw new IllegalArgumentException("batch must be >= 2, got " + batch);
        if (pretrainSteps < 1 || diffusionSteps < 1 || consistencySteps < 1) throw new IllegalArgumentException("every stage needs >= 1 step");
        if (sampleImages < 2 || referenceImages < 2) throw new IllegalArgumentException("need >= 2 samples and reference images for a Fréchet distance");
        if (referenceImages > TEST_IMAGES) throw new IllegalArgumentException("the reference holds at most " + TEST_IMAGES + " test images");
        if (heunPoints < 2 || sampleBatch < 1) throw new IllegalArgumentException("Heun needs >= 2 grid points and batches >= 1 image");
        if (!(cfg >= 1)) throw new IllegalArgumentException("guidance weight must be >= 1 (1 = none), got " + cfg);
    }

    /**
     * The default plan scaled to {@code minutes}: training steps linearly, sample and reference counts too (the
     * reference at most the test split), never below a working minimum.
     */
    public static DemoPlan forBudget(double minutes) {
        if (!(minutes > 0)) throw new IllegalArgumentException("--budget must be > 0 minutes, got " + minutes);
        double f = minutes / DEFAULT_MINUTES;
        return new DemoPlan(minutes, false, 32, steps(PRETRAIN, f), steps(DIFFUSION, f), steps(CONSISTENCY, f),
                Math.max(MIN_SAMPLES, (int) Math.round(SAMPLES * f)), 32, 2.0,
                (int) Math.min(TEST_IMAGES, Math.max(2L * MIN_SAMPLES, Math.round(REFERENCE * f))), 50);
    }

    /** The test-suite run: every stage for a few steps, a handful of images, a short Heun grid. */
    public static DemoPlan smokePlan() {
        return new DemoPlan(1, true, 8, 4, 4, 3, 16, 4, 2.0, 64, 16);
    }

    private static long steps(long base, double f) { return Math.max(10, Math.round(base * f)); }

    /** Warm-up steps of a stage of {@code steps}: a tenth, at least one (the paper's 10k of 600k–1M does not fit a short run). */
    public static long warmup(long steps) { return Math.max(1, steps / 10); }
}
