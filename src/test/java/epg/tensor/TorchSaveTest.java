// Spec §2: the torch.save writer (the released nnet_ema.pth format) against our reader and PyTorch 1.13's torch.load.
package epg.tensor;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static epg.TestSupport.requirePython;
import static epg.TestSupport.fixture;
import static epg.TestSupport.python;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TorchSaveTest {
    static final String SCRIPT = "scripts/fixtures/torch_save_check.py";
    @TempDir Path dir;

    /** Every supported element type, a 0-d scalar, an empty tensor, a non-contiguous view and 64-bit integers. */
    static Map<String, Tensor> sample() {
        Rng rng = new Rng(11);
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("blocks.0.weight", randn(rng, 3, 5));                                   // [3, 5]
        m.put("transposed", randn(rng, 4, 6).t());                                    // [6, 4], strides (1, 6)
        m.put("scalar", Torch.fromFloats(new float[]{-0.0f}));                        // 0-d, sign bit kept
        m.put("bf16", randn(rng, 7).to(ScalarType.BFloat16));
        m.put("f16", randn(rng, 2, 3).to(ScalarType.Half));
        m.put("f64", randn(rng, 3).to(ScalarType.Double));
        m.put("i64", Torch.fromLongs(new long[]{-(1L << 40), -1, 0, 255, 256, (1L << 31), Long.MAX_VALUE,
                Long.MIN_VALUE}, 2, 4));
        m.put("i32", Torch.fromLongs(new long[]{-5, 70000}, 2).to(ScalarType.Int));
        m.put("u8", Torch.fromLongs(new long[]{0, 7, 255}, 3).to(ScalarType.Byte));
        m.put("bool", Torch.fromLongs(new long[]{1, 0, 1}, 3).to(ScalarType.Bool));
        m.put("empty", Torch.zeros(0, 4));
        m.put("ünïcode.key", Torch.ones(1, 1, 1));
        return m;
    }

    static Tensor randn(Rng rng, long... shape) {
        // [shape]
        return org.bytedeco.pytorch.global.torch.randn(shape, rng.optional(), Torch.options(ScalarType.Float));
    }

    static String sha256(Tensor t) {
        try {
            Tensor c = t.contiguous();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes(c)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] bytes(Tensor contiguous) {
        ByteBuffer b = RawTensor.bytes(contiguous);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    static void assertBitIdentical(Map<String, Tensor> want, Map<String, Tensor> got) {
        assertEquals(List.copyOf(want.keySet()), List.copyOf(got.keySet()), "keys in order");
        want.forEach((k, w) -> {
            Tensor g = got.get(k);
            assertEquals(w.scalar_type().value, g.scalar_type().value, "dtype of " + k);
            assertArrayEquals(Torch.shape(w), Torch.shape(g), "shape of " + k);
            assertArrayEquals(bytes(w.contiguous()), bytes(g.contiguous()), "bytes of " + k);
        });
    }

    @Test
    void javaRoundTripIsBitIdentical() throws IOException {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> m = sample();
            Path f = dir.resolve("nnet_ema.pth");
            TorchSave.write(f, m);
            assertBitIdentical(m, TorchPickle.read(f));
            assertBitIdentical(m, Checkpoints.readTensors(f));
            Path big = dir.resolve("zip64.pth");
            TorchSave.write(big, m, true);
            assertBitIdentical(m, TorchPickle.read(big));
        }
    }

    @Test
    void contiguousStridesAreRowMajor() {
        assertArrayEquals(new long[]{12, 4, 1}, TorchSave.strides(new long[]{2, 3, 4}));
        assertArrayEquals(new long[]{}, TorchSave.strides(new long[]{}));
        assertArrayEquals(new long[]{4, 4, 1}, TorchSave.strides(new long[]{2, 0, 4}));
    }

    @Test
    void unsupportedElementTypeNamesTheKeyAndWritesNothing() {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> m = new LinkedHashMap<>();
            m.put("ok", Torch.ones(2));
            m.put("head.complex", Torch.zeros(ScalarType.ComplexFloat, 2));
            Path f = dir.resolve("bad.pth");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TorchSave.write(f, m));
            assertTrue(e.getMessage().contains("'head.complex'") && e.getMessage().contains("float32"), e.getMessage());
            assertFalse(Files.exists(f));
        }
    }

    /**
     * Without Python: a file torch.save wrote (scripts/fixtures/torch_save_check.py fixture: non-contiguous and
     * storage-sharing views, every element type, the _metadata attribute) reads as torch.load read it (keys in
     * order, dtypes, shapes, SHA-256 of the bytes), and our writer's copy of it (and of the nn fixture) reads back
     * bit-identical, stored in torch's entry order.
     */
    @Test
    void filesTorchWroteSurviveOurReaderAndWriter() throws IOException {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> made = TorchPickle.read(fixture("tensor/made_by_torch.pth"));
            JsonObject want = JsonParser.parseString(Files.readString(fixture("tensor/made_by_torch.json")))
                    .getAsJsonObject().getAsJsonObject("tensors");
            assertEquals(List.copyOf(want.keySet()), List.copyOf(made.keySet()),
                    "keys in order, as torch.load saw them");
            made.forEach((k, t) -> {
                var row = want.getAsJsonArray(k);
                assertEquals(pyName(row.get(0).getAsString()), DType.of(t.scalar_type()).name(), "dtype of " + k);
                long[] shape = new long[row.get(1).getAsJsonArray().size()];
                for (int i = 0; i < shape.length; i++) shape[i] = row.get(1).getAsJsonArray().get(i).getAsLong();
                assertArrayEquals(shape, Torch.shape(t), "shape of " + k);
                assertEquals(row.get(2).getAsString(), sha256(t), "bytes of " + k);
            });
            for (Path source : List.of(fixture("tensor/made_by_torch.pth"), fixture("nn/epg.pth"))) {
                Map<String, Tensor> m = TorchPickle.read(source);
                Path again = dir.resolve("rewritten.pth");
                TorchSave.write(again, m);
                assertBitIdentical(m, TorchPickle.read(again));
                assertTorchEntryOrder(again, m.size());
            }
        }
    }

    /** data.pkl, byteorder, the storages data/0 .. data/N-1, version; every entry stored, not deflated. */
    static void assertTorchEntryOrder(Path file, int storages) throws IOException {
        List<String> names = new java.util.ArrayList<>();
        try (var zip = new java.util.zip.ZipInputStream(Files.newInputStream(file))) {
            for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                assertEquals(java.util.zip.ZipEntry.STORED, e.getMethod(), e.getName() + " is stored");
                names.add(e.getName().substring(e.getName().indexOf('/') + 1));
            }
        }
        List<String> want = new java.util.ArrayList<>(List.of("data.pkl", "byteorder"));
        for (int i = 0; i < storages; i++) want.add("data/" + i);
        want.add("version");
        assertEquals(want, names.subList(0, Math.min(names.size(), want.size())), file + ": zip entries");
    }

    /**
     * One test so that Python starts three times (each start imports torch): torch.load reads our files (plain and
     * ZIP64) with our values and torch's zip layout, and files torch.save wrote (a sample made by the script with
     * non-contiguous and storage-sharing views, and the nn fixture with its _metadata) survive our reader and writer.
     */
    @Test
    @Tag("oracle")
    void pytorchAndOurWriterAgreeBothWays() throws IOException {
        requirePython("torch", "numpy");
        Path made = dir.resolve("made_by_torch.pth"), again = dir.resolve("rewritten.pth"),
                model = dir.resolve("epg_rewritten.pth");
        python(120, SCRIPT, "make", made.toString());
        try (Scope s = Scope.open()) {
            Map<String, Tensor> m = sample();
            Path f = dir.resolve("nnet_ema.pth"), big = dir.resolve("zip64.pth");
            TorchSave.write(f, m);
            TorchSave.write(big, m, true);
            TorchSave.write(again, TorchPickle.read(made));
            TorchSave.write(model, TorchPickle.read(fixture("nn/epg.pth")));
            String[] lines = python(120, SCRIPT, "describe", f.toString(), big.toString(),
                    "same", made.toString(), again.toString(), fixture("nn/epg.pth").toString(), model.toString())
                            .strip().split("\n");
            assertEquals(4, lines.length, String.join("\n", lines));
            assertEquals("same 12", lines[2]);
            assertTrue(lines[3].startsWith("same "), lines[3]);
            for (String line : List.of(lines[0], lines[1])) {
                JsonObject file = JsonParser.parseString(line).getAsJsonObject(), d = file.getAsJsonObject("tensors");
                assertEquals(List.copyOf(m.keySet()), List.copyOf(d.keySet()), "keys in order as torch.load sees them");
                m.forEach((k, t) -> {
                    var row = d.getAsJsonArray(k);
                    assertEquals(DType.of(t.scalar_type()).name(), pyName(row.get(0).getAsString()), "dtype of " + k);
                    long[] shape = new long[row.get(1).getAsJsonArray().size()];
                    for (int i = 0; i < shape.length; i++) shape[i] = row.get(1).getAsJsonArray().get(i).getAsLong();
                    assertArrayEquals(Torch.shape(t), shape, "shape of " + k);
                    assertEquals(sha256(t), row.get(2).getAsString(), "bytes of " + k);
                });
                var entries = file.getAsJsonArray("layout");
                assertEquals(m.size() + 3, entries.size(), entries.toString());
                assertEquals("archive/data.pkl", entries.get(0).getAsJsonArray().get(0).getAsString());
                assertEquals("archive/byteorder", entries.get(1).getAsJsonArray().get(0).getAsString());
                assertEquals("archive/data/0", entries.get(2).getAsJsonArray().get(0).getAsString());
                assertEquals("archive/version", entries.get(entries.size() - 1).getAsJsonArray().get(0).getAsString());
                for (var e : entries) {
                    var row = e.getAsJsonArray();
                    assertEquals(0, row.get(1).getAsInt(), row + " is stored, not deflated");
                    assertEquals(0, row.get(2).getAsLong() % 64, row + ": data starts on a 64-byte boundary");
                }
            }
        }
    }

    private static String pyName(String torchName) {
        return switch (torchName) {
            case "float32" -> "F32"; case "float64" -> "F64"; case "float16" -> "F16"; case "bfloat16" -> "BF16";
            case "int64" -> "I64"; case "int32" -> "I32"; case "int16" -> "I16"; case "int8" -> "I8"; case "uint8" ->
                    "U8";
            case "bool" -> "BOOL"; default -> torchName;
        };
    }
}
