// Spec §7: the .npy/.npz reader and writer against files written by NumPy (scripts/fixtures/make_metrics_fixtures.py).
package epg.tensor;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static epg.TestSupport.assertSameTensors;
import static epg.TestSupport.requirePython;
import static epg.TestSupport.fixture;
import static epg.TestSupport.python;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpzTest {
    /** The arrays the fixture script writes, recomputed here with the same exactly rounded arithmetic. */
    static Map<String, Tensor> expected() {
        byte[] img = new byte[6 * 8 * 8 * 3];
        for (int i = 0; i < img.length; i++) img[i] = (byte) ((i * 37L + 11) % 256);
        double[] mu = new double[16], sigma = new double[256], muS = new double[7], sigmaS = new double[49];
        for (int i = 0; i < 16; i++) {
            mu[i] = (i - 7.5) / 8 * 1e-3;
            for (int j = 0; j < 16; j++) sigma[i * 16 + j] = (i + 1.0) * (j + 1.0) / 7 + (i == j ? 3 : 0);
        }
        for (int i = 0; i < 7; i++) { muS[i] = i / 3.0; sigmaS[i * 8] = 0.1; }
        float[] f4 = new float[15];
        for (int i = 0; i < 15; i++) f4[i] = (float) i / 7f - 1f;
        long[] i8 = new long[12];
        for (int i = 0; i < 12; i++) i8[i] = i - 3;
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("arr_0", Torch.fromLongs(java.util.stream.IntStream.range(0, img.length).mapToLong(i -> img[i] & 0xff)
                .toArray(), 6, 8, 8, 3).to(ScalarType.Byte));
        m.put("mu", Torch.fromDoubles(mu, 16));
        m.put("sigma", Torch.fromDoubles(sigma, 16, 16));
        m.put("mu_s", Torch.fromDoubles(muS, 7));
        m.put("sigma_s", Torch.fromDoubles(sigmaS, 7, 7));
        m.put("extra_f4", Torch.fromFloats(f4, 3, 5));
        m.put("extra_i8", Torch.fromLongs(i8, 2, 2, 3));
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"adm_ref.npz", "adm_ref_deflated.npz"})
    void readsNumpyFiles(String file) throws IOException {
        try (Scope s = Scope.open()) {
            assertSameTensors(expected(), Npz.read(fixture("metrics/" + file)), file);
        }
    }

    @Test
    void streamsRowsInBatches() throws IOException {
        try (Scope s = Scope.open(); Npz.Rows rows = Npz.rows(fixture("metrics/adm_ref.npz"), "arr_0")) {
            assertArrayEquals(new long[]{6, 8, 8, 3}, rows.header().shape());
            Tensor first = rows.next(4), rest = rows.next(4), end = rows.next(4);
            assertEquals(4, first.size(0));
            assertEquals(2, rest.size(0));
            assertEquals(0, end.size(0));
            Tensor all = expected().get("arr_0");
            assertTrue(all.narrow(0, 0, 4).equal(first) && all.narrow(0, 4, 2).equal(rest));
        }
    }

    @Test
    void writesWhatNumpyWrites(@TempDir Path dir) throws IOException {
        try (Scope s = Scope.open()) {
            Path out = dir.resolve("copy.npz");
            Npz.write(out, expected());
            assertSameTensors(expected(), Npz.read(out), "round trip");
            // np.savez's entries: the same .npy bytes (header padding to 64 included) as NumPy itself writes.
            assertArrayEquals(npyEntry(fixture("metrics/adm_ref.npz"), "sigma.npy"), npyEntry(out, "sigma.npy"));
            assertArrayEquals(npyEntry(fixture("metrics/adm_ref.npz"), "arr_0.npy"), npyEntry(out, "arr_0.npy"));
        }
    }

    /** arr_0 in two row batches, then mu: the arrays of the NumPy-written fixture metrics/adm_ref.npz. */
    static Path writeStreamed(Path dir) throws IOException {
        Path out = dir.resolve("streamed.npz");
        Tensor img = expected().get("arr_0");
        Npz.write(out, w -> {
            try (Npz.RowWriter rows = w.begin("arr_0", DType.U8, 6, 8, 8, 3)) {
                rows.write(img.narrow(0, 0, 5));
                rows.write(img.narrow(0, 5, 1));
            }
            w.put("mu", expected().get("mu"));
        });
        return out;
    }

    @Test
    void streamedWriteHasNumpysBytes(@TempDir Path dir) throws IOException {
        try (Scope s = Scope.open()) {
            Path out = writeStreamed(dir);
            assertTrue(expected().get("arr_0").equal(Npz.read(out, "arr_0")));
            assertArrayEquals(npyEntry(fixture("metrics/adm_ref.npz"), "arr_0.npy"), npyEntry(out, "arr_0.npy"));
            assertArrayEquals(npyEntry(fixture("metrics/adm_ref.npz"), "mu.npy"), npyEntry(out, "mu.npy"));
        }
    }

    @Test
    @Tag("oracle")
    void streamedWriteIsReadableByNumpy(@TempDir Path dir) throws IOException {
        try (Scope s = Scope.open()) {
            Path out = writeStreamed(dir);
            Tensor img = expected().get("arr_0");
            requirePython("numpy");
            String sums = python(60, "-c", "import numpy as np, sys; z = np.load(sys.argv[1]); "
                    + "print(z['arr_0'].dtype, z['arr_0'].shape, int(z['arr_0'].astype(np.int64).sum()), "
                    + "repr(float(z['mu'].sum())))", out.toString());
            long total = 0;
            for (long v : Torch.toLongs(img)) total += v;
            double muSum = 0;
            for (double v : Torch.toDoubles(expected().get("mu"))) muSum += v;
            assertEquals("uint8 (6, 8, 8, 3) " + total + " " + Double.toString(muSum).replace("E", "e"),
                    sums.trim().replace("E", "e"));
        }
    }

    @Test
    void incompleteStreamedArrayIsAnError(@TempDir Path dir) {
        Path out = dir.resolve("short.npz");
        IOException e = assertThrows(IOException.class, () -> Npz.write(out, w -> {
            try (Npz.RowWriter rows = w.begin("arr_0", DType.U8, 3, 2)) {
                rows.write(Torch.zeros(ScalarType.Byte, 2, 2));
            }
        }));
        assertTrue(e.getMessage().contains("2 of its 3"), e.getMessage());
        assertTrue(Files.notExists(out), "a failed write leaves no file");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "truncated.npz|is not a valid .npz file",
            "bad_magic.npz|does not start with the .npy magic",
            "fortran.npz|Fortran order"})
    void rejectsMalformedFiles(String file, String message) {
        IOException e = assertThrows(IOException.class, () -> Npz.read(fixture("metrics/" + file)));
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void missingArrayAndEmptyFileAreNamed(@TempDir Path dir) throws IOException {
        IOException missing = assertThrows(IOException.class, () -> Npz.read(fixture("metrics/adm_ref.npz"), "mu_x"));
        assertTrue(missing.getMessage().contains("no array 'mu_x'") && missing.getMessage().contains("sigma_s"),
                missing.getMessage());
        Path empty = Files.createFile(dir.resolve("empty.npz"));
        IOException e = assertThrows(IOException.class, () -> Npz.read(empty));
        assertTrue(e.getMessage().contains("empty.npz") && e.getMessage().contains("empty"), e.getMessage());
    }

    private static byte[] npyEntry(Path npz, String entry) throws IOException {
        try (var zip = new java.util.zip.ZipFile(npz.toFile())) {
            return zip.getInputStream(zip.getEntry(entry)).readAllBytes();
        }
    }
}
