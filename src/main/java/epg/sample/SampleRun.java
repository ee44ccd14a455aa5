// Spec §6 (sampling driver): seeds → batches → sampler → PNGs, a grid and ADM's samples.npz (arr_0 uint8 [N, H, W, 3]).
package epg.sample;

import epg.data.BatchTensors;
import epg.data.ByteImage;
import epg.data.ImageDecoder;
import epg.data.Normalization;
import epg.diffusion.KarrasGrid;
import epg.tensor.DType;
import epg.tensor.NpyRows;
import epg.tensor.Npz;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Samples images batch by batch. Image k is fixed by (seeds[k], labels[k]) alone: its noise comes from its own seed
 * ({@link SeedNoise}) and every sampler treats images independently, so the batch size changes nothing.
 *
 * @param denoiser      the conditional denoiser (guidance is added here)
 * @param numClasses    the unconditional label
 * @param imageShape    [C, H, W]
 * @param shift         the resolution shift s
 * @param normalization how model outputs map back to pixels
 * @param options       sampler, grid size, guidance and batch size
 */
public record SampleRun(Denoiser denoiser, int numClasses, long[] imageShape, double shift, Normalization normalization,
        SampleOptions options) {
    /**
     * The files of an output folder: ADM's npz (arr_0 images, labels their classes), the grid, and with --save-float
     * the float32 sampler outputs.
     */
    public static final String NPZ = "samples.npz", GRID = "grid.png", LABELS = "labels", FLOATS = "samples.npy";
    public static final int GRID_IMAGES = 64;
    /** With several classes the grid shows a row of up to {@code GRID_COLUMNS} images for each of the first classes. */
    public static final int GRID_COLUMNS = 8, GRID_CLASSES = 16;

    /** A run of the model behind {@code m} (its class count, image shape and shift). */
    public static SampleRun of(ModelDenoiser m, Normalization normalization, SampleOptions options) {
        var c = m.model().config;
        return new SampleRun(m, c.numClasses(), new long[]{c.channels(), c.imageSize(), c.imageSize()}, c.shift(),
                normalization, options);
    }

    /**
     * What a run produced: image count, seconds, network evaluations per image actually spent (NFE, guided calls count
     * 2).
     */
    public record Result(int images, double seconds, long nfePerImage) {
        public double imagesPerSecond() { return images / seconds; }
    }

    /** The same run with another denoiser (e.g. {@link Autoguidance} around the model's). */
    public SampleRun withDenoiser(Denoiser denoiser) {
        return new SampleRun(denoiser, numClasses, imageShape, shift, normalization, options);
    }

    public Guidance guidance() {
        return new Guidance(denoiser, options.cfg(), options.cfgLow(), options.cfgHigh(), shift, numClasses);
    }

    /**
     * The samples [B, C, H, W] of one batch, model range, on the denoiser's device. {@code guided} is
     * {@link #guidance()}, or a wrapper of it that forwards both of its {@code denoise} methods (the samplers call the
     * one with a host σ).
     */
    public Tensor batch(long[] seeds, int[] labels, Denoiser guided) { return batch(seeds, labels, guided, null); }

    /**
     * The same from the given x_T [B, C, H, W] (model units, at σ_max·s), or, when {@code start} is null, from each
     * seed's noise. Stochastic samplers still draw their step noise from the seeds.
     */
    public Tensor batch(long[] seeds, int[] labels, Denoiser guided, Tensor start) {
        try (NoGradGuard g = new NoGradGuard()) {
            SeedNoise noise = new SeedNoise(seeds, imageShape);
            KarrasGrid grid = options.grid(shift);
            Device device = Torch.device(denoiser.device());
            Tensor xT = (start != null ? start : grid.start(noise.initial())).to(device, ScalarType.Float); // [B,C,H,W]
            Tensor y = BatchTensors.labels(labels).to(device, ScalarType.Long);                            // [B]
            return options.sampler().sampleFrom(guided, xT, y, grid, noise);
        }
    }

    /**
     * Samples every (seed, label) into {@code out}: SEED.png (6 digits), grid.png, and samples.npz (arr_0: the
     * images, labels: their classes); reports images done.
     */
    public Result run(long[] seeds, int[] labels, Path out, IntConsumer progress) throws IOException {
        return run(seeds, labels, out, progress, null, false);
    }

    /**
     * As {@link #run(long[], int[], Path, IntConsumer)}; {@code initial} [N, C, H, W] (or null) gives every image's
     * x_T in model units; {@code saveFloat} also writes {@value #FLOATS}: the float32 sampler outputs [N, C, H, W] in
     * model units, before any clamp or quantisation.
     */
    public Result run(long[] seeds, int[] labels, Path out, IntConsumer progress, Tensor initial, boolean saveFloat)
            throws IOException {
        check(seeds, labels);
        checkInitial(initial, seeds.length);
        Files.createDirectories(out);
        Guidance guided = guidance();
        GridSheet sheet = new GridSheet(classNames());
        long start = System.nanoTime();
        int[] batches = {0};
        try (NpyRows floats = saveFloat ? new NpyRows(out.resolve(FLOATS), DType.F32, seeds.length, imageShape[0],
                imageShape[1], imageShape[2]) : null) {
            Npz.write(out.resolve(NPZ), npz -> {
                try (var rows = npz.begin("arr_0", DType.U8, seeds.length, imageShape[1], imageShape[2], 3)) {
                    for (int from = 0; from < seeds.length; from += options.batch(), batches[0]++) {
                        int to = Math.min(seeds.length, from + options.batch());
                        Tensor xT = initial == null ? null : initial.narrow(0, from, to - from);      // [b, C, H, W]
                        List<ByteImage> images = images(Arrays.copyOfRange(seeds, from, to),
                                Arrays.copyOfRange(labels, from, to), guided, xT, floats);
                        for (int k = 0; k < images.size(); k++) {
                            ByteImage img = images.get(k);
                            ImageDecoder.writePng(img, out.resolve(fileName(seeds[from + k])));
                            rows.write(img.toRgb().pixels());
                            sheet.add(img, labels[from + k]);
                        }
                        progress.accept(images.size());
                    }
                }
                npz.put(LABELS, labelTensor(labels));
            });
        }
        ImageDecoder.writePng(sheet.image(), out.resolve(GRID));
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(seeds.length, seconds, guided.evaluations() / batches[0]);
    }

    /**
     * One process's share of a run split over {@code world} processes: batch j (of --batch images, in seed order,
     * exactly the batches of a single process) is sampled by process j mod world, which writes its PNGs only. After
     * every process has finished, one calls {@link #collect}. The images are those of {@link #run}, bit for bit.
     */
    public Result runShare(long[] seeds, int[] labels, Path out, IntConsumer progress, int rank, int world)
            throws IOException {
        check(seeds, labels);
        if (rank < 0 || rank >= world) throw new IllegalArgumentException("rank " + rank + " of " + world);
        Files.createDirectories(out);
        Guidance guided = guidance();
        long start = System.nanoTime();
        int batches = 0, images = 0;
        for (int from = rank * options.batch(); from < seeds.length; from += world * options.batch(), batches++) {
            int to = Math.min(seeds.length, from + options.batch());
            List<ByteImage> done = images(Arrays.copyOfRange(seeds, from, to), Arrays.copyOfRange(labels, from, to),
                    guided, null, null);
            for (int k = 0; k < done.size(); k++)
                ImageDecoder.writePng(done.get(k), out.resolve(fileName(seeds[from + k])));
            images += done.size();
            progress.accept(done.size());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(images, seconds, batches == 0 ? 0 : guided.evaluations() / batches);
    }

    /** The number of images process {@code rank} of {@code world} samples in {@link #runShare}. */
    public static int shareSize(int images, int batch, int rank, int world) {
        int n = 0;
        for (int from = rank * batch; from < images; from += world * batch) n += Math.min(batch, images - from);
        return n;
    }

    /** The class names of the model sampled (its file's metadata), else none. */
    public List<String> classNames() {
        Denoiser d = denoiser instanceof Autoguidance a ? a.main() : denoiser;
        return d instanceof ModelDenoiser m ? GridSheet.names(m.metadata()) : List.of();
    }

    /**
     * samples.npz and grid.png of a split run, from the PNGs its processes wrote (in seed order); {@code classNames}
     * label the grid's rows ({@link #classNames()}).
     */
    public static void collect(long[] seeds, int[] labels, Path out, List<String> classNames) throws IOException {
        check(seeds, labels);
        ByteImage firstImage = ImageDecoder.readRgb(out.resolve(fileName(seeds[0])));
        GridSheet sheet = new GridSheet(classNames);
        int[] i = {0};
        Npz.write(out.resolve(NPZ), npz -> {
            try (var rows = npz.begin("arr_0", DType.U8, seeds.length, firstImage.height(), firstImage.width(), 3)) {
                for (long seed : seeds) {
                    Path png = out.resolve(fileName(seed));
                    if (!Files.isRegularFile(png))
                        throw new IOException(png + " is missing: a process of the split run did not finish");
                    ByteImage img = ImageDecoder.readRgb(png);
                    rows.write(img.pixels());
                    sheet.add(img, labels[i[0]++]);
                }
            }
            npz.put(LABELS, labelTensor(labels));
        });
        ImageDecoder.writePng(sheet.image(), out.resolve(GRID));
    }

    private static void check(long[] seeds, int[] labels) {
        if (seeds.length != labels.length)
            throw new IllegalArgumentException(seeds.length + " seeds but " + labels.length + " labels");
        if (seeds.length == 0) throw new IllegalArgumentException("no images to sample");
    }

    /** The classes as int64 [N] (samples.npz's "labels", which `epg evaluate --class-accuracy` reads). */
    private static Tensor labelTensor(int[] labels) {
        return Torch.fromLongs(Arrays.stream(labels).asLongStream().toArray(), labels.length);
    }

    public static String fileName(long seed) { return String.format("%06d.png", seed); }

    private List<ByteImage> images(long[] seeds, int[] labels, Guidance guided, Tensor start, NpyRows floats)
            throws IOException {
        try (Scope s = Scope.open()) {
            Tensor x = batch(seeds, labels, guided, start);                                          // [B, C, H, W]
            if (floats != null) floats.write(x.to(torch.ScalarType.Float));
            return BatchTensors.toImages(x, normalization);
        }
    }

    /** x_T must be float32 [N, C, H, W] of this run's image shape, one per seed. */
    private void checkInitial(Tensor initial, int n) {
        if (initial == null) return;
        long[] want = {n, imageShape[0], imageShape[1], imageShape[2]};
        if (!Arrays.equals(Torch.shape(initial), want) || initial.scalar_type().intern() != torch.ScalarType.Float)
            throw new IllegalArgumentException("the initial noise must be float32 " + Arrays.toString(want)
                    + " (x_T in model units, one per image); it is " + Arrays.toString(Torch.shape(initial)) + " "
                    + initial.scalar_type().intern());
    }
}
