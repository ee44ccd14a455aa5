// Spec §6: a loaded EPG model that samples images in one call (the library side of `epg sample`).
package epg.api;

import epg.config.ModelConfig;
import epg.config.Presets;
import epg.data.ByteImage;
import epg.data.Normalization;
import epg.diffusion.Preconditioning;
import epg.nn.EpgModel;
import epg.sample.Labels;
import epg.sample.ModelDenoiser;
import epg.sample.SampleRun;
import epg.tensor.Autocast;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * An EPG model file loaded for sampling: {@link #sample} returns images, {@link #sampleTo} writes an
 * {@code epg sample} folder (PNGs, grid.png, samples.npz) that {@link Epg#evaluate} reads. Image k depends only on
 * its seed and class. The model's parameterisation comes from the file's metadata, else from the sampler (one- and
 * two-step: consistency; the others: diffusion).
 */
public final class Generator {
    private final ModelDenoiser loaded;
    private final boolean kindInFile;
    private final Normalization normalization;

    private Generator(ModelDenoiser loaded, boolean kindInFile, Normalization normalization) {
        this.loaded = loaded;
        this.kindInFile = kindInFile;
        this.normalization = normalization;
    }

    /**
     * Loads {@code file}: a safetensors model file of {@code epg train} (its configuration inside), or, with
     * {@code preset} (e.g. "EPG-XL/16"), a released {@code nnet_ema.pth}; {@code preset} may be null otherwise.
     */
    public static Generator load(Path file, String preset) throws IOException {
        ModelConfig config = preset == null ? null : Presets.get(preset);
        ModelDenoiser d = ModelDenoiser.load(file, config, null, Preconditioning.Kind.DIFFUSION);
        String norm = d.metadata().getOrDefault("normalization", "imagenet");
        return new Generator(d, d.metadata().containsKey("parameterisation"),
                Normalization.parse(norm).forChannels(d.model().config.channels()));
    }

    /** The network, e.g. for {@code generator.model().eval().forward(x, t, y)}. */
    public EpgModel model() { return loaded.model(); }

    /** Its configuration (image size, channels, classes, ...). */
    public ModelConfig config() { return loaded.model().config; }

    /** D(x, σ, y) through the model's preconditioning, clamped to [−1, 1] as samplers see it. */
    public ModelDenoiser denoiser() { return loaded; }

    /**
     * {@code n} images of seeds 0 … n−1, of {@code classes} in turn (none given: balanced over every class), as
     * {@code epg sample --num n --labels ...} makes them.
     */
    public List<ByteImage> sample(int n, Sampling how, int... classes) {
        return sample(LongStream.range(0, n).toArray(), labels(n, classes), how);
    }

    /** One image per (seed, class), in order. */
    public List<ByteImage> sample(long[] seeds, int[] classes, Sampling how) {
        SampleRun run = run(how);
        List<ByteImage> out = new ArrayList<>();
        try (Autocast a = Autocast.of(how.device(), how.precision())) {
            var guided = run.guidance();
            for (int from = 0; from < seeds.length; from += how.batch()) {
                int to = Math.min(seeds.length, from + how.batch());
                try (var s = epg.tensor.Scope.open()) {
                    out.addAll(epg.data.BatchTensors.toImages(run.batch(Arrays.copyOfRange(seeds, from, to),
                            Arrays.copyOfRange(classes, from, to), guided), normalization));
                }
            }
        }
        return out;
    }

    /** Writes {@code n} images (seeds 0 … n−1, classes as in {@link #sample(int, Sampling, int...)}) to {@code dir}. */
    public SampleRun.Result sampleTo(Path dir, int n, Sampling how, int... classes) throws IOException {
        try (Autocast a = Autocast.of(how.device(), how.precision())) {
            return run(how).run(LongStream.range(0, n).toArray(), labels(n, classes), dir, done -> { });
        }
    }

    private SampleRun run(Sampling how) {
        ModelDenoiser d = kindInFile || how.entry().parameterisation() == loaded.preconditioning().kind() ? loaded
                : new ModelDenoiser(loaded.model(), how.entry().parameterisation());
        return SampleRun.of(d.to(how.device()), normalization, how.options());
    }

    private int[] labels(int n, int[] classes) {
        int numClasses = config().numClasses();
        return classes.length == 0 ? Labels.balanced(n, numClasses)
                : Labels.cycle(n, IntStream.of(classes).boxed().toList(), numClasses);
    }
}
