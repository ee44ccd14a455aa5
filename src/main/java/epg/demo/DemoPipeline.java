// Issue 8: `epg demo`, the paper's whole method end to end on Fashion-MNIST (spec §3–§7): RCM pre-training → diffusion
// fine-tuning (and the same from scratch) → consistency fine-tuning → sampling → evaluation → report.html.
package epg.demo;

import epg.cli.Progress;
import epg.config.Json;
import epg.data.Normalization;
import epg.diffusion.Preconditioning;
import epg.metrics.Evaluation;
import epg.metrics.EvaluationResult;
import epg.metrics.FeatureExtractor;
import epg.metrics.FeatureSet;
import epg.metrics.FeatureStats;
import epg.metrics.ImageSource;
import epg.metrics.InceptionV3;
import epg.metrics.RcmExtractor;
import epg.metrics.RefStats;
import epg.report.DemoReport;
import epg.report.LogSeries;
import epg.sample.Guidance;
import epg.sample.Labels;
import epg.sample.ModelDenoiser;
import epg.sample.OneStep;
import epg.sample.SampleOptions;
import epg.sample.SampleRun;
import epg.sample.Heun;
import epg.tensor.AtomicFile;
import epg.tensor.Autocast;
import epg.tensor.Npz;
import epg.tensor.Scope;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * Runs every stage in order in this process (stages that train go through the `epg` command line, so their run
 * directories are exactly what `epg pretrain` / `epg train` write), times each, and writes RUN/config.json (the plan),
 * RUN/demo.json (stage times, metrics) and RUN/report.html, also when a stage fails.
 */
public final class DemoPipeline {
    public static final String REFERENCE = "reference", RCM = "rcm", DIFFUSION = "diffusion", SCRATCH = "scratch", CONSISTENCY = "consistency",
            SAMPLES = "samples", CONFIG = "config.json", RESULT = "demo.json", REPORT = "report.html", MODEL_FILE = "model.safetensors";
    /**
     * Learning rates of the short runs: pre-training's at batch 1024 (scaled by `epg pretrain`: 6.25e-4 at batch 32, as
     * the README's command); fine-tuning's absolute (the released 1e-4 is for batch 1024 over a million steps).
     */
    static final double PRETRAIN_LR = 2e-2, DIFFUSION_LR = 1e-3, CONSISTENCY_LR = 2e-4;
    /** Unshifted σ below which the diffusion runs' loss weights stay at that level's (`--loss-weight-floor`). */
    static final double DIFFUSION_WEIGHT_FLOOR = 0.5;

    /** How the pipeline runs an `epg` command line (in this JVM: `Main.commandLine()::execute`); returns the exit status. */
    public interface Cli { int execute(String... args); }

    /** The options a run was started with, written to RUN/config.json next to the plan. */
    public record Options(DemoPlan plan, Path inception, boolean bf16, long seed, int threads) {}

    private interface Body { String run() throws Exception; }

    private record Sampled(String dir, long nfe, int images) {}

    private final Options options;
    private final DemoPlan plan;
    private final Path out;
    private final PrintStream console;
    private final Cli cli;
    private final List<StageRecord> stages = new ArrayList<>();
    private final List<MetricRow> metrics = new ArrayList<>();
    private final Map<String, Sampled> sampled = new LinkedHashMap<>();
    private int stageNumber;

    public DemoPipeline(Options options, Path out, PrintStream console, Cli cli) {
        this.options = options;
        this.plan = options.plan();
        this.out = out;
        this.console = console;
        this.cli = cli;
    }

    public static final int STAGES = 9;

