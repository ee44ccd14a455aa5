// Paper Figure 7 (FID against training steps): a fine-tuning run's samples judged at every kept checkpoint.
package epg.report;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.config.Json;
import epg.data.Normalization;
import epg.metrics.ClassAccuracy;
import epg.metrics.Evaluation;
import epg.metrics.EvaluationResult;
import epg.metrics.FashionClassifier;
import epg.metrics.FeatureExtractor;
import epg.metrics.ImageSource;
import epg.nn.EpgModel;
import epg.sample.Labels;
import epg.sample.ModelDenoiser;
import epg.sample.SampleOptions;
import epg.sample.SampleRun;
import epg.tensor.AtomicFile;
import epg.tensor.Scope;
import epg.train.FinetuneConfig;
import epg.train.FinetunedModel;
import epg.train.RunDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * For each kept checkpoints/step-N/ of a fine-tuning run, oldest first: its EMA weights sample images 0 … n−1 (seed
 * k, class-balanced labels, the same for every step) into SAMPLES/step-N/, which are judged as `epg evaluate` judges a
 * folder (Fréchet distance and the rest against a reference, and/or class accuracy). Each step adds one JSON line to
 * the output file (rewritten whole after every step, so an interrupted evaluation keeps the steps done), and every
 * metric one chart of its value against the step (SVG and PNG). Every line carries its "settings"; a step whose line
 * in an existing output file has the same settings is not evaluated again, so re-running on a growing run adds only
 * its new checkpoints.
 *
 * @param images        samples per checkpoint
 * @param sampler       the sampler's command-line name (for the record)
 * @param sampling      sampler, grid, guidance, batch
 * @param extractor     feature space of the Fréchet distance (null: none)
 * @param reference     ADM-style reference batch (with {@code extractor})
 * @param classAccuracy judge 32 px Fashion-MNIST samples with the committed classifier
 * @param batch         images per feature-extraction pass
 */
