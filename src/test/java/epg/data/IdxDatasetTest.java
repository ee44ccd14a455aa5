// Spec §8 (tests): IDX reading (plain and gzipped), padding, RGB conversion, and Fashion-MNIST as registered.
package epg.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxDatasetTest {
    @TempDir Path tmp;

    @Test
    void readsImagesAndLabelsPlainOrGzipped() throws IOException {
        byte[] px = new byte[3 * 2 * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (10 * i);
        IdxFiles.write(tmp.resolve("t10k-images-idx3-ubyte.gz"), 0x803, new int[]{3, 2, 3}, px);
        IdxFiles.write(tmp.resolve("t10k-labels-idx1-ubyte"), 0x801, new int[]{3}, new byte[]{4, 0, 7});
        Dataset d = Dataset.open(tmp, false);
        assertEquals(3, d.size());
        assertEquals(8, d.numClasses());
        assertEquals(7, d.label(2));
        ByteImage img = d.image(1);
        assertEquals(3, img.width());
        assertEquals(2, img.height());
        assertArrayEquals(new byte[]{60, 70, 80, 90, 100, 110}, img.pixels());
        ByteImage padded = d.pad(1).rgb().image(1);
        assertEquals(5, padded.width());
        assertEquals(3, padded.channels());
        assertEquals(0, padded.get(0, 0, 0));
        assertEquals(110, padded.get(3, 2, 2));
        DataException e = assertThrows(DataException.class, () -> Dataset.open(tmp, true));
        assertTrue(e.getMessage().contains("train-images"), e.getMessage());
    }

    @Test
    void truncatedIdxNamesTheFile() throws IOException {
        Path f = tmp.resolve("train-images-idx3-ubyte");
        IdxFiles.write(f, 0x803, new int[]{5, 28, 28}, new byte[100]);
        IdxFiles.write(tmp.resolve("train-labels-idx1-ubyte"), 0x801, new int[]{5}, new byte[5]);
        DataException e = assertThrows(DataException.class, () -> IdxDataset.open(tmp, true));
        assertEquals(f, e.path());
    }

    /**
     * Fashion-MNIST as the registry opens it: the real files where the locator finds them without fetching (then also
     * their published facts), else generated files in the same layout; a folder holding them is the named dataset.
     */
    @Test
    void fashionMnistAsRegistered() {
        DatasetSpec spec = DatasetRegistry.FASHION_MNIST;
        Path real = null;
        try {
            real = new DatasetLocator(DatasetLocator.Settings.fromEnvironment().withOffline(true)).locate(spec);
        } catch (DataException e) {
            System.out.println("no Fashion-MNIST on this machine; checking generated data in its layout");
        }
        Path dir = real != null ? real : IdxFiles.fashionMnistLayout(tmp.resolve("fm"));
        Dataset test = DatasetRegistry.open(dir.toString(), false);
        if (real != null) {
            assertEquals(spec.splits().get(1).images(), test.size());
            assertEquals(9, test.label(0));     // the first test item is an ankle boot
            assertEquals(2, test.label(1));     // then a pullover
        } else {
            assertEquals(IdxFiles.TEST, test.size());
        }
        assertEquals(spec.classes(), test.numClasses());
        assertEquals(28, IdxDataset.open(dir, false).image(0).width());
        assertEquals(32, test.image(0).height(), "padded 28 -> 32 as registered");
        assertEquals(OptionalInt.of(32), DatasetRegistry.trainingSize(dir.toString()));
        assertEquals(OptionalInt.empty(), DatasetRegistry.trainingSize(tmp.resolve("elsewhere").toString()));
    }
}
