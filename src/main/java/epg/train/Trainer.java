// The training loop shared by every stage (docs/architecture.md): one explicit, linear step, written once.
package epg.train;

import com.google.gson.JsonObject;
import epg.data.Batch;
import epg.data.Dataset;
import epg.data.Loader;
import epg.dist.Distributed;
import epg.dist.GradientAverager;
import epg.tensor.Autocast;
import epg.tensor.FolderLock;
import epg.tensor.Precision;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a {@link Stage}: batches from a resumable {@link Loader}, a native-memory scope per step, optional bf16/fp16
 * autocast (fp16 with a {@link LossScaler}), AdamW with a scheduled learning rate, skipping of non-finite steps (the
 * step counter, and so every schedule, stands still on a skipped step, as in the released loop),
 * optional gradient clipping, the stage's momentum/EMA update, a JSON-lines log and periodic checkpoints in a
 * {@link RunDir}, from which a run resumes automatically and exactly. The stage's modules are laid out flat
 * ({@link ParameterLayout}): weights, gradients, moments and EMA copies are one buffer per dtype.
 * <p>
 * Data parallel (docs/distributed.md): with a {@link Distributed} group of W processes, each rank loads its block of
 * every global batch, the gradients are averaged over ranks after backward (bucketed all-reduce), the logged loss is
 * the global mean, and only rank 0 writes config, log and checkpoints (the others wait for it at a barrier). Every
 * rank resumes from the same checkpoint; the step numbers are checked to agree.
 */
public final class Trainer {
    /**
     * @param schedule  steps K (the length of the schedules), global batch (for images/s), warm-up (clipping starts
     *                  after it)
     * @param lr        learning rate of each step
     * @param adam      AdamW betas, eps, weight decay, no-decay names
     * @param clipNorm  gradient-norm clipping threshold after warm-up; 0 = off (pre-training)
     * @param precision fp32, or bf16 / fp16 autocast of the forward and loss (fp16 adds the loss scaler; CUDA only)
     * @param run       device (the stage's modules are moved there, docs/distributed.md), steps per log line (losses
     *                  averaged over them), per checkpoint (also written at the end of every invocation), step
     *                  directories kept (older ones deleted; 0 keeps all)
     */
    public record Settings(Schedule schedule, LrSchedule lr, AdamW.Options adam, double clipNorm, Precision precision,
                           RunControl run) {
        public Settings {
            if (schedule == null || lr == null || adam == null || run == null)
                throw new IllegalArgumentException("schedule, learning rate, optimiser and run settings are required");
            if (precision == null) throw new IllegalArgumentException("precision must be fp32, bf16 or fp16");
            run.check(precision);
            if (clipNorm < 0) throw new IllegalArgumentException("clip norm must be >= 0 (0 = off), got " + clipNorm);
        }
    }

    /** Consecutive non-finite steps after which the run stops. */
    public static final int MAX_SKIPS_IN_A_ROW = 20;

    /** Progress reporting (the console bar of the CLI); every method is optional. */
    public interface Listener {
        default void started(long fromStep, long toStep) {}

        /** After every step; {@code logLine} is non-null on logged steps. */
        default void stepped(long stepsDone, JsonObject logLine) {}

        default void finished() {}

        Listener NONE = new Listener() {};
    }

    private final Stage stage;
    private final Settings settings;
    private final RunDir dir;
    private final AdamW optimizer;
    private final Map<String, Tensor> trainable;
    private final Object config;
    private final Distributed group;
    private final GradientAverager averager;
    private final LossScaler scaler;
    private Invocation invocation;
    private java.util.Set<String> mayChange = java.util.Set.of();

    /** {@code config} is the stage's resolved configuration record, written to (or checked against) config.json. */
    public Trainer(Stage stage, Settings settings, RunDir dir, Object config) {
        this(stage, settings, dir, config, Distributed.single());
    }

