// `epg evaluate` (spec §7): FID, sFID, Inception Score, precision/recall of samples against an ADM reference batch.
package epg.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.metrics.ClassAccuracy;
import epg.metrics.Evaluation;
import epg.metrics.EvaluationResult;
import epg.metrics.FashionClassifier;
import epg.metrics.FeatureExtractor;
import epg.metrics.ImageSource;
import epg.metrics.InceptionV3;
import epg.metrics.RcmExtractor;
import epg.metrics.SampleLabels;
import epg.report.CheckpointEvaluation;
import epg.sample.Guidance;
import epg.sample.SampleOptions;
import epg.sample.Samplers;
import epg.sample.TwoStep;
import epg.tensor.AtomicFile;
import epg.train.RunDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluates samples against an ADM reference batch: FID, sFID, Inception Score (10 splits), "
                + "precision and recall (k = 3).",
                "SAMPLES: an `epg sample` output folder (its samples.npz is read), a folder of PNG images or an .npz "
                        + "with arr_0 (uint8 [N, H, W, C]). REF: an ADM-style .npz (arr_0 and/or mu, sigma, mu_s, "
                        + "sigma_s).",
                "With --make-ref, the two arguments are DATA (PNG folder or .npz) and OUT.npz, "
                        + "and a reference batch is written instead.",
                "With --class-accuracy, also (without REF: only) the share of Fashion-MNIST samples that a classifier "
                        + "assigns to their class.",
                "Prints the metrics and writes them as JSON; every result names its metric (fid, or fdRcm in an "
                        + "RCM encoder's feature space) and the feature extractor's file and SHA-256.",
                "SAMPLES may also be a fine-tuning run directory (epg train --out): then every kept checkpoint samples "
                        + "--num images and is judged, one JSON line per step in RUN/evaluate.jsonl, with a chart of "
                        + "each metric against the step (.svg and .png beside it)."},
        footerHeading = "%nExample:%n",
        footer = {"  epg sample runs/diffusion/model.safetensors --num 1000 --out samples",
                "  epg evaluate samples ref.npz --inception pt_inception-2015-12-05-6726825d.pth",
                "  epg evaluate samples ref.npz --features rcm:runs/rcm/encoder.safetensors --class-accuracy",
                "  epg evaluate runs/diffusion ref.npz --features rcm:runs/rcm/encoder.safetensors --num 500"})
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SAMPLES",
            description = "Samples (or DATA with --make-ref): an `epg sample` folder, a PNG folder or an .npz with "
                    + "arr_0.")
    Path samples;

    @Parameters(index = "1", arity = "0..1", paramLabel = "REF",
            description = "ADM reference .npz (or OUT.npz with --make-ref).")
    Path reference;

    @Option(names = "--inception", paramLabel = "PATH", defaultValue = "${env:EPG_INCEPTION}",
            description = "pytorch-fid's " + InceptionV3.WEIGHTS_FILE
                    + " (release fid_weights of github.com/mseitzer/pytorch-fid; "
                    + "default: $EPG_INCEPTION)")
    Path inception;

    @Option(names = "--features", paramLabel = "SPEC",
            description = "feature extractor: 'inception' (the default when --inception is "
                    + "given) or 'rcm:CHECKPOINT' (offline: "
                    + "Fréchet distance and precision/recall in an RCM encoder's feature space, "
                    + "for when no Inception weights are at hand)")
    String features;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "architecture of the rcm: checkpoint when it carries no \"config\" metadata")
    String preset;

    @Option(names = "--config", paramLabel = "ARCH_JSON",
            description = "architecture JSON of the rcm: checkpoint instead of --preset (a model of any shape)")
    Path config;

    @Option(names = "--make-ref",
            description = "write a reference batch OUT.npz from DATA (arr_0 + Inception mu/sigma/mu_s/sigma_s)")
    boolean makeRef;

    @Option(names = "--class-accuracy", description = "judge 32 px Fashion-MNIST samples with the committed "
            + "classifier: the share assigned to the class each was drawn for, overall and per class")
    boolean classAccuracy;

    @Option(names = "--labels", paramLabel = "SPEC", description = "The class of each image, as the samples were "
            + "drawn (--class-accuracy): balanced or a .npy of one class id per image (default: the .npz's 'labels' "
            + "or 'arr_1' array, else balanced = epg sample's default).")
    String labels;

    @Bounds(min = 1, max = 1 << 20)
    @Option(names = "--batch", defaultValue = "50", description = "Images per network call (default: "
            + "${DEFAULT-VALUE}); changes no result beyond float rounding.")
    int batch;

    @Option(names = "--out", paramLabel = "JSON",
            description = "Where to write the JSON report (default: SAMPLES with .eval.json; for a run: "
                    + "RUN/evaluate.jsonl, samples in RUN/evaluate-samples/).")
    Path out;

    @Bounds(min = 1, max = SampleCommand.MAX_IMAGES)
    @Option(names = "--num", defaultValue = "1000",
            description = "A run: images sampled per checkpoint, seeds 0..N-1, balanced labels (default: "
                    + "${DEFAULT-VALUE}).")
    int num;

    @Option(names = "--sampler", completionCandidates = Samplers.Names.class,
            description = "A run: ${COMPLETION-CANDIDATES} (default: heun for diffusion, onestep for consistency).")
    String sampler;

    @Bounds(min = 2)
    @Option(names = "--points", defaultValue = "32", paramLabel = "N",
            description = "A run: Karras grid points of the sampler (default: ${DEFAULT-VALUE}).")
    int steps;

    @Bounds(min = 2)
    @Option(names = "--steps", hidden = true, description = "Deprecated spelling of --points.")
    void steps(int n) { steps = n; }

    @Bounds(min = 0)
    @Option(names = "--cfg", defaultValue = "1", description = "A run: guidance weight w, 1 = none (default: "
            + "${DEFAULT-VALUE}).")
    double cfg;

    @Mixin ComputeOptions compute;

    @Override
    public Integer call() throws Exception {
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1");
        String dev = compute.init();
        var log = spec.commandLine().getErr();
        FeatureExtractor base = extractor();
        FeatureExtractor extractor = base == null ? null : base.on(dev, compute.precision());
        if (CheckpointEvaluation.isRun(samples)) return evaluateRun(extractor);
        Path given = samples;
        samples = ImageSource.resolve(samples);
        if (!samples.equals(given)) log.println(given + " is an `epg sample` folder: evaluating " + samples);
        if (makeRef) {
            if (reference == null) throw new IllegalArgumentException("--make-ref needs DATA and OUT.npz");
            long n = Evaluation.makeReference(extractor, samples, reference, batch, log);
            spec.commandLine().getOut().printf("wrote %s: arr_0 (%d images)%s%n", reference, n,
                    extractor instanceof InceptionV3 ? " and mu, sigma, mu_s, sigma_s (" + InceptionV3.ID + ")"
                            : "; no statistics (they are computed from arr_0 when evaluating"
                            + (extractor == null ? "" : " with " + extractor.id()) + ")");
            return 0;
        }
        var gson = new GsonBuilder().serializeNulls().setPrettyPrinting().create();
        JsonObject json = new JsonObject();
        StringBuilder printed = new StringBuilder();
        if (reference != null || !classAccuracy) {
            if (reference == null)
                throw new IllegalArgumentException("REF is missing: give an ADM reference .npz or --class-accuracy");
            if (extractor == null) throw new IllegalArgumentException(noExtractor());
            EvaluationResult r = Evaluation.run(extractor, samples, reference, batch, log);
            json = json(gson, r);
            printed.append(summary(r)).append('\n');
        }
        if (classAccuracy) printed.append(classAccuracy(json, gson)).append('\n');
        Path target = out != null ? out : defaultOut(given);
        AtomicFile.writeString(target, gson.toJson(json) + "\n");
        spec.commandLine().getOut().println(printed + "wrote " + target);
        return 0;
    }

    /** `epg evaluate RUN [REF]`: every kept checkpoint sampled and judged (Figure 7). */
    private int evaluateRun(FeatureExtractor extractor) throws Exception {
        if (makeRef) throw new IllegalArgumentException("--make-ref takes a data folder or .npz, not a run directory");
        if (reference != null && extractor == null) throw new IllegalArgumentException(noExtractor());
        if (reference == null && features != null)
            throw new IllegalArgumentException("--features needs REF, the reference batch to measure against");
        Samplers entry = Samplers.named(sampler != null ? sampler : defaultSampler());
        int points = entry.walksGrid() ? steps : 2; // one- and two-step use σ_max alone, whatever the grid size
        SampleOptions options = new SampleOptions(entry.make(new Samplers.Options(TwoStep.ECT_MID_SIGMA)), points, cfg,
                Guidance.RELEASED_LOW, Guidance.RELEASED_HIGH, batch);
        CheckpointEvaluation e = new CheckpointEvaluation(num, entry.cliName(), options,
                reference == null ? null : extractor, reference, classAccuracy, batch);
        Path target = out != null ? out : samples.resolve("evaluate.jsonl");
        String base = target.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        var lines = e.run(samples, target, target.resolveSibling(base + "-samples"), spec.commandLine().getErr());
        spec.commandLine().getOut().printf("%d checkpoints judged (earlier lines of the same settings kept) -> %s%n",
                lines.size(), target);
        return 0;
    }

    /** Heun for a diffusion run, one step for a consistency run. */
    private String defaultSampler() throws IOException {
        var o = JsonParser.parseString(Files.readString(samples.resolve(RunDir.CONFIG))).getAsJsonObject();
        return o.has("task") && o.get("task").getAsString().equalsIgnoreCase("consistency") ? "onestep" : "heun";
    }

    /** Adds "classAccuracy" and "classLabels" (where the labels came from) to {@code json}; returns the table. */
    private String classAccuracy(JsonObject json, Gson gson) throws Exception {
        FashionClassifier net = FashionClassifier.load();
        try (ImageSource images = ImageSource.open(samples)) {
            SampleLabels l = SampleLabels.of(samples, labels, images.count());
            ClassAccuracy a = ClassAccuracy.measure(net, images, l.labels(), batch);
            if (!json.has("samples")) json.addProperty("samples", samples.toString());
            json.addProperty("classLabels", l.source());
            json.add("classAccuracy", gson.toJsonTree(a));
            return a.table() + "\nlabels: " + l.source();
        }
    }

    /** --features, else Inception when its weights are given; null when neither (allowed for --make-ref only). */
    private FeatureExtractor extractor() throws Exception {
        String f = features != null ? features : inception != null ? "inception" : null;
        if (f == null) return null;
        if (f.equals("inception")) {
            if (inception == null)
                throw new IllegalArgumentException("--features inception needs --inception PATH. " + noExtractor());
            return InceptionV3.load(inception);
        }
        if (f.startsWith("rcm:") && f.length() > 4) return RcmExtractor.loadAs(Path.of(f.substring(4)),
                Architecture.of(preset, config, null));
        throw new IllegalArgumentException("unknown --features '" + f + "': use 'inception' or 'rcm:CHECKPOINT'");
    }

    private static String noExtractor() {
        return "No feature extractor: pass --inception " + InceptionV3.WEIGHTS_FILE + " (download it from "
                + InceptionV3.WEIGHTS_URL
                + "; nothing is downloaded automatically) or --features rcm:CHECKPOINT for "
                + "the offline RCM feature space.";
    }

    /**
     * The report: the result's fields, with the Fréchet distance under the name of its metric ("fid", or "fdRcm" in
     * an RCM encoder's space) instead of "fd" and "fdMetric".
     */
    static JsonObject json(Gson gson, EvaluationResult r) {
        JsonObject o = gson.toJsonTree(r).getAsJsonObject();
        o.remove("fd");
        o.remove("fdMetric");
        JsonObject named = new JsonObject();
        for (var e : o.entrySet()) {
            named.add(e.getKey(), e.getValue());
            if (e.getKey().equals("referenceStatistics"))
                named.add(EvaluationResult.FID.equals(r.fdMetric()) ? "fid" : "fdRcm",
                        r.fd() == null ? com.google.gson.JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(r.fd()));
        }
        return named;
    }

    private static Path defaultOut(Path samples) {
        String name = samples.getFileName().toString().replaceFirst("\\.npz$", "");
        Path dir = samples.toAbsolutePath().getParent();
        return (dir == null ? Path.of(".") : dir).resolve(name + ".eval.json");
    }

    static String summary(EvaluationResult r) {
        StringBuilder b = new StringBuilder(String.format("extractor %s%s, %d samples vs %d "
                + "reference images (reference statistics: %s)%n",
                r.extractor(), r.extractorSha256() == null ? "" : " (SHA-256 " + r.extractorSha256().substring(0, 12)
                        + "…)", r.sampleCount(), r.referenceCount(), r.referenceStatistics()));
        // A Fréchet distance is an FID only in Inception-v3 space; elsewhere say whose features it was measured in.
        line(b, EvaluationResult.FID.equals(r.fdMetric()) ? "FID" : "FD (RCM)", r.fd());
        line(b, "sFID", r.sfid());
        line(b, "Inception Score", r.inceptionScore());
        line(b, "Precision", r.precision());
        line(b, "Recall", r.recall());
        r.notes().forEach(n -> b.append("note: ").append(n).append('\n'));
        return b.toString().stripTrailing();
    }

    private static void line(StringBuilder b, String name, Double v) {
        b.append(String.format("%-16s %s%n", name + ":", v == null ? "n/a" : String.format("%.6f", v)));
    }
}
