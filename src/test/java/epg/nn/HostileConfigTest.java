// docs/robustness.md (fault suite): model descriptions, dataset.json, config.json and state.json of the wrong shape.
package epg.nn;

import epg.Refusal;
import epg.config.Json;
import epg.config.ModelConfig;
import epg.config.Presets;
import epg.data.DatasetManifest;
import epg.tensor.Safetensors;
import epg.tensor.Scope;
import epg.tensor.Torch;
import epg.train.RunDir;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model file's "config" metadata is written here as text from the tiny preset's JSON with one value changed; each
 * must fail before the network is built (a depth of 4000 used to build 3.4 GB of weights first).
 */
class HostileConfigTest {
    @TempDir Path dir;

    private record Case(String name, String config, String... expected) {}

    @TestFactory
    Stream<DynamicTest> hostileModelDescriptionsAreRefusedBeforeBuilding() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path f = dir.resolve(c.name().replaceAll("\\W+", "_") + ".safetensors");
            try (Scope s = Scope.open()) {
                Safetensors.write(f, Map.of("w", Torch.zeros(4)), Map.of(ModelFile.CONFIG_KEY, c.config(),
                        ModelFile.FORMAT_KEY, ModelFile.FORMAT));
            }
            String[] expected = Stream.concat(Stream.of(f.toString(), "config"), Stream.of(c.expected()))
                    .toArray(String[]::new);
            Refusal.Cost cost = Refusal.check(c.name(), () -> {
                try (Scope s = Scope.open()) { ModelFile.load(f, null, true); }
            }, null, 0, expected);
            System.out.printf("config %-32s %4d ms  %s%n", c.name(), cost.millis(), cost.message());
        }));
    }

    private static List<Case> cases() {
        String t = Json.compact(Presets.get("EPG-T"));
        List<Case> cs = new ArrayList<>();
        cs.add(new Case("depth 4000", t.replace("\"depth\":4", "\"depth\":4000"), "depth must be in [1, 256]"));
        cs.add(new Case("dim 2^20", t.replace("\"dim\":128", "\"dim\":1048576"), "dim must be in [1, 65536]"));
        cs.add(new Case("depth 200 in a 16-byte file", t.replace("\"depth\":4", "\"depth\":200"), "parameters",
                "holds 4 values"));
        cs.add(new Case("decoder width 60000", t.replace("\"decoderDim\":128", "\"decoderDim\":60000"),
                "parameters", "holds 4 values"));
        cs.add(new Case("imageSize 2^30", t.replace("\"imageSize\":32", "\"imageSize\":1073741824"), "imageSize"));
        cs.add(new Case("patch 1 at 4096 px", t.replace("\"imageSize\":32", "\"imageSize\":4096")
                .replace("\"patchSize\":4", "\"patchSize\":1"), "tokens"));
        cs.add(new Case("heads above dim", t.replace("\"heads\":4", "\"heads\":256"), "heads must be in"));
        cs.add(new Case("depth a string", t.replace("\"depth\":4", "\"depth\":\"abc\""), "key 'depth'",
                "whole number"));
        cs.add(new Case("depth 1e10", t.replace("\"depth\":4", "\"depth\":1e10"), "key 'depth'", "whole number"));
        cs.add(new Case("depth 2.5", t.replace("\"depth\":4", "\"depth\":2.5"), "key 'depth'", "whole number"));
        cs.add(new Case("kind unknown", t.replace("\"EPG\"", "\"GAN\""), "key 'kind'", "one of"));
        cs.add(new Case("name an object", t.replace("\"EPG-T\"", "{\"a\":1}"), "key 'name'", "a string"));
        cs.add(new Case("mlpRatio NaN", t.replace("\"mlpRatio\":4.0", "\"mlpRatio\":NaN"), "mlpRatio must be in"));
        cs.add(new Case("mlpRatio 1e9", t.replace("\"mlpRatio\":4.0", "\"mlpRatio\":1e9"), "mlpRatio must be in"));
        cs.add(new Case("fusedAttention a number", t.replace("\"fusedAttention\":true", "\"fusedAttention\":1"),
                "key 'fusedAttention'", "true or false"));
        cs.add(new Case("invalid JSON", t.substring(0, t.length() / 2), "not valid JSON"));
        cs.add(new Case("an array", "[1, 2, 3]", "must be a JSON object"));
        cs.add(new Case("JSON nested 100000 deep", "[".repeat(100_000), "not valid JSON"));
        cs.add(new Case("a value nested 100000 deep", t.replace("\"EPG-T\"", "[".repeat(100_000) + "]".repeat(100_000)),
                "deeper than 64"));
        return cs;
    }

    @Test
    void theProbedValuesReallyDifferFromTheTinyPreset() {
        String t = Json.compact(Presets.get("EPG-T"));
        for (String key : new String[]{"\"depth\":4", "\"dim\":128", "\"decoderDim\":128", "\"imageSize\":32",
                "\"patchSize\":4", "\"heads\":4", "\"EPG\"", "\"mlpRatio\":4.0", "\"fusedAttention\":true"})
            assertTrue(t.contains(key), key + " not in " + t);
    }

    @Test
    void datasetManifestsWithWrongValuesAreRefused() throws IOException {
        String[][] cases = {
                {"{\"resolution\":16,\"classes\":[\"a\"],\"counts\":{},\"images\":[{\"file\":\"a/1.png\","
                        + "\"label\":3}]}",
                        "images[0].label 3"},
                {"{\"resolution\":16,\"classes\":[\"a\"],\"counts\":{},\"images\":[{\"file\":\"../../x.png\","
                        + "\"label\":0}]}", "leads outside"},
                {"{\"resolution\":16,\"classes\":[\"a\"],\"counts\":{},\"images\":[{\"file\":\"/etc/x.png\","
                        + "\"label\":0}]}", "leads outside"},
                {"{\"resolution\":\"big\",\"classes\":[\"a\"],\"images\":[]}", "key 'resolution'"},
                {"{\"resolution\":16,\"classes\":\"a\",\"images\":[]}", "classes"},
                {"{\"resolution\":16", "not valid JSON"},
                {"{\"resolution\":16}", "missing 'classes' or 'images'"}};
        for (String[] c : cases) {
            Path f = Files.writeString(dir.resolve("dataset.json"), c[0]);
            Refusal.check(c[1], () -> DatasetManifest.read(f), null, 0, f.toString(), c[1]);
        }
    }

    private record Settings(double lr, int batch, String data) {}

    @Test
    void aRefusedResumeNamesTheSettingsThatDiffer() throws IOException {
        RunDir run = new RunDir(dir.resolve("run"));
        run.writeConfig(new Settings(1e-3, 64, "fashion-mnist"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run.writeConfig(new Settings(2e-3, 64, "cifar")));
        assertTrue(e.getMessage().contains("lr 0.001 -> 0.002") && e.getMessage().contains("data \"fashion-mnist\" -> "
                + "\"cifar\"") && !e.getMessage().contains("batch"), e.getMessage());
        Files.writeString(run.file(RunDir.CONFIG), "{\"lr\": 0.001,");
        Refusal.check("torn config.json", () -> run.writeConfig(new Settings(1e-3, 64, "x")), null, 0,
                run.file(RunDir.CONFIG).toString(), "not valid JSON");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Refusal.check("--out an existing file", () -> new RunDir(file).writeConfig(new Settings(1e-3, 64, "x")),
                null, 0, file.toString(), "existing file");
    }

    @Test
    void aCheckpointStateOfTheWrongTypeNamesTheKey() throws IOException {
        Path step = Files.createDirectories(dir.resolve("step-1"));
        Files.writeString(step.resolve("state.json"), "{\"step\": \"one\", \"skipped\": 0}");
        Refusal.check("state.json with a string step", () -> RunDir.readState(step), null, 0, "state.json",
                "key 'step'");
    }

    @Test
    void aDescriptionThatFitsItsFileIsStillRead() throws IOException {
        ModelConfig c = Presets.get("EPG-T");
        Path f = dir.resolve("ok.safetensors");
        try (Scope s = Scope.open()) {
            ModelFile.save(f, new EpgModel(c), null);
            assertTrue(ModelFile.load(f, null, true).config.equals(c));
        }
    }
}
