// Issue 8: `epg demo --smoke` end to end (report, run directories, finite metrics); the pipeline with stand-in training stages.
package epg.demo;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.TestSupport;
import epg.TinyRuns;
import epg.cli.Main;
import epg.config.Presets;
import epg.data.IdxDataset;
import epg.nn.EpgModel;
import epg.nn.ModelFile;
import epg.tensor.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DemoCommandTest {
    @TempDir Path tmp;

    /** `epg demo --smoke`: every stage that this build has runs, and report.html, demo.json and the grids exist. */
    @Test
    void smokeRun() throws Exception {
        assumeTrue(Files.isDirectory(IdxDataset.FASHION_MNIST), "Fashion-MNIST is not installed");
        TinyRuns.oneThread();
        Path out = tmp.resolve("demo");
        TestSupport.Cli r = TestSupport.cli("demo", "--smoke", "--out", out.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.out() + r.err());
        boolean canTrain = Main.commandLine().getSubcommands().containsKey("train");
        checkRun(out, canTrain ? 3 : 0);
    }

    /** The pipeline with `epg train` replaced by untrained EPG-T files: sampling, FD_RCM and the report on three models. */
    @Test
    void pipelineWithStandInTraining() throws Exception {
        assumeTrue(Files.isDirectory(IdxDataset.FASHION_MNIST), "Fashion-MNIST is not installed");
        TinyRuns.oneThread();
        Path out = tmp.resolve("stand-in");
        DemoPipeline.Cli cli = args -> args[0].equals("train") ? standInTrain(List.of(args)) : Main.commandLine().execute(args);
        var options = new DemoPipeline.Options(DemoPlan.smokePlan(), null, false, 0, 1);
        DemoResult result = new DemoPipeline(options, out, new PrintStream(new ByteArrayOutputStream()), cli, true).run();
        assertEquals(3, result.metrics().size());
        checkRun(out, 3);
        String html = Files.readString(out.resolve(DemoPipeline.REPORT));
        assertTrue(html.contains("Pre-training vs scratch"), "the Table 6 comparison line");
        assertTrue(html.contains("RCM init (EPG)") && html.contains("scratch"), "the diffusion chart's legend");
    }

    private static void checkRun(Path out, int models) throws Exception {
        for (String f : List.of("config.json", "demo.json", "report.html", "reference/reference.npz", "reference/grid.png",
                "rcm/config.json", "rcm/log.jsonl", "rcm/encoder.safetensors"))
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " is missing");
        JsonObject demo = JsonParser.parseString(Files.readString(out.resolve("demo.json"))).getAsJsonObject();
        assertEquals(DemoPipeline.STAGES, demo.getAsJsonArray("stages").size());
        demo.getAsJsonArray("stages").forEach(s -> assertTrue(!s.getAsJsonObject().get("status").getAsString().equals(StageRecord.FAILED), s.toString()));
        assertEquals(models, demo.getAsJsonArray("metrics").size());
        for (var m : demo.getAsJsonArray("metrics")) {
            double fd = m.getAsJsonObject().get("fdRcm").getAsDouble();
            assertTrue(Double.isFinite(fd) && fd >= 0, "FD_RCM " + fd);
            String dir = m.getAsJsonObject().get("samplesDir").getAsString();
            assertTrue(Files.isRegularFile(out.resolve(dir).resolve("grid.png")) && Files.isRegularFile(out.resolve(dir).resolve("samples.npz")), dir);
        }
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("<polyline"), "a plotted loss curve");
        assertTrue(html.contains("reference/grid.png") && html.contains("wall time"), "grids and stage times");
    }

    /** Writes what `epg train` leaves for sampling: an untrained EPG-T model file and a short log. */
    private static int standInTrain(List<String> args) {
        Path out = Path.of(args.get(args.indexOf("--out") + 1));
        String task = args.get(args.indexOf("--task") + 1);
        try (Scope s = Scope.open()) {
            Files.createDirectories(out);
            EpgModel m = new EpgModel(Presets.get("EPG-T").withData(32, 1, 10));
            ModelFile.save(out.resolve(DemoPipeline.MODEL_FILE), m, Map.of("parameterisation", task, "normalization", "simple"));
            Files.writeString(out.resolve("log.jsonl"), "{\"step\":1,\"loss\":2.0}\n{\"step\":2,\"loss\":1.5}\n");
            return 0;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
