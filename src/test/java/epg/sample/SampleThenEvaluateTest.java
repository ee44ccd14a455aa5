// Spec §6–§7 on the command line: `epg sample --out D` then `epg evaluate D REF`; split sampling equals one process.
package epg.sample;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.TestSupport;
import epg.metrics.SampleLabels;
import epg.tensor.Npz;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleThenEvaluateTest {
    @TempDir static Path tmp;
    static Path model;

    @BeforeAll
    static void saveModel() throws Exception {
        model = epg.TinyRuns.savedSamplingModel(tmp.resolve("tiny.safetensors"));
    }

    @Test
    void aSampleFolderEvaluatesAsItStands() throws Exception {
        Path samples = tmp.resolve("samples"), other = tmp.resolve("other"), ref = tmp.resolve("ref.npz");
        ok(TestSupport.cli("sample", model.toString(), "--num", "12", "--points", "4", "--labels", "1,3",
                "--out", samples.toString()));
        ok(TestSupport.cli("sample", model.toString(), "--seeds", "100-119", "--points", "4", "--out",
                other.toString()));
        ok(TestSupport.cli("evaluate", "--make-ref", other.toString(), ref.toString(), "--features",
                "rcm:" + model));
        // the grid (gaps, row names: unlike the 8×8 samples) sits in the folder: the folder stands for its samples.npz
        assertTrue(Files.isRegularFile(samples.resolve(SampleRun.GRID)));
        Path json = tmp.resolve("eval.json");
        TestSupport.Cli r = TestSupport.cli("evaluate", samples.toString(), ref.toString(), "--features",
                "rcm:" + model, "--out", json.toString());
        ok(r);
        JsonObject j = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertEquals(samples.resolve(SampleRun.NPZ).toString(), j.get("samples").getAsString());
        assertEquals(12, j.get("sampleCount").getAsLong());
        assertEquals(20, j.get("referenceCount").getAsLong());
        assertTrue(j.get("fdRcm").getAsDouble() > 0, j.toString());
        // the npz carries the classes each image was drawn for, which class accuracy reads
        SampleLabels l = SampleLabels.of(samples.resolve(SampleRun.NPZ), null, 12);
        assertArrayEquals(new int[]{1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 1, 3}, l.labels());
        assertEquals("samples.npz:labels", l.source());
        // sampling.json describes the run
        JsonObject d = JsonParser.parseString(Files.readString(samples.resolve(SampleFolder.RECORD)))
                .getAsJsonObject();
        assertEquals(4, d.getAsJsonObject("settings").get("points").getAsInt());
        assertEquals("1,3", d.getAsJsonObject("settings").get("labels").getAsString());
        JsonObject inv = d.getAsJsonObject(SampleFolder.RUN).getAsJsonObject("invocation");
        assertTrue(inv.get("commandLine").getAsString().startsWith("epg sample "), d + "");
    }

    @Test
    void twoProcessesSampleTheImagesOfOne() throws Exception {
        Path one = tmp.resolve("one"), two = tmp.resolve("two");
        String[] common = {"sample", model.toString(), "--num", "11", "--batch", "3", "--points", "5", "--cfg", "2",
                "--labels", "balanced"};
        ok(TestSupport.cli(concat(common, "--out", one.toString())));
        TestSupport.Cli r = TestSupport.cli(concat(common, "--out", two.toString(), "--nproc", "2"));
        ok(r);
        try (Scope s = Scope.open()) {
            for (String array : new String[]{"arr_0", SampleRun.LABELS}) {
                var a = Npz.read(one.resolve(SampleRun.NPZ), array);
                var b = Npz.read(two.resolve(SampleRun.NPZ), array);
                assertArrayEquals(Torch.shape(a), Torch.shape(b), array);
                assertTrue(a.equal(b), array + ": 2 processes differ from 1");
            }
        }
        for (int seed = 0; seed < 11; seed++)
            assertArrayEquals(Files.readAllBytes(one.resolve(SampleRun.fileName(seed))),
                    Files.readAllBytes(two.resolve(SampleRun.fileName(seed))), "seed " + seed);
        assertArrayEquals(Files.readAllBytes(one.resolve(SampleRun.GRID)),
                Files.readAllBytes(two.resolve(SampleRun.GRID)));
        JsonObject d = JsonParser.parseString(Files.readString(two.resolve(SampleFolder.RECORD))).getAsJsonObject();
        assertEquals(2, d.getAsJsonObject(SampleFolder.RUN).getAsJsonObject("invocation").get("processes").getAsInt(),
                d.toString());
    }

    @Test
    void theShareOfEachProcessIsWholeBatchesInTurn() {
        // 11 images in batches of 3: batches 0..3 of sizes 3, 3, 3, 2 → ranks 0 and 1 take 0, 2 and 1, 3
        assertEquals(6, SampleRun.shareSize(11, 3, 0, 2));
        assertEquals(5, SampleRun.shareSize(11, 3, 1, 2));
        assertEquals(11, SampleRun.shareSize(11, 3, 0, 1));
        assertEquals(0, SampleRun.shareSize(2, 3, 1, 2));
    }

    @Test
    void aCudaDeviceOnAMachineWithoutOneIsAClearError() {
        TestSupport.Cli r = TestSupport.cli("sample", model.toString(), "--num", "2", "--device", "cuda", "--out",
                tmp.resolve("cuda").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--device cuda") && r.err().contains("-Pgpu"), r.err());
        r = TestSupport.cli("evaluate", tmp.toString(), "--device", "tpu");
        assertTrue(r.err().contains("--device must be cpu, cuda or cuda:N"), r.err());
    }

    private static void ok(TestSupport.Cli r) { assertEquals(0, r.code(), r.out() + r.err()); }

    private static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