    /**
     * One rank of a data-parallel run; the stage must have been built for the same {@code group} (docs/distributed.md).
     */
    public Trainer(Stage stage, Settings settings, RunDir dir, Object config, Distributed group) {
        Torch.init();
        this.config = config;
        this.stage = stage;
        this.settings = settings;
        this.dir = dir;
        this.group = group;
        if (!settings.run().device().equals("cpu")) {
            if (!torch.cuda_is_available())
                throw new IllegalArgumentException("--device " + settings.run().device()
                        + ": no CUDA device is visible to libtorch (a CPU-only machine, or the "
                        + "CPU natives: build with mvn -Pgpu, see docs/distributed.md)");
            org.bytedeco.pytorch.Device device = Torch.device(settings.run().device());
            stage.modules().values().forEach(m -> m.to(device));
        }
        this.trainable = new LinkedHashMap<>(stage.trainable());
        this.optimizer = AdamW.of(trainable, settings.adam(), stage.lrScales(), stage.modules().values(),
                ParameterLayout.current());
        Gradients grads = optimizer.gradients();
        this.averager = new GradientAverager(group, grads.flatBuffers(), grads.unflattened());
        this.scaler = LossScaler.of(settings.precision() == Precision.FP16);
    }

    public AdamW optimizer() { return optimizer; }

    /**
     * Records {@code invocation} in config.json, and lets the settings named in {@code mayChange} differ from a stored
     * config.json (a resumed run's extended "steps"); returns this trainer.
     */
    public Trainer invokedAs(Invocation invocation, java.util.Set<String> mayChange) {
        this.invocation = invocation;
        this.mayChange = java.util.Set.copyOf(mayChange);
        return this;
    }

    /** Values config.json derives from the settings: the peak learning rate actually used ("effectiveLr"). */
    private JsonObject derived() {
        JsonObject o = new JsonObject();
        o.addProperty("effectiveLr", settings.lr().at(settings.schedule().warmup()));
        return o;
    }

    /**
     * Resumes from the run directory's latest checkpoint when there is one, else starts at step 0. Rank 0 also
     * repairs what a killed process left: the log loses its lines past that step and a torn tail, and the stage's
     * export (model file, preview) is written again when it is not the checkpoint's.
     */
    public TrainState restore() throws IOException {
        Optional<Path> latest = dir.latest();
        if (latest.isEmpty()) {
            if (group.isMain()) dir.truncateLog(0);
            return TrainState.start();
        }
        try (Scope s = Scope.open()) {
            TrainState st = RunDir.loadCheckpoint(latest.get(), stage.modules(), optimizer, stage.generators());
            if (group.isMain()) {
                dir.truncateLog(st.step());
                if (!stage.exported(dir, st.step())) export(st.step());
            }
            if (st.lossScale() > 0) scaler.restore(new double[]{st.lossScale(), st.scaleGoodSteps()});
            return st;
        }
    }

    /** Every rank must stand at the same step (they read the same run directory); else the job stops. */
    private void checkSameStep(TrainState state) {
        if (group.worldSize() == 1) return;
        try (Scope s = Scope.open()) {
            Tensor t = Torch.fromDoubles(new double[]{state.step(), -state.step()}, 2);
            group.allReduceMax(t);
            double[] v = Torch.toDoubles(t);
            if (v[0] != -v[1])
                throw new IllegalStateException("rank " + group.rank() + " resumed at step " + state.step()
                        + " but other ranks at steps "
                        + (long) -v[1] + " to " + (long) v[0]
                        + ": every rank must see the same run directory (a shared file system)");
        }
    }

    /**
     * Trains from the run directory's state up to step min(stopAt, K); returns the final state (also checkpointed).
     * Rank 0 holds the directory's lock throughout (a second process on it is refused) and first clears what a
     * killed process left there ({@link RunDir#tidy}).
     */
    public TrainState run(Dataset data, Loader.Config loaderConfig, long stopAt, Listener listener) throws IOException {
        try (FolderLock lock = group.isMain() ? dir.lock() : null) {
            return runLocked(data, loaderConfig, stopAt, listener);
        }
    }

