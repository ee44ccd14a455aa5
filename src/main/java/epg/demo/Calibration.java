// Spec §3–§7 at demo scale: the cost of every stage of `epg demo` on this machine, from a few timed steps of each.
package epg.demo;

import com.google.gson.JsonObject;
import epg.metrics.FeatureExtractor;
import epg.metrics.RcmExtractor;
import epg.sample.SampleRun;
import epg.tensor.Scope;
import epg.train.DiffusionStage;
import epg.train.FinetunedModel;
import epg.train.PretrainStage;
import epg.train.Task;
import epg.train.Trainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs each stage briefly in DIR (wiped first), in the run's precision, through the same library calls as the run:
 * the reference set of one sampling batch; {@code warm} + {@code timed} steps of pre-training, diffusion and
 * consistency fine-tuning (from the calibration's own encoder); two sampling batches each of Heun on a short grid and
 * of one step (the second timed: the first meets new tensor shapes); feature extraction twice (the second timed).
 * A training step costs the median of its timed steps; what the stage took beyond its steps (networks, weights,
 * warm-up, checkpoint) is its fixed cost, to which the end-of-run preview grid is added. The training data is
 * opened before the clocks start (the run opens it once).
 */
final class Calibration {
    /** Heun grid points of the timed sampling batch (its cost per network evaluation is what is measured). */
    static final int HEUN_POINTS = 4;

    private interface Timed<T> { T run() throws IOException; }

    private final DemoStages stages;
    private final DemoPlan shape;
    private final Path dir;
    private final int warm, timed;

    /** {@code shape}: the batch sizes, Heun grid and guidance of the plan to size. */
    Calibration(DemoStages stages, DemoPlan shape, Path dir, int warm, int timed) {
        if (warm < 1 || timed < 1) throw new IllegalArgumentException("calibration needs >= 1 warm-up and timed step");
        this.stages = stages;
        this.shape = shape;
        this.dir = dir;
        this.warm = warm;
        this.timed = timed;
    }

    StageCosts measure() throws IOException {
        deleteTree(dir);
        stages.openData();
        double refSeconds = seconds(() -> {
            ReferenceSet.write(shape.sampleBatch(), dir.resolve(DemoBudget.REFERENCE));
            return 0;
        });
        StageCosts.Training pretrain = training(DemoBudget.PRETRAIN,
                (out, clock) -> stages.pretrain(out, shape.pretrainSteps(), steps(), clock));
        String encoder = dir.resolve(DemoBudget.PRETRAIN).resolve(PretrainStage.ENCODER_FILE).toString();
        StageCosts.Training diffusion = training(DemoBudget.DIFFUSION, (out, clock) -> stages.diffusion(
                encoder, out, shape.diffusionSteps(), steps(), clock));
        String diffusionModel = dir.resolve(DemoBudget.DIFFUSION).resolve(FinetunedModel.MODEL_FILE).toString();
        StageCosts.Training consistency = training(DemoBudget.CONSISTENCY, (out, clock) -> stages.consistency(
                diffusionModel, encoder, out, shape.consistencySteps(), steps(), clock));
        Path heunNpz = dir.resolve("samples-heun").resolve(SampleRun.NPZ);
        double heunCall = perImage(DemoBudget.DIFFUSION, true, heunNpz.getParent());
        double oneStep = perImage(DemoBudget.CONSISTENCY, false, dir.resolve("samples-onestep"));
        double feature = featureImage(Path.of(encoder), heunNpz);
        long preview = FinetunedModel.PREVIEW_IMAGES;
        double heunPreview = preview * stages.heunEvaluations(DiffusionStage.PREVIEW_POINTS, 1) * heunCall;
        return new StageCosts(refSeconds, pretrain, withFixed(diffusion, heunPreview),
                withFixed(consistency, preview * oneStep), heunCall,
                stages.heunEvaluations(shape.heunPoints(), shape.cfg()), oneStep, feature);
    }

    private long steps() { return warm + timed; }

    private interface Run { void train(Path out, Trainer.Listener clock) throws IOException; }

    /** A training stage's fixed cost and cost per step. */
    private StageCosts.Training training(String name, Run run) throws IOException {
        StepClock clock = new StepClock();
        double total = seconds(() -> { run.train(dir.resolve(name), clock); return 0; });
        double perStep = clock.median(timed);
        return new StageCosts.Training(Math.max(0, total - steps() * perStep), perStep);
    }

    /**
     * Seconds per image of the second of two sampling batches from the calibration model {@code name}: per network
     * evaluation with Heun, per image with one step.
     */
    private double perImage(String name, boolean heun, Path out) throws IOException {
        Path model = dir.resolve(name).resolve(FinetunedModel.MODEL_FILE);
        int n = shape.sampleBatch();
        List<Long> done = new ArrayList<>();
        SampleRun.Result r = stages.sample(model, heun, heun ? HEUN_POINTS : 2, shape.cfg(), 2 * n, n, out,
                k -> done.add(System.nanoTime()));
        return (done.get(1) - done.get(0)) / 1e9 / (n * (heun ? r.nfePerImage() : 1));
    }

    /** Seconds per image of FD_RCM's feature extraction (samples and reference), the second of two passes. */
    private double featureImage(Path encoder, Path samples) throws IOException {
        Path ref = dir.resolve(DemoBudget.REFERENCE).resolve(ReferenceSet.NPZ);
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        try (Scope s = Scope.open()) {
            FeatureExtractor rcm = RcmExtractor.load(encoder, null);
            DemoStages.evaluate(rcm, samples, ref, quiet);
            double secs = seconds(() -> DemoStages.evaluate(rcm, samples, ref, quiet));
            return secs / (3.0 * shape.sampleBatch()); // two sampling batches and the reference (one)
        }
    }

    private static StageCosts.Training withFixed(StageCosts.Training t, double more) {
        return new StageCosts.Training(t.fixedSeconds() + more, t.secondsPerStep());
    }

    private static double seconds(Timed<?> body) throws IOException {
        long t0 = System.nanoTime();
        body.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Removes a previous calibration (a run directory would otherwise resume instead of training). */
    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** Seconds between consecutive steps (the first also holds the loader's start). */
    private static final class StepClock implements Trainer.Listener {
        private final List<Double> seconds = new ArrayList<>();
        private long last;

        @Override public void started(long fromStep, long toStep) { last = System.nanoTime(); }

        @Override public void stepped(long stepsDone, JsonObject logLine) {
            long now = System.nanoTime();
            seconds.add((now - last) / 1e9);
            last = now;
        }

        /** Median of the last {@code n} steps. */
        double median(int n) {
            if (seconds.size() < n)
                throw new IllegalStateException("calibration ran " + seconds.size() + " steps, not " + n);
            double[] s = seconds.subList(seconds.size() - n, seconds.size()).stream()
                    .mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(s);
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }
    }
}
