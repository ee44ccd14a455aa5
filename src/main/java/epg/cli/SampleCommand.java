// Spec §6: `epg sample MODEL --num N --points 32 --sampler heun --cfg 2.5 --seeds 0-99 --batch 16 --out DIR`.
package epg.cli;

import epg.config.ModelConfig;
import epg.data.DatasetManifest;
import epg.data.Normalization;
import epg.diffusion.KarrasGrid;
import epg.progress.Progress;
import epg.sample.Autoguidance;
import epg.sample.Guidance;
import epg.sample.Labels;
import epg.sample.ModelDenoiser;
import epg.sample.SampleFolder;
import epg.sample.SampleOptions;
import epg.sample.SampleRun;
import epg.sample.Sampler;
import epg.sample.Samplers;
import epg.sample.SeedList;
import epg.sample.TwoStep;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.config.Json;
import epg.dist.Distributed;
import epg.tensor.Autocast;
import epg.tensor.Precision;
import epg.train.Invocation;
import epg.tensor.FolderLock;
import epg.tensor.Npy;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;

import static java.util.stream.Collectors.joining;

@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Samples images from an EPG model file.",
                "Writes into OUT one PNG per image (named by seed), grid.png (a row per class, or the first 64), "
                        + "samples.npz (arr_0: uint8 [N, H, W, 3], what ADM's evaluator reads; labels: each image's "
                        + "class) and sampling.json (the model, settings, command line, version and machine). "
                        + "`epg evaluate OUT REF` reads OUT/samples.npz. Each image depends only on its seed and "
                        + "label, so --batch and --nproc change no image."},
        footerHeading = "%nExample:%n",
        footer = {"  epg sample runs/diffusion/model.safetensors --num 1000 --sampler heun --points 32 --cfg 2.5 "
                + "--out samples",
                "  epg evaluate samples ref.npz --inception pt_inception-2015-12-05-6726825d.pth"})
