// Spec §8 (tests): IDX reading (plain and gzipped), padding, RGB conversion, and the installed Fashion-MNIST.
package epg.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IdxDatasetTest {
    @TempDir Path tmp;

    static void write(Path f, int magic, int[] dims, byte[] data, boolean gz) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int d : dims) out.writeInt(d);
            out.write(data);
        }
        try (OutputStream o = gz ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
            o.write(bytes.toByteArray());
        }
    }

    @Test
    void readsImagesAndLabelsPlainOrGzipped() throws IOException {
        byte[] px = new byte[3 * 2 * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (10 * i);
        write(tmp.resolve("t10k-images-idx3-ubyte.gz"), 0x803, new int[]{3, 2, 3}, px, true);
        write(tmp.resolve("t10k-labels-idx1-ubyte"), 0x801, new int[]{3}, new byte[]{4, 0, 7}, false);
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
        write(f, 0x803, new int[]{5, 28, 28}, new byte[100], false);
        write(tmp.resolve("train-labels-idx1-ubyte"), 0x801, new int[]{5}, new byte[5], false);
        DataException e = assertThrows(DataException.class, () -> IdxDataset.open(tmp, true));
        assertEquals(f, e.path());
    }

    @Test
    void installedFashionMnist() {
        assumeTrue(Files.isDirectory(IdxDataset.FASHION_MNIST), "dataset-fashion-mnist not installed");
        IdxDataset test = IdxDataset.fashionMnist(false);
        assertEquals(10_000, test.size());
        assertEquals(10, test.numClasses());
        assertEquals(9, test.label(0));     // the first test item is an ankle boot
        assertEquals(2, test.label(1));     // then a pullover
        assertEquals(28, test.image(0).width());
        assertEquals(32, test.pad(2).image(0).height());
    }
}
