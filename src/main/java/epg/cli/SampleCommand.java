// Spec §6: `epg sample CHECKPOINT --num N --steps 32 --sampler heun --cfg 2.5 --seeds 0-99 --batch 16 --out DIR`.
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
import epg.tensor.FolderLock;
import epg.tensor.Npy;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.LongStream;

@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Sample images from an EPG model file: one PNG per image (named by seed), grid.png and "
                + "samples.npz (arr_0 uint8 [N, H, W, 3], what ADM's evaluator reads). Each "
                + "image depends only on its seed and label.")
public final class SampleCommand implements Callable<Integer> {
    /** The most images one invocation samples (--num, or the seeds --seeds lists). */
    static final int MAX_IMAGES = 10_000_000;
    @Parameters(index = "0", paramLabel = "CHECKPOINT",
            description = "EPG model file (safetensors with config, or .pth with --preset)") Path checkpoint;
    @Bounds(min = 1, max = SampleCommand.MAX_IMAGES)
    @Option(names = "--num", description = "images (seeds 0..N-1 unless --seeds is given)") Integer num;
    @Option(names = "--seeds", description = "seeds as ranges and lists, e.g. 0-99 or 1,5,9-12") String seeds;
    @Bounds(min = 2)
    @Option(names = "--steps", description = "Karras grid points (default: ${DEFAULT-VALUE})") int steps = 32;
    @Option(names = "--sampler", completionCandidates = Samplers.Names.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})") String sampler = "heun";
    @Bounds(min = 0)
    @Option(names = "--cfg", description = "guidance weight w, 1 = none (default: the released value for the "
            + "resolution, 2.5 below 512 px (256 px and the 32 px presets), 3.2 at 512 px; 1 for onestep/twostep)")
    Double cfg;
    @Bounds(min = 0)
    @Option(names = "--cfg-interval", split = ",", paramLabel = "LOW,HIGH",
            description = "unshifted guidance interval (LOW, HIGH] (default: 0.19,1.61)")
    double[] cfgInterval = {Guidance.RELEASED_LOW, Guidance.RELEASED_HIGH};
    @Bounds(min = 0)
    @Option(names = "--autoguidance", paramLabel = "S", description = "autoguidance scale s > 0 (the release's "
            + "autog_scale): D + s·(D − D_poor) at every noise level; needs --autoguidance-model and --cfg 1")
    double autoguidance;
    @Option(names = "--autoguidance-model", paramLabel = "FILE", description = "the poorer EPG model file that "
            + "guides (the release's poor_path: e.g. an earlier checkpoint from `epg export`)")
    Path autoguidanceModel;
    @Bounds(above = 0)
    @Option(names = "--mid-sigma", description = "unshifted middle σ of two-step sampling "
            + "(default: ${DEFAULT-VALUE}, ECT)") double midSigma = TwoStep.ECT_MID_SIGMA;
    @Bounds(min = 0)
    @Option(names = "--classes", split = ",",
            description = "class ids to cycle through, e.g. 1,5,7 (numClasses = unconditional)") List<Integer> classes;
    @Option(names = "--labels", description = "balanced, frequency (needs --class-counts), random (i.i.d. as "
            + "released, each image's label drawn from its seed; weighted by --class-counts when given, else uniform) "
            + "or unconditional (default: ${DEFAULT-VALUE})") String labels = "balanced";
    @Option(names = "--class-counts", paramLabel = "DATASET_JSON",
            description = "dataset.json whose per-class counts weight --labels frequency or random") Path classCounts;
    @Option(names = "--grid-precision", paramLabel = "float64|float32", description = "arithmetic of the Karras grid:"
            + " float64, or float32 as the released sampler computes it in torch (reproduces its trajectories to "
            + "float rounding) (default: ${DEFAULT-VALUE})") String gridPrecision = "float64";
    @Option(names = "--init-noise", paramLabel = "FILE.npy", description = "x_T of every image, float32 [N, C, H, W] "
            + "in model units (already × σ_max·s), instead of each seed's noise") Path initNoise;
    @Option(names = "--save-float", description = "also write " + SampleRun.FLOATS + ": the float32 sampler outputs "
            + "[N, C, H, W] in model units, before clamping and quantisation") boolean saveFloat;
    @Bounds(min = 1, max = 1 << 20)
    @Option(names = "--batch", description = "images per batch (default: ${DEFAULT-VALUE})") int batch = 16;
    @Option(names = "--batch-invariant", description = "run the network one image at a time: every image "
            + "bit-identical whatever --batch (batched matrix products round differently in the "
            + "last bits; slower for small models)") boolean batchInvariant;
    @Option(names = "--out", required = true, description = "output folder: new, empty, or an earlier sampling of "
            + "the same model, settings and seeds (sampling.json), which is redone") Path out;
    @Option(names = "--overwrite", description = "delete the samples of another model or settings in --out first")
    boolean overwrite;
    @Mixin ModelOptions modelOptions; // without --parameterisation or metadata: the sampler's (Samplers)
    @Option(names = "--normalization", description = "imagenet or simple (default: the file's metadata, else imagenet; "
            + "grey data always simple)") String normalization;

    @Override
    public Integer call() throws Exception {
        Samplers entry = Samplers.named(sampler);
        Sampler s = entry.make(new Samplers.Options(midSigma));
        if (cfgInterval.length != 2) throw new IllegalArgumentException("--cfg-interval needs two numbers, LOW,HIGH");
        long[] seedList = seedList();
        ModelDenoiser model = modelOptions.load(checkpoint, entry.parameterisation());
        if (batchInvariant) model = model.batchInvariant();
        ModelConfig c = model.model().config;
        double w = guidanceWeight(entry, c);
        SampleOptions options = new SampleOptions(s, steps, w, cfgInterval[0], cfgInterval[1], batch,
                KarrasGrid.parseFloat32(gridPrecision));
        SampleRun run = SampleRun.of(model, normalization(model), options);
        int[] labelList = labelList(seedList, c.numClasses());
        Tensor initial = initNoise == null ? null : Npy.read(initNoise);
        ModelDenoiser poor = poorModel(entry, c);
        if (poor != null) run = run.withDenoiser(new Autoguidance(model, poor, autoguidance));
        Progress progress = new Progress("sample", seedList.length, System.err);
        SampleRun.Result r;
        try (FolderLock lock = SampleFolder.claim(out, SampleFolder.record(checkpoint, settings(model, w), seedList,
                labelList), overwrite)) {
            r = run.run(seedList, labelList, out, n -> { for (int i = 0; i < n; i++) progress.step(); }, initial,
                    saveFloat);
        }
        progress.finish();
        String how = entry.walksGrid() ? sampler + ", " + steps + " points" : sampler;
        String guide = poor == null ? String.format("w %.2f%s", w, cfg == null ? " (released default at "
                + c.imageSize() + " px)" : "")
                : String.format("autoguidance s %.2f by %s", autoguidance, autoguidanceModel.getFileName());
        System.out.printf("sampled %d images of %s (%s, %s, %s) in %.1f s: %.2f images/s, NFE %d per image -> %s%n",
                r.images(), c.name(), how, guide, model.preconditioning().kind().name().toLowerCase(), r.seconds(),
                r.imagesPerSecond(), r.nfePerImage(), out);
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
     * What changes the images (sampling.json): not the batch size, which changes only their last bits, nor
     * --save-float. {@code w} is the guidance weight used (given or the released default).
     */
    private Map<String, Object> settings(ModelDenoiser model, double w) throws java.io.IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preset", model.model().config.name());
        m.put("parameterisation", model.preconditioning().kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("normalization", normalization(model).name().toLowerCase(java.util.Locale.ROOT));
        m.put("sampler", sampler);
        m.put("steps", steps);
        m.put("cfg", w);
        m.put("cfg_interval", cfgInterval);
        m.put("mid_sigma", midSigma);
        m.put("grid_precision", gridPrecision.toLowerCase(java.util.Locale.ROOT));
        if (initNoise != null)
            m.put("init_noise", initNoise.toAbsolutePath().normalize() + " " + java.nio.file.Files.size(initNoise)
                    + " bytes, modified " + java.nio.file.Files.getLastModifiedTime(initNoise));
        if (autoguidanceModel != null) {
            m.put("autoguidance", autoguidance);
            m.put("autoguidance_model", autoguidanceModel.toAbsolutePath().toString());
        }
        return m;
    }

    private long[] seedList() {
        if (seeds == null && num == null) throw new IllegalArgumentException("give --num N or --seeds LIST");
        long[] list = seeds == null ? LongStream.range(0, num).toArray() : SeedList.parse(seeds, MAX_IMAGES);
        if (num != null && num != list.length)
            throw new IllegalArgumentException("--num " + num + " but --seeds lists " + list.length + " seeds");
        return list;
    }

    private int[] labelList(long[] seedList, int numClasses) {
        int n = seedList.length;
        if (classes != null) return Labels.cycle(n, classes, numClasses);
        return switch (labels.toLowerCase(java.util.Locale.ROOT)) {
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
                    + "'; use balanced, frequency, random or unconditional");
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
