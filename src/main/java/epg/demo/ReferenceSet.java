// Spec §7: the demo's reference images: Fashion-MNIST test images padded to 32 px, as ADM's arr_0 and a grid.
package epg.demo;

import epg.data.ByteImage;
import epg.data.Dataset;
import epg.data.DatasetRegistry;
import epg.data.ImageDecoder;
import epg.sample.GridSheet;
import epg.sample.SampleRun;
import epg.tensor.Npz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The first n test images (the split is class-shuffled), grey repeated to RGB as the samples are, 28 → 32 px as in
 * training.
 */
public final class ReferenceSet {
    public static final String NPZ = "reference.npz", GRID = SampleRun.GRID;

    private ReferenceSet() {}

    /**
     * Writes {@code dir}/reference.npz (arr_0 uint8 [n, 32, 32, 3]) and {@code dir}/grid.png (a named row per class,
     * as the samples' grids).
     */
    public static void write(int n, Path dir) throws IOException {
        Dataset test = DatasetRegistry.open(DatasetRegistry.DEFAULT, false);
        if (n > test.size())
            throw new IllegalArgumentException("the test split has " + test.size() + " images, asked for " + n);
        Files.createDirectories(dir);
        GridSheet sheet = new GridSheet(DatasetRegistry.classNames(DatasetRegistry.DEFAULT));
        ByteImage probe = test.image(0);
        try (var npz = Npz.uint8(dir.resolve(NPZ), "arr_0", n, probe.height(), probe.width(), 3)) {
            for (int i = 0; i < n; i++) {
                ByteImage img = test.image(i).toRgb();
                npz.write(img.pixels());
                sheet.add(img, test.label(i));
            }
        }
        ImageDecoder.writePng(sheet.image(), dir.resolve(GRID));
    }
}
