// Runs that describe themselves: config.json's invocations, timestamped log lines, `--resume RUN`, `epg plot`.
package epg.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.TestSupport;
import epg.TinyRuns;
import epg.data.IdxFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResumeCommandTest {
    @TempDir Path tmp;

    @Test
    void aRunResumesByItsDirectoryAndDescribesItself() throws Exception {
        TinyRuns.oneThread();
        String data = IdxFiles.fashionMnistLayout(tmp.resolve("data")).toString();
        Path rcm = tmp.resolve("rcm");
        String[] settings = {"--data", data, "--batch", "4", "--warmup", "1", "--log-every", "1", "--workers", "1",
                "--threads", "1", "--checkpoint-every", "1"};
        ok(TestSupport.cli(concat(new String[]{"pretrain", "--steps", "2", "--out", rcm.toString()}, settings)));
        JsonObject c = config(rcm);
        assertEquals(6e-4, c.get("lr").getAsDouble(), 0, "--base-lr, per 1024 images");
        assertEquals(6e-4 * 4 / 1024, c.get("effectiveLr").getAsDouble(), 1e-15, "the rate used at batch 4");
        JsonObject first = c.getAsJsonArray(RunDir.INVOCATIONS).get(0).getAsJsonObject();
        assertTrue(first.get("commandLine").getAsString().startsWith("epg pretrain --steps 2 --out "), first + "");
        assertEquals("0.1.0", first.get("version").getAsString());
        assertFalse(first.get("commit").getAsString().isBlank());
        assertEquals("fp32", first.get("precision").getAsString());
        assertEquals("cpu", first.get("device").getAsString());
        assertTrue(first.get("hardware").getAsString().contains("cores"), first + "");
        for (String line : Files.readAllLines(rcm.resolve(RunDir.LOG)))
            Instant.parse(JsonParser.parseString(line).getAsJsonObject().get(RunLog.TIME).getAsString());

        // --resume takes every setting from config.json; --steps extends the run
        TestSupport.Cli r = TestSupport.cli("pretrain", "--resume", rcm.toString(), "--steps", "4", "--threads", "1",
                "--workers", "1");
        ok(r);
        assertTrue(r.out().contains("resuming at step 2"), r.out());
        assertEquals(4, Files.readAllLines(rcm.resolve(RunDir.LOG)).size());
        c = config(rcm);
        assertEquals(4, c.get("steps").getAsLong());
        JsonArray invocations = c.getAsJsonArray(RunDir.INVOCATIONS);
        assertEquals(2, invocations.size());
        assertTrue(invocations.get(1).getAsJsonObject().get("commandLine").getAsString().contains("--resume"));

        // a setting given beside --resume is named; so is every differing setting of a re-run with --out
        r = TestSupport.cli("pretrain", "--resume", rcm.toString(), "--base-lr", "1e-3", "--momentum", "0.9");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("leave out --base-lr, --momentum"), r.err());
        r = TestSupport.cli(concat(new String[]{"pretrain", "--steps", "5", "--base-lr", "1e-3", "--out",
                rcm.toString()}, settings));
        assertEquals(1, r.code());
        assertTrue(r.err().contains("steps 4 -> 5") && r.err().contains("lr 6.0E-4 -> 0.001")
                && r.err().contains("--resume"), r.err());
        assertEquals(4, config(rcm).get("steps").getAsLong(), "config.json is unchanged");

        // fine-tuning resumes the same way
        Path diff = tmp.resolve("diffusion");
        ok(TestSupport.cli(concat(new String[]{"train", "--task", "diffusion", "--init", "scratch", "--steps", "2",
                "--out", diff.toString(), "--preview-every", "0"}, settings)));
        r = TestSupport.cli("train", "--resume", diff.toString(), "--steps", "3", "--workers", "1", "--threads", "1");
        ok(r);
        assertEquals(3, Files.readAllLines(diff.resolve(RunDir.LOG)).size());
        r = TestSupport.cli("train", "--task", "diffusion", "--steps", "2", "--out", tmp.resolve("x").toString());
        assertEquals(2, r.code(), "a usage error");
        assertTrue(r.err().contains("Missing required option: '--init'") && r.err().contains("--resume RUN"), r.err());

        // epg plot draws any run's curves; --csv exports every logged step
        Path svg = tmp.resolve("curves.svg");
        ok(TestSupport.cli("plot", rcm.toString(), diff.toString(), "--keys", "loss,grad_norm", "--out",
                svg.toString()));
        String text = Files.readString(svg);
        assertEquals(4, text.split("<polyline").length - 1, "two charts (loss, gradNorm) of two runs each");
        assertTrue(text.contains(">gradNorm<") && text.contains(">rcm<") && text.contains(">diffusion<"));
        Path csv = tmp.resolve("log.csv");
        ok(TestSupport.cli("plot", rcm.toString(), diff.toString(), "--csv", "--keys", "loss,lr", "--out",
                csv.toString()));
        List<String> rows = Files.readAllLines(csv);
        assertEquals("run,step,time,loss,lr", rows.get(0));
        assertEquals(1 + 4 + 3, rows.size());
        assertTrue(rows.get(1).startsWith("rcm,1,20") && rows.get(5).startsWith("diffusion,1,"), rows + "");
    }

    private static JsonObject config(Path run) throws Exception {
        return JsonParser.parseString(Files.readString(run.resolve(RunDir.CONFIG))).getAsJsonObject();
    }

    private static void ok(TestSupport.Cli r) { assertEquals(0, r.code(), r.out() + r.err()); }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