    public DemoResult run() throws Exception {
        long start = System.nanoTime();
        Files.createDirectories(out);
        AtomicFile.writeString(out.resolve(CONFIG), Json.pretty(options) + "\n");
        Path encoder = out.resolve(RCM).resolve("encoder.safetensors");
        try {
            stage(REFERENCE, "Reference set: " + plan.referenceImages() + " Fashion-MNIST test images at 32 px", () -> {
                ReferenceSet.write(plan.referenceImages(), out.resolve(REFERENCE));
                return REFERENCE + "/" + ReferenceSet.NPZ;
            });
            stage("pretrain", "Stage 1: RCM pre-training of RCM-T, " + plan.pretrainSteps() + " steps", () -> {
                command("pretrain", "--preset", "RCM-T", "--steps", plan.pretrainSteps(), "--lr", PRETRAIN_LR, "--out", out.resolve(RCM));
                return RCM + "/encoder.safetensors";
            });
            train(DIFFUSION, "Stage 2a: diffusion fine-tuning of EPG-T from the RCM encoder", "diffusion", encoder.toString(), plan.diffusionSteps());
            train(SCRATCH, "Control: the same diffusion training from random initialisation", "diffusion", "scratch", plan.diffusionSteps());
            train(CONSISTENCY, "Stage 2b: consistency fine-tuning of EPG-T from the RCM encoder", "consistency", encoder.toString(), plan.consistencySteps());
            String heun = "heun-" + plan.heunPoints();
            sample("sample-" + DIFFUSION, DIFFUSION, heun, Preconditioning.Kind.DIFFUSION);
            sample("sample-" + SCRATCH, SCRATCH, heun, Preconditioning.Kind.DIFFUSION);
            sample("sample-" + CONSISTENCY, CONSISTENCY, "onestep", Preconditioning.Kind.CONSISTENCY);
            stage("evaluate", "Evaluation: FD_RCM" + (options.inception() != null ? " and FID" : "") + " against the reference set",
                    () -> evaluate(encoder));
        } finally {
            finish(start);
        }
        return result(start);
    }

    // Section: stages.

    private void train(String dir, String title, String task, String init, long steps) throws Exception {
        boolean consistency = task.equals("consistency");
        stage(dir, title + ", " + steps + " steps", () -> {
            List<Object> args = new ArrayList<>(List.of("train", "--task", task, "--preset", "EPG-T", "--init", init, "--steps", steps,
                    "--lr", consistency ? CONSISTENCY_LR : DIFFUSION_LR, "--ema", emaRate(steps), "--preview-every", 0, "--out", out.resolve(dir)));
            // ECT's stages (d0 = d1) as a quarter of the run each: r approaches t three times instead of never (100k released).
            if (consistency) args.addAll(List.of("--ect-stage", Math.max(1, steps / 4)));
            // The grid weights held at their σ = 0.5 value below it: unfloored, the levels near σ_min, where an under-trained
            // x-prediction network copies its input only roughly, take nearly all of a short run's gradient (EPG-T, 8000 steps:
            // blocky noise unfloored, recognisable garments floored; docs/finetuning.md).
            else args.addAll(List.of("--loss-weight-floor", DIFFUSION_WEIGHT_FLOOR));
            command(args.toArray());
            return dir + "/" + MODEL_FILE;
        });
    }

    private void sample(String key, String dir, String sampler, Preconditioning.Kind kind) throws Exception {
        Path model = out.resolve(dir).resolve(MODEL_FILE);
        boolean heun = !sampler.equals("onestep");
        String title = "Sampling " + dir + ": " + plan.sampleImages() + " images, " + (heun ? "Heun " + plan.heunPoints()
                + " points, guidance w " + plan.cfg() + " in the interval" : "one step");
        stage(key, title, () -> {
            String rel = SAMPLES + "/" + dir + "-" + sampler;
            SampleRun.Result r = sampleImages(model, kind, heun, out.resolve(rel));
            sampled.put(dir, new Sampled(rel, r.nfePerImage(), r.images()));
            return String.format(Locale.ROOT, "%s: %.2f images/s, NFE %d per image", rel, r.imagesPerSecond(), r.nfePerImage());
        });
    }

