// Paper Figures 5/6: `epg inspect pca MODEL --images ...`: PCA of a model's encoder patch tokens at noise levels.
package epg.cli;

import epg.config.Presets;
import epg.data.ByteImage;
import epg.data.CenterCrop;
import epg.data.Dataset;
import epg.data.DatasetRegistry;
import epg.data.ImageDecoder;
import epg.data.Normalization;
import epg.nn.EpgModel;
import epg.nn.ModelFile;
import epg.nn.VitEncoder;
import epg.report.PcaFigure;
import epg.tensor.Checkpoints;
import epg.tensor.TensorSource;
import epg.tensor.Torch;
import epg.train.FinetunedModel;
import epg.train.PretrainStage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "pca", mixinStandardHelpOptions = true,
        description = {"Figures 5/6 of the paper: the first three principal components of the encoder's patch tokens "
                + "as RGB, per image, at several noise levels.",
                "The picture has a row per image and, per noise level (in --sigmas order), the noisy input beside its "
                        + "token colours. One PCA per level, over all images (--joint: one over all levels)."},
        footerHeading = "%nExample:%n", footer = "  epg inspect pca runs/diff --num 6 --out pca-diff.png")
public final class PcaCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL",
            description = "an EPG model file or RCM encoder file, or a run directory holding model.safetensors "
                    + "or encoder.safetensors")
    Path model;
    @Option(names = "--images", arity = "1..*", paramLabel = "FILE",
            description = "PNG/JPEG images or folders of them (centre-cropped and resized to the model's "
                    + "resolution); default: the first --num test images of --data")
    List<Path> images;
    @Option(names = "--data", defaultValue = DatasetRegistry.DEFAULT,
            description = "dataset name or folder when --images is not given (default ${DEFAULT-VALUE})")
    String data;
    @Bounds(min = 1)
    @Option(names = "--num", defaultValue = "8", description = "images at most (default ${DEFAULT-VALUE})")
    int num;
    @Bounds(min = 0)
    @Option(names = "--sigmas", split = ",", description = "unshifted noise levels, multiplied by s "
            + "(default 0.002,0.2,0.5,1,2,5)")
    double[] sigmas = {0.002, 0.2, 0.5, 1, 2, 5};
    @Bounds(min = 0)
    @Option(names = "--label", description = "EPG model: the class every image is conditioned on (default: the "
            + "unconditional label)")
    Integer label;
    @Option(names = "--normalization",
            description = "imagenet or simple (default: the file's metadata, else imagenet; grey data: simple)")
    String normalization;
    @Option(names = "--preset", description = "model preset when the file carries no configuration")
    String preset;
    @Bounds
    @Option(names = "--seed", defaultValue = "0", description = "noise seed (default ${DEFAULT-VALUE})") long seed;
    @Bounds(min = 1, max = 64)
    @Option(names = "--scale", defaultValue = "4", description = "pixels per image pixel (default ${DEFAULT-VALUE})")
    int scale;
    @Option(names = "--joint", description = "one PCA over all noise levels (default: one per level, over the images)")
    boolean joint;
    @Option(names = "--out", required = true, description = "the picture (.png)") Path out;

    @Override
    public Integer call() throws Exception {
        Torch.init();
        Path file = modelFile();
        VitEncoder net;
        Map<String, String> metadata;
        try (TensorSource contents = Checkpoints.open(file)) {
            net = ModelFile.load(contents, file, preset == null ? null : Presets.get(preset), true);
            metadata = contents.metadata();
        }
        var c = net.config;
        int cond = label != null ? label : c.numClasses();
        if (net instanceof EpgModel && (cond < 0 || cond > c.numClasses()))
            throw new IllegalArgumentException("--label " + cond + " is not a class of " + c.name() + " (0.."
                    + c.numClasses() + ", " + c.numClasses() + " = unconditional)");
        List<ByteImage> pictures = pictures(c.imageSize(), c.channels());
        PcaFigure.Result r = PcaFigure.render(net, pictures, normalization(metadata, c.channels()), sigmas, seed,
                cond, scale, joint);
        ImageDecoder.writePng(r.picture(), out);
        System.out.printf(Locale.ROOT, "%s, %d images, sigma %s (unshifted; s = %.3g)%s -> %s%n", c.name(),
                pictures.size(), java.util.Arrays.toString(sigmas), c.shift(), net instanceof EpgModel
                        ? (cond == c.numClasses() ? ", unconditional" : ", class " + cond) : "", out);
        for (int k = 0; k < r.variance().length; k++)
            System.out.printf(Locale.ROOT, "%s: components explain %.1f%%, %.1f%%, %.1f%% of the token variance%n",
                    joint ? "all levels" : "sigma " + sigmas[k], 100 * r.variance()[k][0], 100 * r.variance()[k][1],
                    100 * r.variance()[k][2]);
        return 0;
    }

    /** MODEL, or the model file inside a run directory. */
    private Path modelFile() {
        if (!Files.isDirectory(model)) return model;
        for (String name : new String[]{FinetunedModel.MODEL_FILE, PretrainStage.ENCODER_FILE})
            if (Files.isRegularFile(model.resolve(name))) return model.resolve(name);
        throw new IllegalArgumentException(model + " holds neither " + FinetunedModel.MODEL_FILE + " nor "
                + PretrainStage.ENCODER_FILE);
    }

    /** --images (or the first --num test images of --data) at the model's size and channels. */
    private List<ByteImage> pictures(int res, int channels) throws IOException {
        if (num < 1) throw new IllegalArgumentException("--num must be >= 1");
        List<ByteImage> out = new ArrayList<>();
        if (images == null) {
            Dataset d = DatasetRegistry.open(data, false);
            for (int i = 0; i < Math.min(num, d.size()); i++) out.add(fit(d.image(i), res, channels));
            return out;
        }
        for (Path p : files()) {
            if (out.size() == num) break;
            out.add(fit(ImageDecoder.readRgb(p), res, channels));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("--images names no PNG or JPEG file");
        return out;
    }

    private List<Path> files() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : images) {
            if (!Files.exists(p)) throw new IllegalArgumentException("--images: " + p + " does not exist");
            if (!Files.isDirectory(p)) { out.add(p); continue; }
            try (Stream<Path> s = Files.list(p)) {
                s.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)$"))
                        .sorted().forEach(out::add);
            }
        }
        return out;
    }

    private static ByteImage fit(ByteImage img, int res, int channels) {
        ByteImage sized = img.width() == res && img.height() == res ? img : CenterCrop.adm(img, res);
        return channels == 1 ? sized.toGrey() : sized.toRgb();
    }

    private Normalization normalization(Map<String, String> metadata, int channels) {
        String name = normalization != null ? normalization : metadata.getOrDefault("normalization", "imagenet");
        return Normalization.parse(name).forChannels(channels);
    }
}
