// `epg demo --smoke` end to end (spec §3–§7 at test scale): report, run directories, finite metrics, budget per stage.
package epg.demo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.TestSupport;
import epg.TinyRuns;
import epg.data.DatasetLocator;
import epg.data.IdxFiles;
import epg.report.DemoLayout;
import epg.report.StageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest {
    @TempDir Path tmp;

    /**
     * `epg demo --smoke` on generated data in Fashion-MNIST's layout (as EPG_DATA): every stage runs, and the run
     * directories, report.html, demo.json and the grids exist.
     */
    @Test
    void smokeRun() throws Exception {
        Path data = IdxFiles.fashionMnistLayout(tmp.resolve("data"));
        String before = System.setProperty(DatasetLocator.DATA_PROPERTY, data.toString());
        try {
            smokeRunOn();
        } finally {
            if (before == null) System.clearProperty(DatasetLocator.DATA_PROPERTY);
            else System.setProperty(DatasetLocator.DATA_PROPERTY, before);
        }
    }

    private void smokeRunOn() throws Exception {
        TinyRuns.oneThread();
        Path out = tmp.resolve("demo");
        TestSupport.Cli r = TestSupport.cli("demo", "--smoke", "--out", out.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        checkRun(out, 3);
        String html = Files.readString(out.resolve(DemoLayout.REPORT));
        assertTrue(html.contains("Pre-training vs scratch"), "the Table 6 comparison line");
        assertTrue(html.contains("RCM init (EPG)") && html.contains("scratch"), "the diffusion chart's legend");
        assertTrue(r.out().contains("FD_RCM"), r.out());
        assertTrue(r.out().contains("browse: epg view " + out), "the demo names the page that shows it: " + r.out());
        Files.delete(out.resolve(DemoLayout.REPORT));
        assertEquals(0, TestSupport.cli("demo", "--report-only", "--out", out.toString()).code());
        assertEquals(html, Files.readString(out.resolve(DemoLayout.REPORT)), "the report rewritten from demo.json");
    }

    private static void checkRun(Path out, int models) throws Exception {
        for (String f : List.of("config.json", "demo.json", "report.html", "reference/reference.npz",
                "reference/grid.png", "rcm/config.json", "rcm/log.jsonl", "rcm/encoder.safetensors",
                "diffusion/config.json", "diffusion/log.jsonl", "diffusion/model.safetensors",
                        "scratch/model.safetensors",
                "consistency/model.safetensors", "consistency/log.jsonl"))
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " is missing");
        JsonObject demo = JsonParser.parseString(Files.readString(out.resolve("demo.json"))).getAsJsonObject();
        assertEquals(DemoPipeline.STAGES, demo.getAsJsonArray("stages").size());
        for (var s : demo.getAsJsonArray("stages")) {
            JsonObject stage = s.getAsJsonObject();
            assertTrue(!stage.get("status").getAsString().equals(StageRecord.FAILED), stage.toString());
            assertTrue(stage.get("key").getAsString().equals(DemoPipeline.CALIBRATE)
                    || stage.get("estimateSeconds").getAsDouble() >= 0, "every stage has an estimate");
        }
        assertEquals(models, demo.getAsJsonArray("metrics").size());
        for (var m : demo.getAsJsonArray("metrics")) {
            double fd = m.getAsJsonObject().get("fdRcm").getAsDouble();
            assertTrue(Double.isFinite(fd) && fd >= 0, "FD_RCM " + fd);
            Path dir = out.resolve(m.getAsJsonObject().get("samplesDir").getAsString());
            assertTrue(Files.isRegularFile(dir.resolve("grid.png")) && Files.isRegularFile(dir.resolve("samples.npz")),
                    dir.toString());
        }
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("<polyline"), "a plotted loss curve");
        assertTrue(html.contains("reference/grid.png") && html.contains("wall time"), "grids and stage times");
        assertTrue(html.contains("<th>budget</th>"), "the budget column of the stage table");
        JsonObject config = JsonParser.parseString(Files.readString(out.resolve("config.json"))).getAsJsonObject();
        assertTrue(config.has("costs") && config.has("plan") && config.has("estimateSeconds"), config.toString());
    }
}