    /**
     * The sampling EMA's rate for a run of {@code steps}: a time constant of a tenth of the run, between 0.9 and the released
     * 0.9999 (which over a thousand steps would leave the EMA weights 90% at their initialisation).
     */
    static double emaRate(long steps) { return Math.min(0.9999, Math.max(0.9, 1 - 10.0 / steps)); }

    private SampleRun.Result sampleImages(Path model, Preconditioning.Kind kind, boolean heun, Path dir) throws IOException {
        try (Scope s = Scope.open()) {
            ModelDenoiser m = ModelDenoiser.load(model, null, null, kind);
            Normalization norm = Normalization.parse(m.metadata().getOrDefault("normalization", "simple")).forChannels(m.model().config.channels());
            SampleOptions so = new SampleOptions(heun ? new Heun() : new OneStep(), plan.heunPoints(), heun ? plan.cfg() : 1.0,
                    Guidance.RELEASED_LOW, Guidance.RELEASED_HIGH, plan.sampleBatch());
            long[] seeds = LongStream.range(0, plan.sampleImages()).map(k -> k + options.seed()).toArray();
            Progress bar = new Progress("sample", seeds.length, System.err);
            SampleRun.Result r;
            try (Autocast a = Autocast.cpu(options.bf16())) { // the precision the network was trained in
                r = SampleRun.of(m, norm, so).run(seeds, Labels.balanced(seeds.length, m.model().config.numClasses()), dir,
                        n -> { for (int i = 0; i < n; i++) bar.step(); });
            }
            bar.finish();
            return r;
        }
    }

    private String evaluate(Path encoder) throws IOException {
        Path ref = out.resolve(REFERENCE).resolve(ReferenceSet.NPZ);
        PrintWriter log = new PrintWriter(System.err, true);
        try (Scope s = Scope.open()) {
            FeatureExtractor rcm = RcmExtractor.load(encoder, null);
            InceptionV3 inception = options.inception() == null ? null : InceptionV3.load(options.inception());
            Path inceptionRef = inception == null ? null : inceptionReference(inception, ref, log);
            for (Map.Entry<String, Sampled> e : sampled.entrySet()) {
                Path npz = out.resolve(e.getValue().dir()).resolve(SampleRun.NPZ);
                EvaluationResult fd = Evaluation.run(rcm, npz, ref, 50, log);
                Double fid = inception == null ? null : Evaluation.run(inception, npz, inceptionRef, 50, log).fid();
                metrics.add(row(e.getKey(), e.getValue(), fd.fid(), fid));
            }
        }
        StringBuilder b = new StringBuilder();
        for (MetricRow m : metrics) b.append(String.format(Locale.ROOT, "%s FD_RCM %.3f%s; ", m.model(), m.fdRcm(), m.fid() == null ? "" : String.format(Locale.ROOT, ", FID %.2f", m.fid())));
        return metrics.isEmpty() ? "nothing was sampled" : b.toString().replaceAll("; $", "");
    }

    /** Inception statistics of the reference, computed once (mu, sigma, mu_s, sigma_s; no images, so no precision/recall). */
    private Path inceptionReference(InceptionV3 inception, Path ref, PrintWriter log) throws IOException {
        Path file = out.resolve(REFERENCE).resolve("reference-inception.npz");
        try (ImageSource source = ImageSource.open(ref); Scope s = Scope.open()) {
            FeatureSet f = FeatureSet.collect(inception, source, 50, null, log);
            Npz.write(file, RefStats.arrays(FeatureStats.of(f.pool()), FeatureStats.of(f.spatial())));
        }
        return file;
    }

