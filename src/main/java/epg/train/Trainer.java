// The training loop shared by every stage (ARCHITECTURE.md): one explicit, linear step, written once.
package epg.train;

import com.google.gson.JsonObject;
import epg.data.Batch;
import epg.data.Dataset;
import epg.data.Loader;
import epg.tensor.Autocast;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a {@link Stage}: batches from a resumable {@link Loader}, a native-memory scope per step, optional bf16
 * autocast, AdamW with a scheduled learning rate, skipping of non-finite steps, optional gradient clipping, the
 * stage's momentum/EMA update, a JSON-lines log and periodic checkpoints in a {@link RunDir}, from which a run
 * resumes automatically and exactly.
 */
public final class Trainer {
    /**
     * @param totalSteps      K, the length of the schedules
     * @param batch           global batch size (for images/s)
     * @param lr              learning rate of each step
     * @param adam            AdamW betas, eps, weight decay, no-decay names
     * @param clipNorm        gradient-norm clipping threshold; 0 = off (pre-training)
     * @param clipFrom        first step at which clipping applies (after warm-up in stage 2a)
     * @param bf16            forward and loss under CPU bf16 autocast
     * @param logEvery        steps per log line (losses averaged over them)
     * @param checkpointEvery steps per checkpoint (also written at the end of every invocation)
     * @param keepCheckpoints step directories kept (older ones deleted); 0 keeps all
     * @param maxSkipsInARow  consecutive non-finite steps after which the run stops (20)
     */
    public record Settings(long totalSteps, int batch, LrSchedule lr, AdamW.Options adam, double clipNorm, long clipFrom,
                           boolean bf16, int logEvery, int checkpointEvery, int keepCheckpoints, int maxSkipsInARow) {
        public Settings {
            if (totalSteps <= 0 || batch <= 0) throw new IllegalArgumentException("steps and batch must be > 0");
            if (clipNorm < 0) throw new IllegalArgumentException("clip norm must be >= 0 (0 = off), got " + clipNorm);
            if (logEvery <= 0 || checkpointEvery <= 0 || maxSkipsInARow <= 0)
                throw new IllegalArgumentException("log and checkpoint intervals and the skip limit must be > 0");
        }
    }

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

    /** {@code config} is the stage's resolved configuration record, written to (or checked against) config.json. */
    public Trainer(Stage stage, Settings settings, RunDir dir, Object config) {
        Torch.init();
        this.config = config;
        this.stage = stage;
        this.settings = settings;
        this.dir = dir;
        this.trainable = new LinkedHashMap<>(stage.trainable());
        this.optimizer = new AdamW(trainable, settings.adam());
    }

    public AdamW optimizer() { return optimizer; }

    /** Resumes from the run directory's latest checkpoint when there is one, else starts at step 0. */
    public TrainState restore() throws IOException {
        Optional<Path> latest = dir.latest();
        if (latest.isEmpty()) return TrainState.start();
        try (Scope s = Scope.open()) {
            TrainState st = RunDir.loadCheckpoint(latest.get(), stage.modules(), optimizer, stage.generators());
            dir.truncateLog(st.step());
            return st;
        }
    }

