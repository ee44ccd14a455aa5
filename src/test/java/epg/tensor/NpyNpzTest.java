// Spec §6 (output files): .npy headers as numpy 1.24 writes them, float32 round trips, and a stored-zip .npz read back.
package epg.tensor;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static epg.TestSupport.requirePython;
import static epg.TestSupport.python;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NpyNpzTest {
    @TempDir Path tmp;

    @Test
    void headerEqualsNumpys() {
        // numpy 1.24: np.save(f, np.zeros((2, 3), np.float32)) starts with these 128 bytes
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        byte[] h = Npy.header(new Npy.Header(DType.F32, new long[]{2, 3}));
        assertEquals(128, h.length);
        assertEquals(0x76, h[8]);
        assertEquals(dict + " ".repeat(128 - 10 - dict.length() - 1) + "\n",
                new String(h, 10, 118, StandardCharsets.ISO_8859_1));
        String grey = "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }";
        assertEquals(grey, new String(Npy.header(new Npy.Header(DType.U8, new long[]{5})), 10, grey.length(),
                StandardCharsets.ISO_8859_1));
    }

    @Test
    void floatArraysRoundTrip() throws IOException {
        float[] data = {1.5f, -2f, 3.25f, Float.MIN_VALUE, 1e30f, 0f};
        Path f = tmp.resolve("a.npy");
        try (Scope s = Scope.open()) {
            Npy.write(f, Torch.fromFloats(data, 1, 2, 3));
            Tensor a = Npy.read(f);
            assertArrayEquals(new long[]{1, 2, 3}, Torch.shape(a));
            assertArrayEquals(data, Torch.toFloats(a), 0f);
        }
    }

    @Test
    void npzHoldsOneStoredArrayReadableAsAZip() throws IOException {
        for (boolean zip64 : new boolean[]{false, true}) npzRoundTrip(zip64);
    }

    private void npzRoundTrip(boolean zip64) throws IOException {
        Path f = tmp.resolve("s.npz");
        byte[] first = new byte[2 * 4 * 3], second = new byte[2 * 4 * 3];
        for (int i = 0; i < first.length; i++) { first[i] = (byte) i; second[i] = (byte) (200 + i); }
        try (Npz.RowWriter w = Npz.create(f, "arr_0", DType.U8, zip64, 2, 2, 4, 3)) {
            w.write(first);
            w.write(second);
        }
        try (ZipFile z = new ZipFile(f.toFile())) {
            ZipEntry e = z.getEntry("arr_0.npy");
            assertEquals(ZipEntry.STORED, e.getMethod());
            byte[] npy = z.getInputStream(e).readAllBytes(); // checks the patched CRC
            byte[] header = Npy.header(new Npy.Header(DType.U8, new long[]{2, 2, 4, 3}));
            assertArrayEquals(header, Arrays.copyOf(npy, header.length));
            assertArrayEquals(first, Arrays.copyOfRange(npy, header.length, header.length + 24));
            assertArrayEquals(second, Arrays.copyOfRange(npy, header.length + 24, npy.length));
        }
        assertEquals(1, tmp.toFile().list().length, "no temporary file left beside " + f);
    }

    @Test
    @Tag("oracle")
    void streamedZip64NpzWithAlignmentPaddingIsReadByNumpy() throws IOException {
        Path f = tmp.resolve("z.npz");
        try (Npz.RowWriter w = Npz.create(f, "arr_0", DType.U8, true, 2, 3)) {
            w.write(new byte[]{1, 2, 3});
            w.write(new byte[]{4, 5, (byte) 250});
        }
        requirePython("numpy");
        String out = python(60, "-c", "import numpy as np, sys; a = np.load(sys.argv[1])['arr_0'];"
                + " print(a.dtype, a.shape, a.ravel().tolist())", f.toString());
        assertEquals("uint8 (2, 3) [1, 2, 3, 4, 5, 250]", out.trim());
    }

    @Test
    void incompleteNpzIsNotLeftBehind() {
        Path f = tmp.resolve("short.npz");
        assertThrows(IOException.class, () -> {
            try (Npz.RowWriter w = Npz.uint8(f, "arr_0", 4, 3)) { w.write(new byte[5]); }
        });
        assertFalse(Files.exists(f));
        assertEquals(0, tmp.toFile().list().length, "no temporary file left behind");
    }
}