    private MetricRow row(String dir, Sampled s, double fdRcm, Double fid) throws IOException {
        boolean scratch = dir.equals(SCRATCH), consistency = dir.equals(CONSISTENCY);
        String model = consistency ? "EPG consistency (RCM init)" : scratch ? "diffusion from scratch" : "EPG diffusion (RCM init)";
        String sampler = consistency ? "one step" : String.format(Locale.ROOT, "Heun %d points, w %.1f in (%.2f, %.2f]·s", plan.heunPoints(), plan.cfg(),
                Guidance.RELEASED_LOW, Guidance.RELEASED_HIGH);
        double loss = LogSeries.read(out.resolve(dir).resolve("log.jsonl"), "loss", dir).tailMean(5);
        return new MetricRow(model, scratch ? "random" : "RCM-T encoder", consistency ? plan.consistencySteps() : plan.diffusionSteps(),
                sampler, s.nfe(), s.images(), fdRcm, fid, loss, s.dir());
    }

    // Section: running a stage.

    /** Runs {@code epg ARGS} with the plan's data, batch, precision, seed and log intervals added; fails on a non-zero status. */
    private void command(Object... args) {
        String name = args[0].toString();
        List<String> line = new ArrayList<>(List.of(name, "--data", epg.data.DatasetRegistry.DEFAULT,
                "--batch", String.valueOf(plan.batch())));
        for (int i = 1; i < args.length; i++) line.add(args[i].toString());
        long steps = plan.pretrainSteps();
        for (int i = 0; i < line.size() - 1; i++) if (line.get(i).equals("--steps")) steps = Long.parseLong(line.get(i + 1));
        line.addAll(List.of("--warmup", String.valueOf(DemoPlan.warmup(steps)), "--seed", String.valueOf(options.seed()),
                "--log-every", String.valueOf(Math.max(1, steps / 100)), "--checkpoint-every", String.valueOf(steps)));
        if (options.bf16()) line.add("--bf16");
        console.println("$ epg " + String.join(" ", line));
        int code = cli.execute(line.toArray(String[]::new));
        if (code != 0) throw new IllegalStateException("`epg " + name + "` exited with status " + code + " (its error is printed above)");
    }

    private void stage(String key, String title, Body body) throws Exception {
        console.printf("%n== [%d/%d] %s ==%n", ++stageNumber, STAGES, title);
        long t0 = System.nanoTime();
        double cpu0 = ProcessCpu.seconds();
        try {
            String detail = body.run();
            double secs = (System.nanoTime() - t0) / 1e9, cpu = ProcessCpu.seconds() - cpu0;
            stages.add(new StageRecord(key, title, secs, cpu, StageRecord.DONE, detail));
            console.printf("   %s in %s (CPU %.0f s)%n", detail, Progress.clock(secs), cpu);
        } catch (Exception | Error e) {
            stages.add(new StageRecord(key, title, (System.nanoTime() - t0) / 1e9, ProcessCpu.seconds() - cpu0, StageRecord.FAILED, String.valueOf(e.getMessage())));
            throw e;
        }
    }

    private final double cpuStart = ProcessCpu.seconds();

    private void finish(long start) throws IOException {
        DemoResult r = result(start);
        AtomicFile.writeString(out.resolve(RESULT), Json.pretty(r) + "\n");
        DemoReport.write(out, r);
        console.printf("%nreport: %s (total %s)%n", out.resolve(REPORT), Progress.clock(r.totalSeconds()));
    }

    /** The 1-minute load average now (NaN where unknown): how busy the machine was while the wall times were taken. */
    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private DemoResult result(long start) {
        double load = loadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        List<String> notes = new ArrayList<>();
        if (load > cores) notes.add(String.format(Locale.ROOT, "The machine was busy (load average %.1f on %d cores at the end): wall times are "
                + "inflated by other processes; CPU time is what the stages cost.", load, cores));
        return new DemoResult(plan, epg.tensor.Torch.threads(), options.bf16(), RCM + "/encoder.safetensors",
                options.inception() == null ? null : options.inception().toString(), List.copyOf(stages), List.copyOf(metrics),
                (System.nanoTime() - start) / 1e9, ProcessCpu.seconds() - cpuStart, load,
                java.time.ZonedDateTime.now().withNano(0).format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME), List.copyOf(notes));
    }
}
