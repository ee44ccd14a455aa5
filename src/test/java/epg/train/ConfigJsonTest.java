// docs/architecture.md (run directory): config.json files written before the configuration was split into records.
package epg.train;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.TestSupport;
import epg.config.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fixtures are config.json files as the flat records of main (b66fc4c) wrote them. */
class ConfigJsonTest {
    @TempDir Path tmp;

    private static String written(String name) throws Exception {
        return Files.readString(TestSupport.fixture("train/config-json-main/" + name + ".json"));
    }

    @Test
    void settingsOfAnEarlierVersionReadBack() throws Exception {
        FinetuneConfig c = Json.parse(written("consistency"), FinetuneConfig.class, "consistency.json");
        assertEquals(Task.CONSISTENCY, c.task());
        assertEquals("runs/rcm/encoder.safetensors", c.init());
        assertNull(c.rcm());
        assertEquals(new Schedule(256, 24_000, 400), c.schedule());
        assertEquals(new Optimiser(1e-4, 0.9, 0.99, 0.03), c.optimiser());
        assertArrayEquals(new long[]{400_000, 500_000}, c.consistency().lrMilestones());
        assertArrayEquals(new double[]{3e-5, 8e-6}, c.consistency().lrValues());
        assertEquals(100_000, c.consistency().timePair().d0());
        assertEquals(0.5, c.model().decoderDropout());
        assertEquals(new RunControl("cpu", 10, 1000, 2, 1000, 2, 0), c.run());
        PretrainConfig p = Json.parse(written("pretrain"), PretrainConfig.class, "pretrain.json");
        assertEquals("bf16", p.precision());
        assertEquals(new Optimiser(6e-4, 0.9, 0.95, 0.03), p.optimiser());
        assertEquals(new RcmObjective("constant", 0.1, 0.1, 0.99, false, true, true), p.objective());
        assertEquals(EncoderTraining.DEFAULT, c.encoder(), "keys the file lacks read as the released setting");
        assertEquals(0, p.run().previewEvery(), "a key the file lacks reads as its neutral value");
    }

    @Test
    void settingsAreWrittenFlatUnderTheSameKeys() throws Exception {
        for (String name : new String[]{"diffusion", "consistency", "pretrain"}) {
            Class<?> type = name.equals("pretrain") ? PretrainConfig.class : FinetuneConfig.class;
            JsonObject before = JsonParser.parseString(written(name)).getAsJsonObject();
            String rewritten = Json.pretty(Json.parse(written(name), type, name));
            JsonObject after = JsonParser.parseString(rewritten).getAsJsonObject();
            Set<String> added = new HashSet<>(after.keySet());
            added.removeAll(before.keySet());
            assertEquals(name.equals("pretrain") ? Set.of("previewEvery", "tauMax", "tauMin")
                    : Set.of("freezeEncoder", "lrd", "lrdMode"), added, name);
            for (String k : before.keySet()) assertEquals(before.get(k), after.get(k), name + " " + k);
        }
    }

    @Test
    void aRunOfAnEarlierVersionResumesWithOnlyItsRunControlChanged() throws Exception {
        for (String name : new String[]{"consistency", "pretrain"}) {
            RunDir dir = new RunDir(tmp.resolve(name));
            Files.createDirectories(dir.root());
            Files.writeString(dir.file(RunDir.CONFIG), written(name));
            if (name.equals("pretrain")) {
                PretrainConfig p = Json.parse(written(name), PretrainConfig.class, name);
                dir.writeConfig(p.withRun(p.run().withDevice("cuda:1").withThreads(3).withPreviewEvery(500)));
                assertThrows(IllegalArgumentException.class, () -> dir.writeConfig(p.withNoDecayTokens(true)));
                assertThrows(IllegalArgumentException.class, () -> dir.writeConfig(p.withPrecision("fp32")));
                assertThrows(IllegalArgumentException.class,
                        () -> dir.writeConfig(p.withObjective(p.objective().withTau(0.2, 0.1))));
            } else {
                FinetuneConfig c = Json.parse(written(name), FinetuneConfig.class, name);
                dir.writeConfig(c.withRun(c.run().withLogEvery(1).withKeepCheckpoints(0).withWorkers(4)));
                assertTrue(Files.readString(dir.file(RunDir.CONFIG)).contains("\"workers\": 4"));
                assertThrows(IllegalArgumentException.class, () -> dir.writeConfig(c.withEma(0.999)));
                assertThrows(IllegalArgumentException.class,
                        () -> dir.writeConfig(c.withEncoder(new EncoderTraining(false, 0.5, null))));
                assertThrows(IllegalArgumentException.class,
                        () -> dir.writeConfig(c.withConsistency(c.consistency().withMilestones(new long[0],
                                new double[0]))));
                assertFalse(Files.readString(dir.file(RunDir.CONFIG)).contains("\"ema\": 0.999,"));
            }
        }
    }
}
