// Spec §3–§7 at demo scale: how much work each stage of `epg demo` does (Fashion-MNIST, 32 px, RCM-T/8 / EPG-T/8).
package epg.demo;

/**
 * Every count of the demo. {@link #scaled} multiplies the default plan's counts (its shape: {@link #PRETRAIN},
 * {@link #DIFFUSION}, …) by one factor, never below a working minimum; {@link DemoBudget} picks the factor from
 * costs measured on this machine. {@link #smokePlan()} is the one-minute test run.
 *
 * @param budgetMinutes    the wall-clock budget the plan was sized for
 * @param smoke            the test-suite run (tiny counts; numbers mean nothing)
 * @param batch            training batch size of every stage (32)
 * @param pretrainSteps    RCM pre-training steps (stage 1)
 * @param diffusionSteps   diffusion fine-tuning steps, for the pre-trained and the from-scratch model alike (stage 2a)
 * @param consistencySteps consistency fine-tuning steps (stage 2b)
 * @param sampleImages     images sampled per model (class-balanced, seeds 0..n-1)
 * @param heunPoints       Karras grid points of the Heun sampler (18; 32 released)
 * @param cfg              guidance weight w inside the guidance interval (2.5)
 * @param referenceImages  Fashion-MNIST test images in the reference set (padded to 32 px)
 * @param sampleBatch      images per sampling batch (50)
 */
public record DemoPlan(double budgetMinutes, boolean smoke, int batch, long pretrainSteps, long diffusionSteps,
                       long consistencySteps, int sampleImages, int heunPoints, double cfg, int referenceImages,
                       int sampleBatch) {
    public static final double DEFAULT_MINUTES = 20;
    /** Fashion-MNIST's test split. */
    public static final int TEST_IMAGES = 10_000;
    /** The default plan's counts (factor 1): the target shape every budget keeps. */
    public static final long PRETRAIN = 900, DIFFUSION = 1300, CONSISTENCY = 300, SAMPLES = 500, REFERENCE = 2000;
    /** Floors of a scaled plan: training steps, images sampled per model, reference images. */
    public static final long MIN_STEPS = 10, MIN_SAMPLES = 100, MIN_REFERENCE = 200;
    static final int BATCH = 32, HEUN_POINTS = 18, SAMPLE_BATCH = 50;
    static final double CFG = 2.5;
    /**
     * Unshifted guidance interval (0.19, 10]: the released lower end; the upper end above the released 1.61, because at
     * 32 px a garment's class and outline form at σ·s ≈ 1–5, where the released interval (tuned at 256 px) does not
     * guide (docs/demo.md, "Choices for a short run").
     */
    public static final double GUIDANCE_LOW = 0.19, GUIDANCE_HIGH = 10;

    public DemoPlan {
        if (!(budgetMinutes > 0))
            throw new IllegalArgumentException("--budget must be > 0 minutes, got " + budgetMinutes);
        if (batch < 2) throw new IllegalArgumentException("batch must be >= 2, got " + batch);
        if (pretrainSteps < 1 || diffusionSteps < 1 || consistencySteps < 1)
            throw new IllegalArgumentException("every stage needs >= 1 step");
        if (sampleImages < 2 || referenceImages < 2)
            throw new IllegalArgumentException("need >= 2 samples and reference images for a Fréchet distance");
        if (referenceImages > TEST_IMAGES)
            throw new IllegalArgumentException("the reference holds at most " + TEST_IMAGES + " test images");
        if (heunPoints < 2 || sampleBatch < 1)
            throw new IllegalArgumentException("Heun needs >= 2 grid points and batches >= 1 image");
        if (!(cfg >= 1)) throw new IllegalArgumentException("guidance weight must be >= 1 (1 = none), got " + cfg);
    }

    /** The default plan's counts times {@code f}, rounded, each at least its floor (the reference at most 10k). */
    public static DemoPlan scaled(double minutes, double f) {
        return new DemoPlan(minutes, false, BATCH, count(PRETRAIN, f, MIN_STEPS), count(DIFFUSION, f, MIN_STEPS),
                count(CONSISTENCY, f, MIN_STEPS), (int) count(SAMPLES, f, MIN_SAMPLES), HEUN_POINTS, CFG,
                (int) Math.min(TEST_IMAGES, count(REFERENCE, f, MIN_REFERENCE)), SAMPLE_BATCH);
    }

    /** The test-suite run: every stage for a few steps, a handful of images, a short Heun grid. */
    public static DemoPlan smokePlan() {
        return new DemoPlan(1, true, 8, 4, 4, 3, 16, 4, CFG, 64, 16);
    }

    static long count(long base, double f, long floor) { return Math.max(floor, Math.round(base * f)); }

    /** Warm-up steps of a stage of {@code steps}: a tenth, at least one (the paper's 10k of 600k–1M does not fit). */
    public static long warmup(long steps) { return Math.max(1, steps / 10); }
}
