// `epg evaluate --features rcm:PATH` (spec §1, §2.1): an RCM encoder's h at the smallest noise level, offline.
package epg.metrics;

import epg.config.ModelConfig;
import epg.config.Presets;
import epg.diffusion.KarrasGrid;
import epg.diffusion.Preconditioning;
import epg.nn.LoadReport;
import epg.nn.ModelFile;
import epg.nn.Module;
import epg.nn.RcmEncoder;
import epg.tensor.Checkpoints;
import epg.tensor.TensorSource;
import epg.tensor.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * h = RcmEncoder.representation(c_in·x, 250·ln σ) with σ = σ_min·s (σ_min = 0.002, s = H/64) and c_in =
 * 1/√(σ² + ¼); x is "simple" 2x − 1 for grey models, "imagenet" (x − mean)/(2·std) for RGB ones; no noise is
 * added. Images must be the model's size; their channels are converted to the model's (see
 * {@link FeatureExtractor#unitNchw}).
 */
public final class RcmExtractor implements FeatureExtractor {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f}, STD = {0.229f, 0.224f, 0.225f};
    private final RcmEncoder encoder;
    private final String id;
    private final Path file;

    /** The encoder's representation as features, named {@code id} in results. */
    public RcmExtractor(RcmEncoder encoder, String id) { this(encoder, id, null); }

    private RcmExtractor(RcmEncoder encoder, String id, Path file) {
        this.encoder = encoder;
        this.id = id;
        this.file = file;
        encoder.eval();
    }

    /**
     * Loads a safetensors or .pth checkpoint of an RCM encoder (or an EPG model, whose encoder is the same). The
     * configuration is the safetensors metadata "config" (ModelConfig as JSON) or, when {@code preset} is given, that
     * preset.
     */
    public static RcmExtractor load(Path checkpoint, String preset) throws IOException {
        return loadAs(checkpoint, preset == null ? null : Presets.get(preset));
    }

    /** The same with the architecture given (null: the file's "config" metadata). */
    public static RcmExtractor loadAs(Path checkpoint, ModelConfig architecture) throws IOException {
        try (TensorSource c = Checkpoints.open(checkpoint)) {
            ModelConfig config = config(c, checkpoint, architecture);
            if (config.kind() == ModelConfig.Kind.EPG) config = config.encoderOnly(8, 8); // projector unused: any shape
            RcmEncoder encoder = new RcmEncoder(config);
            LoadReport r = encoder.load(c, false);
            List<String> missing = r.missing().stream().filter(k -> !k.startsWith("projection_head.")).toList();
            if (!missing.isEmpty())
                throw new IOException(checkpoint + " lacks encoder tensors " + missing + " for " + config.name()
                        + ": not an RCM/EPG checkpoint of this shape?");
            return new RcmExtractor(encoder, "rcm:" + checkpoint.getFileName(), checkpoint);
        }
    }

    private static ModelConfig config(TensorSource c, Path checkpoint, ModelConfig architecture)
            throws IOException {
        if (architecture != null) return architecture;
        ModelConfig config;
        try {
            config = ModelFile.config(c, checkpoint);
        } catch (IllegalArgumentException e) {
            throw new IOException(checkpoint + ": its \"config\" metadata is not a ModelConfig (" + e.getMessage()
                    + "); use --preset or --config", e);
        }
        if (config == null)
            throw new IOException(checkpoint + " carries no \"config\" metadata: name its architecture with --preset"
                    + " (e.g. --preset RCM-B/16) or --config ARCH_JSON");
        return config;
    }

    @Override
    public String id() { return id; }

    @Override
    public Module network() { return encoder; }

    @Override
    public Path file() { return file; }

    public ModelConfig config() { return encoder.config; }

    /** σ = σ_min·s, the smallest noise level at this resolution. */
    public double sigma() { return KarrasGrid.SIGMA_MIN * encoder.config.shift(); }

    @Override
    public Features extract(Tensor images) {
        ModelConfig c = encoder.config;
        long[] s = Torch.shape(images);
        if (s.length != 4 || s[1] != c.imageSize() || s[2] != c.imageSize())
            throw new IllegalArgumentException("the RCM encoder " + id + " takes " + c.imageSize() + "×"
                    + c.imageSize() + " images, got " + Arrays.toString(s) + " (B, H, W, C)");
        double sigma = sigma(), cIn = Preconditioning.cIn(sigma);
        try (NoGradGuard g = new NoGradGuard()) {
            Tensor x = normalise(FeatureExtractor.unitNchw(images, c.channels())).mul(new Scalar(cIn));
            Tensor time = Torch.zeros(s[0]).add(new Scalar(Preconditioning.timeCondition(sigma))).to(x);
            return new Features(encoder.representation(x, time), null, null);
        }
    }

    /** Spec §1 pixel normalisation: "simple" for grey, "imagenet" for RGB. */
    static Tensor normalise(Tensor x01) {
        if (x01.size(1) == 1) return x01.mul(new Scalar(2.0)).sub(new Scalar(1.0));
        Tensor mean = Torch.fromFloats(MEAN, 1, 3, 1, 1).to(x01);
        Tensor twoStd = Torch.fromFloats(STD, 1, 3, 1, 1).to(x01).mul(new Scalar(2.0));
        return x01.sub(mean).div(twoStd);
    }
}
