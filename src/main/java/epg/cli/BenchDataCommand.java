// Spec §3.1 and §8: `epg bench data` — images/s of decode + MoCo pair + clean image + batching at 32 px and 256 px.
package epg.cli;

import epg.data.ByteImage;
import epg.data.Dataset;
import epg.data.DatasetRegistry;
import epg.data.ImageDecoder;
import epg.data.ImageFolderDataset;
import epg.data.Loader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;

@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Measures the throughput of the pre-training data pipeline (decode, both MoCo v3 "
                + "views and the clean image, batching): "
                + "Fashion-MNIST padded to 32 px, and generated 256 px PNGs.",
        footerHeading = "%nExample:%n", footer = "  epg bench data --workers 2")
public final class BenchDataCommand implements Callable<Integer> {
    @Bounds(min = 1, max = 256)
    @Option(names = "--workers", description = "loader threads (default: all cores)")
    int workers = Runtime.getRuntime().availableProcessors();
    @Bounds(min = 1, max = 1 << 20)
    @Option(names = "--batch", description = "batch size (default: ${DEFAULT-VALUE})") int batch = 64;
    @Bounds(min = 1)
    @Option(names = "--batches", description = "timed batches per resolution (default: ${DEFAULT-VALUE})")
    int batches = 10;
    @Option(names = "--mnist", description = "IDX folder (default: fashion-mnist, fetched when absent)") Path mnist;
    @Bounds(min = 1)
    @Option(names = "--images", description = "generated 256 px images (default: ${DEFAULT-VALUE})") int images = 128;

    @Override
    public Integer call() throws IOException {
        String data = mnist != null ? mnist.toString() : DatasetRegistry.DEFAULT;
        report("32 px  Fashion-MNIST (grey, padded 28->32)", DatasetRegistry.open(data, true), 32);
        Path tmp = Files.createTempDirectory("epg-bench-data");
        try {
            Random r = new Random(0);
            for (int i = 0; i < images; i++)
                ImageDecoder.writePng(synthetic(r, 256), tmp.resolve("c" + (i % 10) + "_" + i + ".png"));
            report("256 px generated PNGs (RGB)", ImageFolderDataset.open(tmp), 256);
        } finally {
            try (var s = Files.list(tmp)) { s.forEach(p -> p.toFile().delete()); }
            Files.delete(tmp);
        }
        return 0;
    }

    private void report(String what, Dataset data, int res) {
        Loader.Config cfg = Loader.Config.of(batch, res, Loader.Mode.PRETRAIN, 0).threads(workers, 2);
        try (Loader loader = new Loader(data, cfg)) {
            loader.next();
            long t0 = System.nanoTime();
            for (int i = 0; i < batches; i++) loader.next();
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%-45s %8.1f images/s  (%d workers, batch %d, view1 + view2 + clean per image)%n", what,
                    batches * batch / s, workers, batch);
        }
    }

    /** Smooth colour waves with noise: PNG size and decode cost close to natural images. */
    static ByteImage synthetic(Random r, int size) {
        ByteImage img = ByteImage.blank(size, size, 3);
        double[] f = r.doubles(9, 0.01, 0.1).toArray();
        for (int y = 0, o = 0; y < size; y++)
            for (int x = 0; x < size; x++)
                for (int c = 0; c < 3; c++, o++)
                    img.pixels()[o] = (byte) Math.max(0, Math.min(255, 128 + 100 * Math.sin(f[c] * x + f[c + 3] * y
                            + f[c + 6]) + r.nextGaussian() * 10));
        return img;
    }
}
