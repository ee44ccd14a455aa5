// Spec §1/§4/§5: `epg denoise CHECKPOINT --input x.npy --sigma S --label Y --output d.npy`, one call D(x, σ, y).
package epg.cli;

import epg.diffusion.Preconditioning;
import epg.sample.ModelDenoiser;
import epg.tensor.Npy;
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

@Command(name = "denoise", mixinStandardHelpOptions = true,
        description = "One denoiser call D(x, σ, y) on given data (clamped to [-1, 1] as in "
                + "sampling, unless --no-clamp); float32 .npy in and out.")
public final class DenoiseCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "EPG model file") Path checkpoint;
    @Option(names = "--input", required = true,
            description = ".npy of x, [B, C, H, W] or [C, H, W], model range") Path input;
    @Bounds(above = 0)
    @Option(names = "--sigma",
            description = "noise level of x as D sees it (already shifted: s·σ), the same for every image")
    Double sigma;
    @Option(names = "--sigmas", paramLabel = "FILE.npy",
            description = ".npy of one noise level per image, [B] (shifted, as --sigma; instead of --sigma)")
    Path sigmaFile;
    @Option(names = "--no-clamp",
            description = "the raw prediction D(x, σ, y) of the network, not clamped to [-1, 1]") boolean noClamp;
    @Bounds(min = 0)
    @Option(names = "--label",
            description = "class id for every image (default: numClasses, unconditional)") Integer label;
    @Option(names = "--labels",
            description = ".npy of one integer class id per image, [B] (instead of --label)") Path labelFile;
    @Option(names = "--output", required = true,
            description = "where to write D(x, σ, y) as float32 .npy (same shape as the input)") Path output;
    @Mixin ModelOptions modelOptions; // without --parameterisation or metadata: diffusion

    @Override
    public Integer call() throws Exception {
        try (Scope s = Scope.open()) {
            ModelDenoiser model = modelOptions.load(checkpoint, Preconditioning.Kind.DIFFUSION);
            Tensor x = Npy.read(input).to(torch.ScalarType.Float);
            long[] shape = Torch.shape(x);
            if (shape.length == 3) x = x.unsqueeze(0);                                             // [1, C, H, W]
            if (x.dim() != 4)
                throw new IllegalArgumentException(input + " has shape " + Arrays.toString(shape)
                        + "; expected [B, C, H, W] or [C, H, W]");
            checkImages(Torch.shape(x), model.model().config);
            long b = x.size(0);
            int classes = model.model().config.numClasses(), y = label != null ? label : classes;
            if (label != null && labelFile != null)
                throw new IllegalArgumentException("give --label or --labels, not both");
            if (label != null && label > classes)
                throw new IllegalArgumentException("--label " + label + " is outside 0.." + classes + " (" + classes
                        + " = unconditional)");
            Tensor labels = labelFile != null ? labelsOf(labelFile, b)
                    : torch.full(new long[]{b}, new Scalar((long) y), Torch.options(torch.ScalarType.Long)); // [B]
            long lo = labels.min().item_long(), hi = labels.max().item_long();
            if (lo < 0 || hi > classes)
                throw new IllegalArgumentException("label " + (lo < 0 ? lo : hi) + " outside 0.." + classes
                        + " (" + classes + " = unconditional)");
            Tensor sigmas = sigmas(b);                                                                  // [B]
            Tensor d = (noClamp ? model.raw() : model).denoise(x, sigmas, labels).reshape(shape);
            Npy.write(output, d);
            System.out.printf("D(x, %s, %s)%s of %s -> %s (%s)%n", sigmaFile != null ? sigmaFile : sigma,
                    labelFile != null ? labelFile : y, noClamp ? " unclamped" : "", Arrays.toString(shape), output,
                    model.preconditioning().kind().name().toLowerCase());
            return 0;
        }
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
    private void checkImages(long[] shape, epg.config.ModelConfig c) {
        if (shape[1] != c.channels() || shape[2] != c.imageSize() || shape[3] != c.imageSize())
            throw new IllegalArgumentException(input + " holds images [C, H, W] = "
                    + Arrays.toString(Arrays.copyOfRange(shape, 1, 4)) + "; the model " + c.name() + " takes ["
                    + c.channels() + ", " + c.imageSize() + ", " + c.imageSize() + "]");
    }

    private static Tensor labelsOf(Path file, long images) throws java.io.IOException {
        Tensor l = Npy.read(file);
        if (l.dim() != 1 || l.size(0) != images || l.is_floating_point())
            throw new IllegalArgumentException(file + " must hold " + images + " integer class ids, shape [" + images
                    + "]; it has shape "
                    + Arrays.toString(Torch.shape(l)) + (l.is_floating_point() ? " of floats" : ""));
        return l.to(torch.ScalarType.Long);                                                          // [B]
    }
}