    /** Trains from the run directory's state up to step min(stopAt, K); returns the final state (also checkpointed). */
    public TrainState run(Dataset data, Loader.Config loaderConfig, long stopAt, Listener listener) throws IOException {
        long end = Math.min(stopAt, settings.totalSteps());
        dir.writeConfig(config);
        TrainState state = restore();
        listener.started(state.step(), end);
        Interval interval = new Interval();
        try (Loader loader = new Loader(data, loaderConfig, state.position())) {
            while (state.step() < end) {
                long k = state.step();
                // Section: next batch.
                Batch batch = loader.next();
                JsonObject logLine = null;
                try (Scope scope = Scope.open()) {
                    // Section: forward and loss (optionally under bf16 autocast).
                    Stage.Loss loss;
                    try (Autocast a = Autocast.cpu(settings.bf16())) {
                        loss = stage.loss(batch, k);
                    }
                    // Section: backward.
                    loss.total().backward();
                    // Section: a non-finite loss or gradient skips the step (counted; too many in a row stop the run).
                    double lossValue = loss.total().item_double(), gradNorm = gradNorm();
                    boolean skip = !Double.isFinite(lossValue) || !Double.isFinite(gradNorm);
                    if (skip) {
                        optimizer.zeroGrad();
                    } else {
                        // Section: optional gradient-norm clipping.
                        if (settings.clipNorm() > 0 && k >= settings.clipFrom()) clip(gradNorm);
                        // Section: AdamW step with the scheduled learning rate.
                        optimizer.step(settings.lr().at(k));
                        optimizer.zeroGrad();
                        // Section: momentum / EMA update.
                        stage.afterStep(k);
                    }
                    state = state.advanced(skip, loader.position());
                    if (state.consecutiveSkipped() >= settings.maxSkipsInARow())
                        throw new IllegalStateException(state.consecutiveSkipped() + " steps in a row had a non-finite loss or gradient (up to step "
                                + state.step() + "); stopping. Resume from the last checkpoint with a lower learning rate or without bf16.");
                    // Section: log.
                    interval.add(skip, lossValue, loss);
                    if (state.step() % settings.logEvery() == 0 || state.step() == end)
                        logLine = interval.line(state, settings.lr().at(k), gradNorm, parameterNorm(), settings.batch(), loss.values());
                }
                if (logLine != null) dir.log(logLine);
                listener.stepped(state.step(), logLine);
                // Section: periodic checkpoint.
                if (state.step() % settings.checkpointEvery() == 0 || state.step() == end) checkpoint(state);
            }
        }
        listener.finished();
        return state;
    }

    private void checkpoint(TrainState state) throws IOException {
        try (Scope s = Scope.open()) {
            dir.saveCheckpoint(state, stage.modules(), optimizer, stage.generators(), settings.keepCheckpoints());
            stage.export(dir, state.step());
        }
    }

    /** sqrt(Σ‖g‖²) over the trainable parameters with a gradient. */
    private double gradNorm() {
        TensorVector norms = new TensorVector();
        for (Tensor p : trainable.values()) if (p.grad().defined()) norms.push_back(p.grad().norm());
        return norms.empty() ? 0 : torch.stack(norms).norm().item_double();
    }

    private double parameterNorm() {
        TensorVector norms = new TensorVector();
        for (Tensor p : trainable.values()) norms.push_back(p.detach().norm());
        return torch.stack(norms).norm().item_double();
    }

    /** torch.nn.utils.clip_grad_norm_: g ← g·min(1, max/(‖g‖ + 1e-6)). */
    private void clip(double norm) {
        double factor = settings.clipNorm() / (norm + 1e-6);
        if (factor >= 1) return;
        try (NoGradGuard g = new NoGradGuard()) {
            for (Tensor p : trainable.values()) if (p.grad().defined()) p.grad().mul_(Torch.scalar(factor));
        }
    }

    /** Sums since the last log line: losses and terms are averaged over the steps that were not skipped. */
    private static final class Interval {
        private final Map<String, Double> sums = new LinkedHashMap<>();
        private int steps, good;
        private long start = System.nanoTime();

        void add(boolean skipped, double loss, Stage.Loss l) {
            steps++;
            if (skipped) return;
            good++;
            sums.merge("loss", loss, Double::sum);
            l.terms().forEach((k, v) -> sums.merge(k, v.item_double(), Double::sum));
        }

        JsonObject line(TrainState st, double lr, double gradNorm, double paramNorm, int batch, Map<String, Double> values) {
            double secs = (System.nanoTime() - start) / 1e9;
            JsonObject o = new JsonObject();
            o.addProperty("step", st.step());
            sums.forEach((k, v) -> o.addProperty(k, v / Math.max(1, good)));
            values.forEach(o::addProperty);
            o.addProperty("lr", lr);
            o.addProperty("grad_norm", gradNorm);
            o.addProperty("param_norm", paramNorm);
            o.addProperty("images_per_s", secs > 0 ? steps * batch / secs : 0);
            o.addProperty("skipped", st.skipped());
            sums.clear();
            steps = good = 0;
            start = System.nanoTime();
            return o;
        }
    }
}
