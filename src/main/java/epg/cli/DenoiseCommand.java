// Spec §1/§4/§5: `epg denoise MODEL x.npy --sigma S --labels Y --out d.npy`, one denoiser call D(x, σ, y).
package epg.cli;

import epg.diffusion.Preconditioning;
import epg.sample.Labels;
import epg.sample.ModelDenoiser;
import epg.tensor.Autocast;
import epg.tensor.Npy;
import epg.tensor.Precision;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

@Command(name = "denoise", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs one denoiser call D(x, sigma, y) of an EPG model on given data.",
                "The result is clamped to [-1, 1] as in sampling, unless --no-clamp; float32 .npy in and out."},
        footerHeading = "%nExample:%n",
        footer = "  epg denoise runs/diffusion/model.safetensors x.npy --sigma 0.5 --labels 3 --out d.npy")
public final class DenoiseCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "EPG model file.") Path checkpoint;
    @Parameters(index = "1", arity = "0..1", paramLabel = "INPUT",
            description = ".npy of x, [B, C, H, W] or [C, H, W], model range (or --in).") Path inputArg;
    @Option(names = "--in", paramLabel = "INPUT", description = "The input .npy, when not given as INPUT.")
    Path inputOption;
    @Option(names = "--input", hidden = true, description = "Deprecated spelling of --in.")
    void input(Path p) { inputOption = p; }
    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to write D(x, sigma, y) as float32 .npy (same shape as the input).") Path out;
    @Option(names = "--output", hidden = true, description = "Deprecated spelling of --out.")
    void output(Path p) { out = p; }
    @Bounds(above = 0)
    @Option(names = "--sigma",
            description = "Noise level of x as D sees it (already shifted: s x sigma), the same for every image.")
    Double sigma;
    @Option(names = "--sigmas", paramLabel = "FILE.npy",
            description = ".npy of one noise level per image, [B] (shifted, as --sigma; instead of --sigma).")
    Path sigmaFile;
    @Option(names = "--no-clamp",
            description = "The raw prediction D(x, sigma, y) of the network, not clamped to [-1, 1].") boolean noClamp;
    @Option(names = "--labels", paramLabel = "SPEC", description = "The class of each image: one class id for every "
            + "image, or a .npy of one class id per image, [B] (default: numClasses, unconditional).") String labels;
    @Bounds(min = 0)
    @Option(names = "--label", hidden = true, description = "Deprecated: --labels Y.")
    void label(int y) { labels = Integer.toString(y); }
    @Mixin ModelOptions modelOptions; // without --parameterisation or metadata: diffusion
    @Mixin ComputeOptions compute;

    @Override
    public Integer call() throws Exception {
        Path input = input();
        if (out == null) throw new IllegalArgumentException("missing --out FILE: where to write D(x, sigma, y)");
        String dev = compute.init();
        Precision precision = compute.precision();
        try (Scope s = Scope.open()) {
            ModelDenoiser model = modelOptions.load(checkpoint, Preconditioning.Kind.DIFFUSION).to(dev);
            Tensor x = Npy.read(input).to(torch.ScalarType.Float);
            long[] shape = Torch.shape(x);
            if (shape.length == 3) x = x.unsqueeze(0);                                             // [1, C, H, W]
            if (x.dim() != 4)
                throw new IllegalArgumentException(input + " has shape " + Arrays.toString(shape)
                        + "; expected [B, C, H, W] or [C, H, W]");
            checkImages(input, Torch.shape(x), model.model().config);
            int b = Math.toIntExact(x.size(0)), classes = model.model().config.numClasses();
            int[] y = labelList(b, classes);
            var device = Torch.device(dev);
            Tensor ys = Torch.fromLongs(Arrays.stream(y).asLongStream().toArray(), b).to(device,
                    torch.ScalarType.Long);                                                              // [B]
            Tensor sigmas = sigmas(b).to(device, torch.ScalarType.Float);                               // [B]
            Tensor d;
            try (Autocast a = Autocast.of(dev, precision)) {
                d = (noClamp ? model.raw() : model).denoise(x.to(device, torch.ScalarType.Float), sigmas, ys).cpu()
                        .reshape(shape);
            }
            Npy.write(out, d);
            System.out.printf("D(x, %s, %s)%s of %s -> %s (%s, %s on %s)%n", sigmaFile != null ? sigmaFile : sigma,
                    labels != null ? labels : classes, noClamp ? " unclamped" : "", Arrays.toString(shape), out,
                    model.preconditioning().kind().name().toLowerCase(), precision.id(), dev);
            return 0;
        }
    }

    /** INPUT or --in, exactly one of them. */
    private Path input() {
        if (inputArg != null && inputOption != null)
            throw new IllegalArgumentException("give the input once: as INPUT or as --in, not both");
        if (inputArg == null && inputOption == null)
            throw new IllegalArgumentException("missing INPUT: the .npy of x, e.g. epg denoise MODEL x.npy --sigma S "
                    + "--out d.npy");
        return inputArg != null ? inputArg : inputOption;
    }

    /** --labels: one class id for every image, or a .npy of one per image; none: unconditional. */
    private int[] labelList(int images, int classes) throws java.io.IOException {
        if (labels == null) return Labels.cycle(images, java.util.List.of(classes), classes);
        if (labels.trim().matches("\\d+")) {
            int y = Integer.parseInt(labels.trim());
            if (y > classes)
                throw new IllegalArgumentException("label " + y + " outside 0.." + classes + " (" + classes
                        + " = unconditional)");
            return Labels.cycle(images, java.util.List.of(y), classes);
        }
        return Labels.fromNpy(Path.of(labels), images, classes);
    }

    /** --sigma for every image, or --sigmas FILE.npy (one positive level per image) → float32 [B]. */
    private Tensor sigmas(long images) throws java.io.IOException {
        if ((sigma == null) == (sigmaFile == null))
            throw new IllegalArgumentException("give the noise level as --sigma S or --sigmas FILE.npy (one of them)");
        if (sigma != null)
            return torch.full(new long[]{images}, new Scalar(sigma), Torch.options(torch.ScalarType.Float));
        Tensor s = Npy.read(sigmaFile);
        if (s.dim() != 1 || s.size(0) != images || !s.is_floating_point())
            throw new IllegalArgumentException(sigmaFile + " must hold " + images + " floating-point noise levels, "
                    + "shape [" + images + "]; it has shape " + Arrays.toString(Torch.shape(s)));
        Tensor f = s.to(torch.ScalarType.Float);                                                    // [B]
        if (!(f.min().item_double() > 0))
            throw new IllegalArgumentException(sigmaFile + " holds a noise level <= 0 (or NaN): every σ must be > 0");
        return f;
    }

    /** x [B, C, H, W] must have the model's channels and resolution (before the network sees it). */
    private static void checkImages(Path input, long[] shape, epg.config.ModelConfig c) {
        if (shape[1] != c.channels() || shape[2] != c.imageSize() || shape[3] != c.imageSize())
            throw new IllegalArgumentException(input + " holds images [C, H, W] = "
                    + Arrays.toString(Arrays.copyOfRange(shape, 1, 4)) + "; the model " + c.name() + " takes ["
                    + c.channels() + ", " + c.imageSize() + ", " + c.imageSize() + "]");
    }
}
