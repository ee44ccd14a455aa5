// Spec §3–§7 end to end on Fashion-MNIST (`epg demo`): calibration → RCM pre-training → diffusion fine-tuning
// (and the same from scratch) → consistency fine-tuning → sampling → evaluation → report.html.
package epg.demo;

import epg.config.Json;
import epg.metrics.ClassAccuracy;
import epg.metrics.EvaluationResult;
import epg.metrics.FashionClassifier;
import epg.metrics.FeatureExtractor;
import epg.metrics.FeatureSet;
import epg.metrics.FeatureStats;
import epg.metrics.ImageSource;
import epg.metrics.InceptionV3;
import epg.metrics.RcmExtractor;
import epg.metrics.RefStats;
import epg.progress.Progress;
import epg.progress.TrainProgress;
import epg.report.DemoLayout;
import epg.report.DemoReport;
import epg.report.DemoResult;
import epg.report.LogSeries;
import epg.report.MetricRow;
import epg.report.StageRecord;
import epg.sample.Labels;
import epg.sample.SampleRun;
import epg.tensor.AtomicFile;
import epg.tensor.Npz;
import epg.tensor.Scope;
import epg.tensor.Torch;
import epg.train.FinetuneConfig;
import epg.train.FinetunedModel;
import epg.train.PretrainStage;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs every stage in order in this process through the library (the configuration records and stage classes the
 * commands build, so each stage's folder is exactly what `epg pretrain` / `epg train` write), times each against
 * its estimate, and writes RUN/config.json (options, measured costs, plan, estimates), RUN/demo.json and
 * RUN/report.html, also when a stage fails.
 */
public final class DemoPipeline {
    /** Stages including the calibration. */
    public static final int STAGES = 1 + DemoBudget.STAGES.size();
    static final String CALIBRATE = "calibrate";
    /**
     * Calibration steps per training stage: warm-up, then timed (the smoke run: one each). The first steps run while
     * the loader's workers fill their queue: with 1 + 3 the per-step cost came out 7–25% above the run's own (default
     * budget, docs/demo.md), so the plan ended early.
     */
    static final int CALIBRATION_WARMUP = 3, CALIBRATION_TIMED = 5;

    /**
     * The options a run was started with.
     *
     * @param budgetMinutes wall-clock budget the plan is sized for
     * @param scale         when &gt; 0, the default plan times this factor, whatever the budget (0: sized to the
     *                      budget)
     * @param smoke         the test suite's run (fixed tiny plan; calibration still runs, one step each)
     * @param inception     pytorch-fid's Inception weights for FID, or null
     * @param bf16          bf16 autocast for training and sampling
     * @param seed          seed of every stage
     * @param threads       libtorch threads (0: as set)
     */
    public record Options(double budgetMinutes, double scale, boolean smoke, Path inception, boolean bf16, long seed,
                          int threads) {}

    /** RUN/config.json: the options, then (once calibrated) the measured costs, the plan and its estimate per stage. */
    private record Config(Options options, StageCosts costs, DemoPlan plan, Map<String, Double> estimateSeconds) {}

    private interface Body { String run() throws Exception; }

    private record Sampled(String dir, long nfe, int images) {}

    private final Options options;
    private final Path out;
    private final PrintStream console;
    private final DemoStages library;
    private final DemoPlan shape;
    private final List<StageRecord> stages = new ArrayList<>();
    private final List<MetricRow> metrics = new ArrayList<>();
    private final Map<String, Sampled> sampled = new LinkedHashMap<>();
    private final double cpuStart = ProcessCpu.seconds();
    private DemoBudget budget;
    private int stageNumber;

    public DemoPipeline(Options options, Path out, PrintStream console) {
        this.options = options;
        this.out = out;
        this.console = console;
        this.shape = options.smoke() ? DemoPlan.smokePlan() : DemoPlan.scaled(options.budgetMinutes(), 1);
        this.library = new DemoStages(new DemoConfigs(shape.batch(), options.bf16() ? "bf16" : "fp32", options.seed()),
                options.bf16());
    }

    public DemoResult run() throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(out);
        writeConfig(null);
        try {
            calibrate();
            runStages();
        } finally {
            finish(start);
        }
        return result(start);
    }

    // Section: calibration and the plan.

    private void calibrate() throws Exception {
        int warm = options.smoke() ? 1 : CALIBRATION_WARMUP, timed = options.smoke() ? 1 : CALIBRATION_TIMED;
        StageCosts[] costs = new StageCosts[1];
        stage(CALIBRATE, "Calibration: " + warm + " + " + timed + " steps of each training stage, two batches of each "
                + "sampler, two passes of feature extraction", () -> {
            costs[0] = new Calibration(library, shape, out.resolve(DemoLayout.CALIBRATION), warm, timed).measure();
            return String.format(Locale.ROOT, "per step: pre-training %.3f s, diffusion %.3f s, consistency "
                            + "%.3f s; per image: Heun-%d %.3f s, one step %.4f s, features %.4f s",
                    costs[0].pretrain().secondsPerStep(), costs[0].diffusion().secondsPerStep(),
                    costs[0].consistency().secondsPerStep(), shape.heunPoints(), costs[0].heunImage(),
                    costs[0].oneStepImage(), costs[0].featureImage());
        });
        StageRecord calibration = stages.remove(stages.size() - 1);
        DemoPlan fixed = options.scale() > 0 ? DemoPlan.scaled(options.budgetMinutes(), options.scale()) : shape;
        budget = options.smoke() || options.scale() > 0 ? new DemoBudget(fixed, DemoBudget.estimate(fixed, costs[0]))
                : DemoBudget.size(options.budgetMinutes(), calibration.seconds(), costs[0]);
        // The calibration's share of the budget is what it took.
        stages.add(new StageRecord(calibration.key(), calibration.title(), calibration.seconds(), calibration.seconds(),
                calibration.cpuSeconds(), calibration.status(), calibration.detail()));
        writeConfig(costs[0]);
        printPlan();
    }

    private void writeConfig(StageCosts costs) throws IOException {
        Config c = budget == null ? new Config(options, null, null, null)
                : new Config(options, costs, budget.plan(), budget.estimate());
        AtomicFile.writeString(out.resolve(DemoLayout.CONFIG), Json.pretty(c) + "\n");
    }

    private void printPlan() {
        DemoPlan p = budget.plan();
        if (options.scale() > 0 && !options.smoke())
            console.printf("%nPlan: the default plan times %.3g (--scale; not sized to a budget), estimate per "
                    + "stage:%n", options.scale());
        else console.printf("%nPlan for %.3g min%s, estimate per stage:%n", options.budgetMinutes(),
                options.smoke() ? " (smoke: fixed counts)" : "");
        double spent = stages.get(0).seconds();
        console.printf("   %-20s %-34s %s%n", CALIBRATE, "done", Progress.clock(spent));
        for (Map.Entry<String, Double> e : budget.estimate().entrySet())
            console.printf("   %-20s %-34s %s%n", e.getKey(), work(e.getKey(), p), Progress.clock(e.getValue()));
        console.printf("   %-20s %-34s %s%n", "total", "", Progress.clock(spent + budget.totalSeconds()));
        if (spent + budget.totalSeconds() > 1.1 * options.budgetMinutes() * 60 && !options.smoke()
                && options.scale() == 0)
            console.println("   (the smallest plan takes longer than the budget: every count is at its floor)");
    }

    /** What a stage of plan {@code p} does, in a few words. */
    private static String work(String stage, DemoPlan p) {
        return switch (stage) {
            case DemoBudget.REFERENCE -> p.referenceImages() + " test images";
            case DemoBudget.PRETRAIN -> p.pretrainSteps() + " steps, batch " + p.batch();
            case DemoBudget.DIFFUSION, DemoBudget.SCRATCH -> p.diffusionSteps() + " steps, batch " + p.batch();
            case DemoBudget.CONSISTENCY -> p.consistencySteps() + " steps, batch " + p.batch();
            case DemoBudget.EVALUATE -> "FD_RCM of " + DemoBudget.MODELS + " sample sets";
            default -> p.sampleImages() + " images" + (stage.endsWith(DemoBudget.CONSISTENCY) ? ", one step"
                    : ", Heun " + p.heunPoints() + " points");
        };
    }

    // Section: stages.

    private void runStages() throws Exception {
        DemoPlan plan = budget.plan();
        Path encoder = out.resolve(DemoLayout.RCM).resolve(PretrainStage.ENCODER_FILE);
        String reference = "Reference set: " + plan.referenceImages() + " Fashion-MNIST test images at 32 px";
        stage(DemoBudget.REFERENCE, reference, () -> {
            ReferenceSet.write(plan.referenceImages(), out.resolve(DemoLayout.REFERENCE));
            return DemoLayout.REFERENCE + "/" + ReferenceSet.NPZ;
        });
        stage(DemoBudget.PRETRAIN, "Stage 1: RCM pre-training of " + DemoStages.RCM_PRESET + ", "
                + plan.pretrainSteps() + " steps", () -> {
            long steps = plan.pretrainSteps();
            library.pretrain(out.resolve(DemoLayout.RCM), steps, steps, new TrainProgress());
            return DemoLayout.RCM + "/" + PretrainStage.ENCODER_FILE;
        });
        String fromEncoder = " of " + DemoStages.EPG_PRESET + " from the RCM encoder";
        train(DemoBudget.DIFFUSION, "Stage 2a: diffusion fine-tuning" + fromEncoder, plan.diffusionSteps(),
                steps -> library.diffusion(encoder.toString(), out.resolve(DemoLayout.DIFFUSION), steps, steps,
                        new TrainProgress()));
        train(DemoBudget.SCRATCH, "Control: the same diffusion training from random initialisation",
                plan.diffusionSteps(), steps -> library.diffusion(FinetuneConfig.SCRATCH, out.resolve(
                        DemoLayout.SCRATCH), steps, steps, new TrainProgress()));
        Path diffusionModel = out.resolve(DemoLayout.DIFFUSION).resolve(FinetunedModel.MODEL_FILE);
        train(DemoBudget.CONSISTENCY, "Stage 2b: consistency fine-tuning of the stage-2a model (auxiliary loss"
                        + " through the RCM encoder)", plan.consistencySteps(),
                steps -> library.consistency(diffusionModel.toString(), encoder.toString(), out.resolve(
                        DemoLayout.CONSISTENCY), steps, steps, new TrainProgress()));
        sample(DemoLayout.DIFFUSION, true);
        sample(DemoLayout.SCRATCH, true);
        sample(DemoLayout.CONSISTENCY, false);
        stage(DemoBudget.EVALUATE, "Evaluation: FD_RCM" + (options.inception() != null ? " and FID" : "")
                + " against the reference set", () -> evaluate(encoder));
    }

    /** A training stage that runs {@code run} for {@code steps} and leaves its model file. */
    private void train(String dir, String title, long steps, StageRun run) throws Exception {
        stage(dir, title + ", " + steps + " steps", () -> {
            run.train(steps);
            return dir + "/" + FinetunedModel.MODEL_FILE;
        });
    }

    @FunctionalInterface
    private interface StageRun {
        void train(long steps) throws Exception;
    }

    private void sample(String dir, boolean heun) throws Exception {
        DemoPlan plan = budget.plan();
        Path model = out.resolve(dir).resolve(FinetunedModel.MODEL_FILE);
        String sampler = heun ? "heun-" + plan.heunPoints() : "onestep";
        String title = "Sampling " + dir + ": " + plan.sampleImages() + " images, " + (heun ? "Heun "
                + plan.heunPoints() + " points, guidance w " + plan.cfg() + " in the interval" : "one step");
        stage(DemoBudget.SAMPLE + dir, title, () -> {
            String rel = DemoLayout.SAMPLES + "/" + dir + "-" + sampler;
            Progress bar = new Progress("sample", plan.sampleImages(), System.err);
            SampleRun.Result r = library.sample(model, heun, plan.heunPoints(), plan.cfg(), plan.sampleImages(),
                    plan.sampleBatch(), out.resolve(rel), k -> { for (int i = 0; i < k; i++) bar.step(); });
            bar.finish();
            sampled.put(dir, new Sampled(rel, r.nfePerImage(), r.images()));
            return String.format(Locale.ROOT, "%s: %.2f images/s, NFE %d per image", rel, r.imagesPerSecond(),
                    r.nfePerImage());
        });
    }

    private String evaluate(Path encoder) throws IOException {
        Path ref = out.resolve(DemoLayout.REFERENCE).resolve(ReferenceSet.NPZ);
        PrintWriter log = new PrintWriter(System.err, true);
        try (Scope s = Scope.open()) {
            FeatureExtractor rcm = RcmExtractor.load(encoder, null);
            InceptionV3 inception = options.inception() == null ? null : InceptionV3.load(options.inception());
            Path inceptionRef = inception == null ? null : inceptionReference(inception, ref, log);
            FashionClassifier judge = FashionClassifier.load();
            for (Map.Entry<String, Sampled> e : sampled.entrySet()) {
                Path npz = out.resolve(e.getValue().dir()).resolve(SampleRun.NPZ);
                EvaluationResult fd = DemoStages.evaluate(rcm, npz, ref, log);
                Double fid = inception == null ? null : DemoStages.evaluate(inception, npz, inceptionRef, log).fid();
                metrics.add(row(e.getKey(), e.getValue(), fd.fd(), fid, classAccuracy(judge, npz)));
            }
        }
        StringBuilder b = new StringBuilder();
        for (MetricRow m : metrics)
            b.append(String.format(Locale.ROOT, "%s FD_RCM %.3f, class accuracy %.1f%%%s; ", m.model(), m.fdRcm(),
                    100 * m.classAccuracy(), m.fid() == null ? "" : String.format(Locale.ROOT, ", FID %.2f", m.fid())));
        return metrics.isEmpty() ? "nothing was sampled" : b.toString().replaceAll("; $", "");
    }

    /** Inception statistics of the reference, computed once (mu, sigma, mu_s, sigma_s; no precision/recall). */
    private Path inceptionReference(InceptionV3 inception, Path ref, PrintWriter log) throws IOException {
        Path file = out.resolve(DemoLayout.REFERENCE).resolve("reference-inception.npz");
        try (ImageSource source = ImageSource.open(ref); Scope s = Scope.open()) {
            FeatureSet f = FeatureSet.collect(inception, source, DemoStages.FEATURE_BATCH, null, log);
            Npz.write(file, RefStats.arrays(FeatureStats.of(f.pool()), FeatureStats.of(f.spatial())));
        }
        return file;
    }

    /**
     * The share of a model's class-balanced samples that the independent Fashion-MNIST classifier assigns to the class
     * they were drawn for (docs/evaluation.md, "Class accuracy"; real test images: 90%).
     */
    private static double classAccuracy(FashionClassifier judge, Path npz) throws IOException {
        try (ImageSource source = ImageSource.open(npz)) {
            int[] labels = Labels.balanced((int) source.count(), FashionClassifier.CLASSES);
            return ClassAccuracy.measure(judge, source, labels, ClassAccuracy.BATCH).overall();
        }
    }

    private MetricRow row(String dir, Sampled s, double fdRcm, Double fid, double accuracy) throws IOException {
        DemoPlan plan = budget.plan();
        boolean scratch = dir.equals(DemoLayout.SCRATCH), consistency = dir.equals(DemoLayout.CONSISTENCY);
        String model = consistency ? "EPG consistency (from 2a)" : scratch ? "diffusion from scratch"
                : "EPG diffusion (RCM init)";
        String sampler = consistency ? "one step" : String.format(Locale.ROOT,
                "Heun %d points, w %.1f in (%.2f, %.2f]·s", plan.heunPoints(), plan.cfg(), DemoPlan.GUIDANCE_LOW,
                DemoPlan.GUIDANCE_HIGH);
        double loss = LogSeries.read(out.resolve(dir).resolve(DemoLayout.LOG), "loss", dir).tailMean(5);
        String init = scratch ? "random" : consistency ? "stage-2a model" : DemoStages.RCM_PRESET + " encoder";
        return new MetricRow(model, init, consistency ? plan.consistencySteps()
                : plan.diffusionSteps(), sampler, s.nfe(), s.images(), fdRcm, fid, accuracy, loss, s.dir());
    }

    // Section: running a stage.

    private void stage(String key, String title, Body body) throws Exception {
        console.printf("%n== [%d/%d] %s ==%n", ++stageNumber, STAGES, title);
        Double estimate = budget == null ? null : budget.estimate().get(key);
        long t0 = System.nanoTime();
        double cpu0 = ProcessCpu.seconds();
        try {
            String detail = body.run();
            double secs = (System.nanoTime() - t0) / 1e9, cpu = ProcessCpu.seconds() - cpu0;
            stages.add(new StageRecord(key, title, estimate, secs, cpu, StageRecord.DONE, detail));
            console.printf("   %s in %s%s (CPU %.0f s)%n", detail, Progress.clock(secs),
                    estimate == null ? "" : ", estimate " + Progress.clock(estimate), cpu);
        } catch (Exception | Error e) {
            double secs = (System.nanoTime() - t0) / 1e9, cpu = ProcessCpu.seconds() - cpu0;
            stages.add(new StageRecord(key, title, estimate, secs, cpu, StageRecord.FAILED,
                    String.valueOf(e.getMessage())));
            throw e;
        }
    }

    private void finish(long start) throws IOException {
        DemoResult r = result(start);
        AtomicFile.writeString(out.resolve(DemoLayout.RESULT), Json.pretty(r) + "\n");
        DemoReport.write(out, r);
        console.printf("%nreport: %s (total %s, budget %s)%n", out.resolve(DemoLayout.REPORT),
                Progress.clock(r.totalSeconds()), Progress.clock(options.budgetMinutes() * 60));
        console.printf("browse: epg view %s   (curves, previews, checkpoints; sample the models in the browser)%n",
                out);
    }

    /** The 1-minute load average now (NaN where unknown): how busy the machine was while the wall times were taken. */
    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private DemoResult result(long start) {
        double load = loadAverage(), wall = (System.nanoTime() - start) / 1e9;
        int cores = Runtime.getRuntime().availableProcessors();
        // The load average counts this run's own busy threads too (about its CPU time per wall second): only more
        // than a core's worth beyond them means other processes took CPU from the stages.
        double own = wall > 0 ? (ProcessCpu.seconds() - cpuStart) / wall : 0;
        List<String> notes = new ArrayList<>();
        if (load - own > 1 && load > cores) notes.add(String.format(Locale.ROOT, "The machine was busy (load "
                + "average %.1f on %d cores at the end, this run's own share about %.1f): wall times are inflated by "
                + "other processes; CPU time is what the stages cost.", load, cores, own));
        DemoPlan p = budget == null ? null : budget.plan();
        return new DemoResult(options.budgetMinutes(), options.smoke(), p == null ? List.of() : planItems(p),
                p == null ? 0 : p.referenceImages(), Torch.threads(), options.bf16(),
                DemoLayout.RCM + "/" + PretrainStage.ENCODER_FILE,
                options.inception() == null ? null : options.inception().toString(), List.copyOf(stages),
                List.copyOf(metrics), (System.nanoTime() - start) / 1e9, ProcessCpu.seconds() - cpuStart, load,
                ZonedDateTime.now().withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), List.copyOf(notes));
    }

    private static List<DemoResult.PlanItem> planItems(DemoPlan p) {
        return List.of(item("batch (every training stage)", p.batch()),
                item("RCM pre-training steps", p.pretrainSteps()),
                item("diffusion steps (RCM init and scratch each)", p.diffusionSteps()),
                item("consistency steps", p.consistencySteps()), item("images sampled per model", p.sampleImages()),
                item("Heun grid points", p.heunPoints()), item("guidance weight w", p.cfg()),
                item("reference images", p.referenceImages()));
    }

    private static DemoResult.PlanItem item(String name, Object value) {
        return new DemoResult.PlanItem(name, String.valueOf(value));
    }
}