    private TrainState runLocked(Dataset data, Loader.Config loaderConfig, long stopAt, Listener listener)
            throws IOException {
        long end = Math.min(stopAt, settings.schedule().steps());
        if (group.isMain()) {
            dir.writeConfig(config, mayChange, derived(), invocation);
            dir.tidy(settings.run().keepCheckpoints());
        }
        group.barrier();
        TrainState state = restore();
        checkSameStep(state);
        listener.started(state.step(), end);
        Interval interval = new Interval();
        try (Loader loader = new Loader(data, loaderConfig.split(group.rank(), group.worldSize()), state.position())) {
            while (state.step() < end) {
                long k = state.step();
                // Section: next batch.
                Batch batch = loader.next();
                JsonObject logLine = null;
                try (Scope scope = Scope.open()) {
                    // Section: forward and loss (optionally under bf16 autocast).
                    Stage.Loss loss;
                    try (Autocast a = Autocast.of(settings.run().device(), settings.precision())) {
                        loss = stage.loss(batch, k);
                    }
                    // Section: backward (of the scaled loss under fp16), then the gradients averaged over ranks and
                    // unscaled.
                    (scaler.enabled() ? loss.total().mul(Torch.scalar(scaler.scale())) : loss.total()).backward();
                    group.checkHooks();
                    optimizer.gradients().collect();
                    averager.average();
                    if (group.worldSize() > 1) optimizer.gradients().adoptAveraged();
                    if (scaler.enabled()) unscale();
                    // Section: a non-finite loss or gradient skips the step (counted; too many in a row stop the run).
                    Map<String, Double> terms = globalMeans(loss);
                    double lossValue = terms.remove("loss"), gradNorm = optimizer.gradients().norm();
                    boolean skip = !Double.isFinite(lossValue) || !Double.isFinite(gradNorm);
                    scaler.update(!skip);
                    if (skip) {
                        optimizer.zeroGrad();
                    } else {
                        // Section: optional gradient-norm clipping.
                        if (settings.clipNorm() > 0 && k >= settings.schedule().warmup())
                            optimizer.gradients().clip(gradNorm, settings.clipNorm());
                        // Section: AdamW step with the scheduled learning rate.
                        optimizer.step(settings.lr().at(k));
                        optimizer.zeroGrad();
                        // Section: momentum / EMA update.
                        stage.afterStep(k);
                    }
                    // A skipped step consumed its batch but, as released, moves neither the step counter nor the
                    // schedules that read it (learning rate, noise curriculum, temperature, ECT stage) nor the EMA.
                    state = state.advanced(skip, loader.position());
                    if (scaler.enabled()) state = state.withScaler(scaler.state());
                    if (state.consecutiveSkipped() >= MAX_SKIPS_IN_A_ROW)
                        throw new IllegalStateException(state.consecutiveSkipped()
                                + " steps in a row had a non-finite loss or gradient (at step "
                                + state.step() + "); stopping. Resume from the last checkpoint with a lower learning "
                                + "rate or without bf16.");
                    // Section: log.
                    interval.add(skip, lossValue, terms);
                    if (group.isMain() && !skip && due(state.step(), settings.run().logEvery(), end))
                        logLine = interval.line(state, settings.lr().at(k), gradNorm, parameterNorm(),
                                settings.schedule().batch(), loss.values());
                }
                if (logLine != null) dir.log(logLine);
                listener.stepped(state.step(), logLine);
                // Section: periodic checkpoint (after a step that moved the counter).
                if (state.consecutiveSkipped() == 0 && due(state.step(), settings.run().checkpointEvery(), end))
                    checkpoint(state);
            }
        }
        listener.finished();
        return state;
    }

