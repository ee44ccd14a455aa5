// The paper's ablations and analyses from the command line: Table 12b/13 options, autoguidance, Figure 7, Figures 5/6.
package epg.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.TestSupport;
import epg.TinyRuns;
import epg.data.ByteImage;
import epg.data.IdxFiles;
import epg.data.ImageDecoder;
import epg.tensor.Checkpoints;
import epg.tensor.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AblationCommandsTest {
    @TempDir Path tmp;

    private static final String[] QUIET = {"--workers", "1", "--threads", "1"};

    @Test
    void ablationsAndAnalysesRunFromTheCommandLine() throws Exception {
        TinyRuns.oneThread();
        String data = IdxFiles.fashionMnistLayout(tmp.resolve("data")).toString();
        Path rcm = pretrainWithTemperatureAndProjector(data);
        Path frozen = finetune(data, rcm, "frozen", "--freeze-encoder");
        finetune(data, rcm, "lrd", "--lrd", "0.5");
        evaluateEveryCheckpoint(frozen, rcm);
        autoguidance(frozen);
        pca(frozen);
    }

    /** Table 12b's τ₂ = 0.5 row and the launch script's projector, recorded and applied. */
    private Path pretrainWithTemperatureAndProjector(String data) throws Exception {
        Path rcm = tmp.resolve("rcm");
        ok(TestSupport.cli(concat(new String[]{"pretrain", "--data", data, "--preset", "RCM-T", "--steps", "3",
                "--batch", "4", "--warmup", "1", "--log-every", "1", "--out", rcm.toString(), "--temperature",
                "cosine", "--tau-max", "0.5", "--proj-out", "24", "--proj-hidden", "48"}, QUIET)));
        JsonObject cfg = JsonParser.parseString(Files.readString(rcm.resolve("config.json"))).getAsJsonObject();
        assertEquals(0.5, cfg.get("tauMax").getAsDouble());
        assertEquals(0.1, cfg.get("tauMin").getAsDouble());
        assertEquals(24, cfg.getAsJsonObject("model").get("projOut").getAsInt());
        // the log line of step k + 1 carries τ_max(k) of K = 3: 0.1 + 0.4·(1 + cos(π/2·(1.5k/3 + 1)))
        List<String> log = Files.readAllLines(rcm.resolve("log.jsonl"));
        double[] want = {0.5, 0.1 + 0.4 * (1 - Math.sqrt(0.5)), 0.1};
        for (int k = 0; k < 3; k++)
            assertEquals(want[k], JsonParser.parseString(log.get(k)).getAsJsonObject().get("tauMax").getAsDouble(),
                    1e-12, "step " + k);
        assertArrayEquals(new long[]{24, 48}, Torch.shape(Checkpoints.readTensors(rcm.resolve("encoder.safetensors"))
                .get("projection_head.6.weight")));
        TestSupport.Cli bad = TestSupport.cli("pretrain", "--data", data, "--out", tmp.resolve("bad").toString(),
                "--steps", "3", "--temperature", "cosine", "--tau-max", "0.05");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("tau-max (0.05) must be >= tau-min (0.1)"), bad.err());
        return rcm.resolve("encoder.safetensors");
    }

    /** Table 13: a 2-step diffusion run with checkpoints at steps 1 and 2 (EMA 0, lr 1e-2: the steps differ). */
    private Path finetune(String data, Path encoder, String name, String... options) throws Exception {
        Path out = tmp.resolve(name);
        TestSupport.Cli r = TestSupport.cli(concat(concat(new String[]{"train", "--task", "diffusion", "--data", data,
                "--preset", "EPG-T", "--steps", "2", "--batch", "4", "--warmup", "1", "--init", encoder.toString(),
                "--checkpoint-every", "1", "--keep", "0", "--lr", "1e-2", "--ema", "0", "--out", out.toString()},
                QUIET), options));
        ok(r);
        JsonObject cfg = JsonParser.parseString(Files.readString(out.resolve("config.json"))).getAsJsonObject();
        if (name.equals("frozen")) {
            assertTrue(cfg.get("freezeEncoder").getAsBoolean());
            assertTrue(r.out().contains("encoder: frozen"), r.out());
        } else {
            assertEquals(0.5, cfg.get("lrd").getAsDouble());
            assertTrue(r.out().contains("layer-wise lr decay 0.5 (encoder)"), r.out());
        }
        return out;
    }

    /** Figure 7: one line per kept step; the step-1 samples as the reference give FD 0 at step 1 only. */
    private void evaluateEveryCheckpoint(Path run, Path encoder) throws Exception {
        ok(TestSupport.cli("evaluate", run.toString(), "--class-accuracy", "--num", "10", "--steps", "3", "--batch",
                "10"));
        List<JsonObject> lines = lines(run.resolve("evaluate.jsonl"));
        assertEquals(List.of(1L, 2L), lines.stream().map(l -> l.get("step").getAsLong()).toList());
        for (JsonObject l : lines) {
            double a = l.get("classAccuracy").getAsDouble();
            assertTrue(a >= 0 && a <= 1, l.toString());
        }
        String svg = Files.readString(run.resolve("evaluate.classAccuracy.svg"));
        assertEquals(1, svg.split("<polyline", -1).length - 1);
        assertEquals(2, svg.split("<circle", -1).length - 1, "a dot per checkpoint");
        ByteImage png = ImageDecoder.readRgb(run.resolve("evaluate.classAccuracy.png"));
        assertEquals(1280, png.width());

        Path ref = run.resolve("evaluate-samples/step-1/samples.npz");
        ok(TestSupport.cli("evaluate", run.toString(), ref.toString(), "--features", "rcm:" + encoder, "--num", "10",
                "--points", "3", "--batch", "10", "--out", tmp.resolve("fd.jsonl").toString()));
        List<JsonObject> fd = lines(tmp.resolve("fd.jsonl"));
        // an RCM-space distance is named fdRcm, never fid
        assertEquals(0, fd.get(0).get("fdRcm").getAsDouble(), 1e-6, "step 1 sampled again: the same images");
        assertTrue(fd.get(1).get("fdRcm").getAsDouble() > 1e-4, "step 2 is another model: " + fd.get(1));
        assertFalse(fd.get(1).has("fid"), fd.get(1).toString());
        assertTrue(Files.readString(tmp.resolve("fd.fdRcm.svg")).contains("FD (RCM)"));

        // the same settings again: the lines are kept, nothing is sampled again
        String before = Files.readString(run.resolve("evaluate.jsonl"));
        deleteTree(run.resolve("evaluate-samples/step-2"));
        ok(TestSupport.cli("evaluate", run.toString(), "--class-accuracy", "--num", "10", "--steps", "3", "--batch",
                "10"));
        assertEquals(before, Files.readString(run.resolve("evaluate.jsonl")));
        assertFalse(Files.exists(run.resolve("evaluate-samples/step-2")), "step 2 was sampled again");
    }

    /** Guided by itself, autoguidance changes nothing; by an earlier checkpoint, it does. */
    private void autoguidance(Path run) throws Exception {
        String model = run.resolve("model.safetensors").toString();
        String[] common = {"sample", model, "--num", "2", "--steps", "3"};
        TestSupport.Cli plainRun = TestSupport.cli(concat(common, "--out", tmp.resolve("plain").toString()));
        ok(plainRun);
        TestSupport.Cli self = TestSupport.cli(concat(common, "--out", tmp.resolve("self").toString(),
                "--autoguidance", "1.5", "--autoguidance-model", model));
        ok(self);
        int nfe = Integer.parseInt(plainRun.out().replaceAll("(?s).*NFE (\\d+) per image.*", "$1"));
        assertTrue(self.out().contains("autoguidance s 1.50") && self.out().contains("NFE " + 2 * nfe + " per image"),
                plainRun.out() + self.out());
        ok(TestSupport.cli("export", run.toString(), "--step", "1", "--out", tmp.resolve("step1.safetensors")
                .toString()));
        ok(TestSupport.cli(concat(common, "--out", tmp.resolve("early").toString(), "--autoguidance", "1.5",
                "--autoguidance-model", tmp.resolve("step1.safetensors").toString())));
        byte[] plain = Files.readAllBytes(tmp.resolve("plain/samples.npz"));
        assertArrayEquals(plain, Files.readAllBytes(tmp.resolve("self/samples.npz")));
        assertFalse(Arrays.equals(plain, Files.readAllBytes(tmp.resolve("early/samples.npz"))));
        TestSupport.Cli both = TestSupport.cli(concat(common, "--out", tmp.resolve("x").toString(), "--cfg", "2",
                "--autoguidance", "1", "--autoguidance-model", model));
        assertEquals(1, both.code());
        assertTrue(both.err().contains("drop --cfg"), both.err());
    }

    /** Figures 5/6: rows of images, per level the noisy input beside its token colours. */
    private void pca(Path run) throws Exception {
        Path out = tmp.resolve("pca.png");
        TestSupport.Cli r = TestSupport.cli("inspect", "pca", run.toString(), "--images",
                tmp.resolve("plain/000000.png").toString(), tmp.resolve("plain/000001.png").toString(), "--sigmas",
                "0.002,1", "--scale", "2", "--out", out.toString());
        ok(r);
        assertTrue(r.out().contains("components explain"), r.out());
        ByteImage img = ImageDecoder.readRgb(out);
        // tiles of 32·2 px; per level an input and a PCA tile, levels 4 px apart; a row per image
        assertEquals(2 * (2 * 64 + 4) - 4, img.width());
        assertEquals(2 * 64, img.height());
        java.util.Set<Integer> colours = new java.util.HashSet<>(); // token centres of image 0's first PCA tile
        for (int ty = 0; ty < 8; ty++)
            for (int tx = 0; tx < 8; tx++) {
                int x = 64 + 8 * tx + 4, y = 8 * ty + 4;
                colours.add(img.get(x, y, 0) << 16 | img.get(x, y, 1) << 8 | img.get(x, y, 2));
            }
        assertTrue(colours.size() > 8, "the PCA tile has " + colours.size() + " colours");
    }

    private static List<JsonObject> lines(Path f) throws Exception {
        return Files.readAllLines(f).stream().filter(l -> !l.isBlank())
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private static void ok(TestSupport.Cli r) { assertEquals(0, r.code(), r.out() + r.err()); }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