public record CheckpointEvaluation(int images, String sampler, SampleOptions sampling, FeatureExtractor extractor,
                                   Path reference, boolean classAccuracy, int batch) {
    /** The metrics charted, by JSON key, with their axis names. */
    private static final String[][] CHARTED = {{"fid", "FID"}, {"fdRcm", "FD (RCM)"},
            {"classAccuracy", "class accuracy"}};

    public CheckpointEvaluation {
        if (images < 1) throw new IllegalArgumentException("--num must be >= 1, got " + images);
        if ((extractor == null) != (reference == null))
            throw new IllegalArgumentException("a Fréchet distance needs both REF and a feature extractor");
        if (extractor == null && !classAccuracy)
            throw new IllegalArgumentException("nothing to measure: give REF with --inception or --features, "
                    + "or --class-accuracy");
    }

    /** Whether {@code dir} is a run directory (has config.json) rather than a folder of samples. */
    public static boolean isRun(Path dir) { return Files.isRegularFile(dir.resolve(RunDir.CONFIG)); }

    /** Evaluates every kept checkpoint of {@code run}; writes {@code out} (JSON lines) and its charts. */
    public List<JsonObject> run(Path run, Path out, Path samples, PrintWriter log) throws IOException {
        RunDir dir = new RunDir(run);
        FinetuneConfig cfg = config(dir);
        List<Long> steps = dir.steps();
        if (steps.isEmpty())
            throw new IllegalArgumentException(run + " holds no complete checkpoint (see " + dir.checkpoints() + ")");
        Normalization norm = Normalization.parse(cfg.source().normalization()).forChannels(cfg.model().channels());
        long[] seeds = LongStream.range(0, images).toArray();
        int[] labels = Labels.balanced(images, cfg.model().numClasses());
        FashionClassifier judge = classAccuracy ? FashionClassifier.load() : null;
        Map<Long, JsonObject> done = previous(out);
        List<JsonObject> lines = new ArrayList<>();
        for (long step : steps) {
            if (done.containsKey(step)) {
                lines.add(done.get(step));
                continue;
            }
            Path folder = samples.resolve("step-" + step);
            try (Scope s = Scope.open()) {
                SampleRun.of(denoiser(dir, cfg, step), norm, sampling).run(seeds, labels, folder, n -> { });
            }
            JsonObject line = judge(step, folder.resolve(SampleRun.NPZ), labels, judge, log);
            lines.add(line);
            log.println(Json.compact(line));
            log.flush();
            write(lines, out, log);
        }
        return lines;
    }

    /** What fixes a step's line besides its checkpoint: equal settings, equal numbers. */
    JsonObject settings() {
        JsonObject o = new JsonObject();
        o.addProperty("images", images);
        o.addProperty("sampler", sampler);
        o.addProperty("points", sampling.steps());
        o.addProperty("cfg", sampling.cfg());
        o.addProperty("extractor", extractor == null ? null : extractor.id());
        o.addProperty("reference", reference == null ? null : reference.toAbsolutePath().toString());
        o.addProperty("classAccuracy", classAccuracy);
        return o;
    }

    /** The lines of an earlier evaluation into {@code out} made with these settings, by step. */
    private Map<Long, JsonObject> previous(Path out) throws IOException {
        Map<Long, JsonObject> done = new LinkedHashMap<>();
        if (!Files.isRegularFile(out)) return done;
        JsonElement mine = JsonParser.parseString(Json.compact(settings())); // as written: null members left out
        for (String line : Files.readAllLines(out)) {
            if (line.isBlank()) continue;
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (mine.equals(o.get("settings")) && o.has("step")) done.put(o.get("step").getAsLong(), o);
        }
        return done;
    }

    /** The run's configuration; a pre-training run is refused (it has no samples to judge). */
    private static FinetuneConfig config(RunDir dir) throws IOException {
        String json = Files.readString(dir.file(RunDir.CONFIG));
        if (!JsonParser.parseString(json).getAsJsonObject().has("task"))
            throw new IllegalArgumentException(dir.root() + " is a pre-training run: evaluate the fine-tuning runs "
                    + "(epg train) made from it");
        return Json.parse(json, FinetuneConfig.class, dir.file(RunDir.CONFIG).toString());
    }

    /** The EMA weights of checkpoint {@code step}, as `epg export` writes them and `epg sample` reads them. */
    private static ModelDenoiser denoiser(RunDir dir, FinetuneConfig cfg, long step) throws IOException {
        EpgModel model = new EpgModel(cfg.model());
        model.load(dir.checkpoint(step).resolve(FinetunedModel.EMA + ".safetensors"), true);
        return new ModelDenoiser(model, cfg.task().kind());
    }

    private JsonObject judge(long step, Path npz, int[] labels, FashionClassifier judge, PrintWriter log)
            throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("step", step);
        o.addProperty("images", images);
        if (extractor != null) {
            EvaluationResult r = Evaluation.run(extractor, npz, reference, batch, log);
            o.addProperty("extractor", r.extractor());
            o.addProperty("extractorSha256", r.extractorSha256());
            add(o, EvaluationResult.FID.equals(r.fdMetric()) ? "fid" : "fdRcm", r.fd()); // named by feature space
            add(o, "sfid", r.sfid());
            add(o, "inceptionScore", r.inceptionScore());
            add(o, "precision", r.precision());
            add(o, "recall", r.recall());
        }
        if (judge != null) {
            try (ImageSource source = ImageSource.open(npz)) {
                ClassAccuracy a = ClassAccuracy.measure(judge, source, labels, batch);
                o.addProperty("classAccuracy", a.overall());
                o.add("classAccuracyPerClass", new Gson().toJsonTree(a.perClass()));
            }
        }
        o.addProperty("samples", npz.toString());
        o.add("settings", settings());
        return o;
    }

    private static void add(JsonObject o, String key, Double v) { if (v != null) o.addProperty(key, v); }

    /** OUT (JSON lines) and, per metric present, OUT-base.KEY.svg and .png (the PNG when Java2D can draw text). */
    private void write(List<JsonObject> lines, Path out, PrintWriter log) throws IOException {
        StringBuilder b = new StringBuilder();
        for (JsonObject l : lines) b.append(Json.compact(l)).append('\n');
        AtomicFile.writeString(out, b.toString());
        for (String[] metric : CHARTED) {
            LogSeries series = LogSeries.read(out, metric[0], metricName(metric));
            if (series.isEmpty()) continue;
            SvgLineChart chart = new SvgLineChart(metricName(metric) + " against training step", "step",
                    metricName(metric), false).add(series).withMarkers();
            AtomicFile.writeString(chart(out, metric[0], "svg"), chart.svg());
            try {
                chart.writePng(chart(out, metric[0], "png"));
            } catch (RuntimeException | LinkageError | java.awt.AWTError e) { // e.g. a JRE without fonts
                log.println("note: no PNG chart (" + e + "); the SVG is written");
            }
        }
    }

    /** The axis name of a charted metric (the key says the feature space: fid or fdRcm). */
    private static String metricName(String[] metric) { return metric[1]; }

    /** OUT-base.KEY.EXT beside OUT (OUT's name without its extension). */
    public static Path chart(Path out, String key, String ext) {
        String name = out.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return out.resolveSibling(name + "." + key + "." + ext);
    }
}