    /** Whether step {@code step} (just reached) is a multiple of {@code every} or the last. */
    private static boolean due(long step, long every, long end) { return step % every == 0 || step == end; }

    /** Rank 0 writes; every rank waits until it has (so none runs ahead of the last complete checkpoint). */
    private void checkpoint(TrainState state) throws IOException {
        // Non-finite weights (a learning rate far too high) must not replace the last good checkpoint or model file.
        double norm;
        try (Scope s = Scope.open()) { norm = parameterNorm(); }
        if (!Double.isFinite(norm))
            throw new IllegalStateException("the weights are no longer finite at step " + state.step() + " ("
                    + state.skipped() + " steps skipped so far); nothing is written and the last checkpoint is kept. "
                    + "Resume with a lower learning rate.");
        if (group.isMain()) {
            try (Scope s = Scope.open()) {
                dir.saveCheckpoint(state, stage.modules(), optimizer, stage.generators(),
                        settings.run().keepCheckpoints());
                export(state.step());
            }
        }
        group.barrier();
    }

    private void export(long step) throws IOException {
        // Preview grids sample in the training precision (float32 took 6x as long as bf16 on AVX512-BF16).
        try (Autocast a = Autocast.of(settings.run().device(), settings.precision())) {
            stage.export(dir, step);
        }
    }

    /** The loss and its terms, each averaged over ranks (the mean over the global batch): one small all-reduce. */
    private Map<String, Double> globalMeans(Stage.Loss loss) {
        TensorVector parts = new TensorVector(loss.total().detach().to(ScalarType.Double).reshape(1).cpu());
        loss.terms().values().forEach(t -> parts.push_back(t.detach().to(ScalarType.Double).reshape(1).cpu()));
        Tensor all = torch.cat(parts);                                   // [1 + terms]
        group.allReduceSum(all);
        double[] v = Torch.toDoubles(all);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("loss", v[0] / group.worldSize());
        int i = 1;
        for (String k : loss.terms().keySet()) out.put(k, v[i++] / group.worldSize());
        return out;
    }

    /** Gradients of the scaled loss ← gradients / scale. */
    private void unscale() { optimizer.gradients().scale(1 / scaler.scale()); }

    /** sqrt(Σ‖θ‖²): the norm of the trainable weights themselves (not of their gradients). */
    private double parameterNorm() {
        TensorVector norms = new TensorVector();
        for (Tensor p : trainable.values()) norms.push_back(p.detach().norm());
        return torch.stack(norms).norm().item_double();
    }

    /** Sums since the last log line: losses and terms are averaged over the steps that were not skipped. */
    private static final class Interval {
        private final Map<String, Double> sums = new LinkedHashMap<>();
        private int steps, good;
        private long start = System.nanoTime();

        void add(boolean skipped, double loss, Map<String, Double> terms) {
            steps++;
            if (skipped) return;
            good++;
            sums.merge("loss", loss, Double::sum);
            terms.forEach((k, v) -> sums.merge(k, v, Double::sum));
        }

        JsonObject line(TrainState st, double lr, double gradNorm, double paramNorm, int batch, Map<String,
                Double> values) {
            double secs = (System.nanoTime() - start) / 1e9;
            JsonObject o = new JsonObject();
            o.addProperty(RunLog.STEP, st.step());
            o.addProperty(RunLog.TIME, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)
                    .toString());
            sums.forEach((k, v) -> o.addProperty(k, v / Math.max(1, good)));
            values.forEach(o::addProperty);
            o.addProperty(RunLog.LR, lr);
            o.addProperty(RunLog.GRAD_NORM, gradNorm);
            o.addProperty(RunLog.PARAM_NORM, paramNorm);
            o.addProperty(RunLog.IMAGES_PER_SECOND, secs > 0 ? steps * batch / secs : 0);
            o.addProperty(RunLog.SKIPPED, st.skipped());
            sums.clear();
            steps = good = 0;
            start = System.nanoTime();
            return o;
        }
    }
}