public final class SampleCommand implements Callable<Integer> {
    /** The most images one invocation samples (--num, or the seeds --seeds lists). */
    static final int MAX_IMAGES = 10_000_000;
    @Parameters(index = "0", paramLabel = "MODEL",
            description = "EPG model file (safetensors with its configuration, or a released .pth with --preset).")
    Path checkpoint;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder: new, empty, or an "
            + "earlier sampling of the same model, settings and seeds (sampling.json), which is redone.") Path out;
    @Bounds(min = 1, max = SampleCommand.MAX_IMAGES)
    @Option(names = "--num", description = "Number of images (seeds 0..N-1 unless --seeds is given).") Integer num;
    @Option(names = "--seeds", description = "Seeds as ranges and lists, e.g. 0-99 or 1,5,9-12.") String seeds;
    @Option(names = "--sampler", completionCandidates = Samplers.Names.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).") String sampler = "heun";
    @Bounds(min = 2)
    @Option(names = "--points", paramLabel = "N", description = "Points of the Karras noise grid the sampler walks "
            + "(N-1 steps; ignored by onestep/twostep except for sigma_max) (default: ${DEFAULT-VALUE}).")
    int points = 32;
    @Bounds(min = 2)
    @Option(names = "--steps", hidden = true, description = "Deprecated spelling of --points.")
    void steps(int n) { points = n; }
    @Bounds(min = 0)
    @Option(names = "--cfg", description = "Guidance weight w, 1 = none (default: the released value for the "
            + "resolution, 2.5 below 512 px (256 px and the 32 px presets), 3.2 at 512 px; 1 for onestep/twostep).")
    Double cfg;
    @Bounds(min = 0)
    @Option(names = "--cfg-interval", split = ",", paramLabel = "LOW,HIGH",
            description = "Unshifted guidance interval (LOW, HIGH] (default: 0.19,1.61).")
    double[] cfgInterval = {Guidance.RELEASED_LOW, Guidance.RELEASED_HIGH};
    @Bounds(min = 0)
    @Option(names = "--autoguidance", paramLabel = "S", description = "Autoguidance scale s > 0 (the release's "
            + "autog_scale): D + s·(D − D_poor) at every noise level; needs --autoguidance-model and --cfg 1.")
    double autoguidance;
    @Option(names = "--autoguidance-model", paramLabel = "FILE", description = "The poorer EPG model file that "
            + "guides (the release's poor_path: e.g. an earlier checkpoint from `epg export`).")
    Path autoguidanceModel;
    @Bounds(above = 0)
    @Option(names = "--mid-sigma", description = "Unshifted middle sigma of two-step sampling "
            + "(default: ${DEFAULT-VALUE}, ECT).") double midSigma = TwoStep.ECT_MID_SIGMA;
    @Option(names = "--labels", paramLabel = "SPEC", description = "The class of each image: balanced, frequency "
            + "(needs --class-counts), random (i.i.d. as released, each image's label drawn from its seed; weighted by "
            + "--class-counts when given), unconditional, a class id or list to cycle through (3 or 1,5,7), or a .npy "
            + "of one class id per image (default: ${DEFAULT-VALUE}).") String labels = "balanced";
    @Bounds(min = 0)
    @Option(names = "--classes", hidden = true, split = ",", description = "Deprecated: --labels 1,5,7.")
    void classes(List<Integer> list) { labels = list.stream().map(String::valueOf).collect(joining(",")); }
    @Option(names = "--class-counts", paramLabel = "DATASET_JSON",
            description = "dataset.json whose per-class counts weight --labels frequency or random.") Path classCounts;
    @Option(names = "--grid-precision", paramLabel = "float64|float32", description = "Arithmetic of the Karras grid:"
            + " float64, or float32 as the released sampler computes it in torch (reproduces its trajectories to "
            + "float rounding) (default: ${DEFAULT-VALUE}).") String gridPrecision = "float64";
    @Option(names = "--init-noise", paramLabel = "FILE.npy", description = "x_T of every image, float32 [N, C, H, W] "
            + "in model units (already x sigma_max·s), instead of each seed's noise (one process).") Path initNoise;
    @Option(names = "--save-float", description = "Also write " + SampleRun.FLOATS + ": the float32 sampler outputs "
            + "[N, C, H, W] in model units, before clamping and quantisation (one process).") boolean saveFloat;
    @Bounds(min = 1, max = 1 << 20)
    @Option(names = "--batch", description = "Images per network call in each process (default: ${DEFAULT-VALUE}); "
            + "changes no image beyond float rounding (see --batch-invariant).") int batch = 16;
    @Option(names = "--batch-invariant", description = "Run the network one image at a time: every image "
            + "bit-identical whatever --batch (batched matrix products round differently in the "
            + "last bits; slower for small models).") boolean batchInvariant;
    @Option(names = "--overwrite", description = "Delete the samples of another model or settings in --out first.")
    boolean overwrite;
    @Mixin ModelOptions modelOptions; // without --parameterisation or metadata: the sampler's (Samplers)
    @Option(names = "--normalization", description = "imagenet or simple (default: the file's metadata, else imagenet; "
            + "grey data always simple).") String normalization;
    @Mixin ComputeOptions compute;
    @Mixin ParallelOptions parallel;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception { return parallel.run(spec, this::sample); }

    private int sample(Distributed group) throws Exception {
        String dev = compute.init(group);
        Precision precision = compute.precision();
        Samplers entry = Samplers.named(sampler);
        Sampler s = entry.make(new Samplers.Options(midSigma));
        if (cfgInterval.length != 2) throw new IllegalArgumentException("--cfg-interval needs two numbers, LOW,HIGH");
        long[] seedList = seedList();
        ModelDenoiser model = modelOptions.load(checkpoint, entry.parameterisation()).to(dev);
        if (batchInvariant) model = model.batchInvariant();
        ModelConfig c = model.model().config;
        double w = guidanceWeight(entry, c);
        SampleOptions options = new SampleOptions(s, points, w, cfgInterval[0], cfgInterval[1], batch,
                KarrasGrid.parseFloat32(gridPrecision));
        SampleRun run = SampleRun.of(model, normalization(model), options);
        int[] labelList = labelList(seedList, c.numClasses());
        Tensor initial = initNoise == null ? null : Npy.read(initNoise);
        ModelDenoiser poor = poorModel(entry, c);
        if (poor != null) run = run.withDenoiser(new Autoguidance(model, poor.to(dev), autoguidance));
        int rank = group.rank(), world = group.worldSize();
        if (world > 1 && (initial != null || saveFloat))
            throw new IllegalArgumentException("--init-noise and --save-float sample in one process: leave out "
                    + "--nproc");
        Progress progress = new Progress("sample", SampleRun.shareSize(seedList.length, batch, rank, world),
                group.isMain() ? System.err : Progress.SILENT);
        JsonObject record = SampleFolder.record(checkpoint, settings(model, w), seedList, labelList);
        SampleRun.Result r;
        // rank 0 claims --out (lock, clean-up, sampling.json) before any rank writes into it, and holds it to the end
        try (FolderLock lock = group.isMain() ? SampleFolder.claim(out, record, overwrite) : null) {
            group.barrier();
            try (Autocast a = Autocast.of(dev, precision)) {
                r = world == 1 ? run.run(seedList, labelList, out, n -> progress.steps(n), initial, saveFloat)
                        : run.runShare(seedList, labelList, out, n -> progress.steps(n), rank, world);
            }
            progress.finish();
            if (world > 1) {
                group.barrier();
                if (group.isMain()) SampleRun.collect(seedList, labelList, out, run.classNames());
                group.barrier();
            }
            if (group.isMain()) SampleFolder.recordRun(out, runRecord(r, dev, precision, world));
        }
        if (!group.isMain()) return 0;
        String how = entry.walksGrid() ? sampler + ", " + points + " points" : sampler;
        String guide = poor == null ? String.format("w %.2f%s", w, cfg == null ? " (released default at "
                + c.imageSize() + " px)" : "")
                : String.format("autoguidance s %.2f by %s", autoguidance, autoguidanceModel.getFileName());
        System.out.printf("sampled %d images of %s (%s, %s, %s, %s on %s%s) in %.1f s: %.2f images/s, NFE %d per "
                        + "image -> %s%n", seedList.length, c.name(), how, guide,
                model.preconditioning().kind().name().toLowerCase(), precision.id(), dev,
                world > 1 ? ", " + world + " processes" : "", r.seconds(), seedList.length / r.seconds(),
                r.nfePerImage(), out);
        return 0;
    }

    /** --cfg, else the released weight for the resolution; none (1) for one- and two-step consistency sampling. */
    private double guidanceWeight(Samplers entry, ModelConfig c) {
        if (cfg != null) return cfg;
        return entry.walksGrid() ? Guidance.releasedWeight(c.imageSize()) : 1.0;
    }
    /** The guiding model of --autoguidance (null when off); it must take the same images and labels. */
    private ModelDenoiser poorModel(Samplers entry, ModelConfig c) throws java.io.IOException {
        if (autoguidance == 0 && autoguidanceModel == null) return null;
        if (!(autoguidance > 0) || autoguidanceModel == null)
            throw new IllegalArgumentException("autoguidance needs both --autoguidance S (> 0) and "
                    + "--autoguidance-model FILE");
        if (cfg != null && cfg != 1)
            throw new IllegalArgumentException("--autoguidance replaces classifier-free guidance (the release applies "
                    + "one of them): drop --cfg or set it to 1");
        ModelDenoiser poor = modelOptions.load(autoguidanceModel, entry.parameterisation());
        ModelConfig p = poor.model().config;
        if (p.imageSize() != c.imageSize() || p.channels() != c.channels() || p.numClasses() != c.numClasses())
            throw new IllegalArgumentException(autoguidanceModel + " (" + p.name() + ", " + p.imageSize() + " px, "
                    + p.channels() + " channels, " + p.numClasses() + " classes) cannot guide " + c.name() + " ("
                    + c.imageSize() + " px, " + c.channels() + " channels, " + c.numClasses() + " classes)");
        return batchInvariant ? poor.batchInvariant() : poor;
    }

    /**
     * What changes the images (sampling.json's "settings"): not the batch size, which changes only their last bits,
     * nor --save-float. {@code w} is the guidance weight used (given or the released default).
     */
    private Map<String, Object> settings(ModelDenoiser model, double w) throws java.io.IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preset", model.model().config.name());
        m.put("parameterisation", model.preconditioning().kind().name().toLowerCase(Locale.ROOT));
        m.put("normalization", normalization(model).name().toLowerCase(Locale.ROOT));
        m.put("sampler", sampler);
        m.put("points", points);
        m.put("cfg", w);
        m.put("cfgInterval", cfgInterval);
        m.put("midSigma", midSigma);
        m.put("labels", labels);
        m.put("gridPrecision", gridPrecision.toLowerCase(Locale.ROOT));
        if (initNoise != null)
            m.put("initNoise", initNoise.toAbsolutePath().normalize() + " " + java.nio.file.Files.size(initNoise)
                    + " bytes, modified " + java.nio.file.Files.getLastModifiedTime(initNoise));
        if (autoguidanceModel != null) {
            m.put("autoguidance", autoguidance);
            m.put("autoguidanceModel", autoguidanceModel.toAbsolutePath().toString());
        }
        return m;
    }

    /** sampling.json's "run": how this sampling ran, by which command line, version and machine. */
    private JsonObject runRecord(SampleRun.Result r, String dev, Precision precision, int world) {
        JsonObject o = new JsonObject();
        o.addProperty("batch", batch);
        o.addProperty("batchInvariant", batchInvariant);
        o.addProperty("nfePerImage", r.nfePerImage());
        o.addProperty("seconds", r.seconds());
        o.add("invocation", JsonParser.parseString(Json.compact(Invocation.of("epg",
                spec.commandLine().getParseResult().originalArgs(), dev, precision, world))));
        return o;
    }

    private long[] seedList() {
        if (seeds == null && num == null) throw new IllegalArgumentException("give --num N or --seeds LIST");
        long[] list = seeds == null ? LongStream.range(0, num).toArray() : SeedList.parse(seeds, MAX_IMAGES);
        if (num != null && num != list.length)
            throw new IllegalArgumentException("--num " + num + " but --seeds lists " + list.length + " seeds");
        return list;
    }

    /** --labels: a scheme, a class list to cycle through, or a .npy of one class per image. */
    private int[] labelList(long[] seedList, int numClasses) throws java.io.IOException {
        int n = seedList.length;
        String spec = labels.trim();
        if (spec.matches("\\d+(\\s*,\\s*\\d+)*"))
            return Labels.cycle(n, Arrays.stream(spec.split(",")).map(v -> Integer.valueOf(v.trim())).toList(),
                    numClasses);
        if (spec.toLowerCase(Locale.ROOT).endsWith(".npy")) return Labels.fromNpy(Path.of(spec), n, numClasses);
        return switch (spec.toLowerCase(Locale.ROOT)) {
            case "balanced" -> Labels.balanced(n, numClasses);
            case "unconditional" -> Labels.cycle(n, List.of(numClasses), numClasses);
            case "frequency" -> {
                if (classCounts == null)
                    throw new IllegalArgumentException("--labels frequency needs --class-counts DATASET_JSON");
                yield Labels.frequency(n, classCounts());
            }
            case "random" -> classCounts == null ? Labels.random(seedList, numClasses)
                    : Labels.random(seedList, classCounts());
            default -> throw new IllegalArgumentException("unknown --labels '" + labels
                    + "'; use balanced, frequency, random, unconditional, class ids such as 1,5,7, or a FILE.npy");
        };
    }

    /** The per-class image counts of --class-counts, in class order. */
    private long[] classCounts() {
        DatasetManifest m = DatasetManifest.read(classCounts);
        return m.classes().stream().mapToLong(name -> m.counts().getOrDefault(name, 0)).toArray();
    }

    private Normalization normalization(ModelDenoiser model) {
        String name = normalization != null ? normalization
                : model.metadata().getOrDefault("normalization", "imagenet");
        return Normalization.parse(name).forChannels(model.model().config.channels());
    }
}
