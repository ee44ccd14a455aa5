// Spec §2: `epg models`, `epg inspect`, `epg convert` and the model file (weights + configuration).
package epg.cli;

import epg.config.ModelSize;
import epg.config.Presets;
import epg.nn.EpgModel;
import epg.nn.GoldenNetworkTestAccess;
import epg.nn.ModelFile;
import epg.nn.VitEncoder;
import epg.tensor.Checkpoints;
import epg.tensor.Scope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static epg.TestSupport.assertClose;
import static epg.TestSupport.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCommandsTest {
    @TempDir Path dir;

    static String run(String... args) {
        epg.TestSupport.Cli r = epg.TestSupport.cli(args);
        assertEquals(0, r.code(), "exit status of epg " + String.join(" ", args) + ": " + r.err());
        return r.out();
    }

    @Test
    void modelsListsEveryPresetWithItsExactParameterCount() {
        String out = run("models");
        for (var c : Presets.all().values())
            assertTrue(out.contains(c.name()) && out.contains(String.format("%,d", ModelSize.parameters(c))), c.name()
                    + " missing in\n" + out);
        assertTrue(out.contains("582,986,064"), out);
    }

    @Test
    void convertKeepsEveryTensorAndInspectShowsKeysShapesAndConfig() throws Exception {
        Path out = dir.resolve("epg.safetensors");
        run("convert", fixture("nn/epg.pth").toString(), out.toString());
        try (Scope s = Scope.open()) {
            Map<String, Tensor> a = Checkpoints.readTensors(fixture("nn/epg.pth")), b = Checkpoints.readTensors(out);
            assertEquals(a.keySet(), b.keySet());
            for (String k : a.keySet()) assertClose(b.get(k), a.get(k), 0, k);
        }
        String listing = run("inspect", out.toString());
        assertTrue(listing.contains("decoder_blocks.1.skip_linear.weight") && listing.contains("[96, 160]"), listing);
        // floating-point values = the fixture script's parameter count
        assertTrue(listing.contains("448,208"), listing);

        Path model = dir.resolve("model.safetensors");
        try (Scope s = Scope.open()) {
            EpgModel m = new EpgModel(GoldenNetworkTestAccess.epgConfig());
            m.load(Checkpoints.readTensors(fixture("nn/epg.pth")), true);
            ModelFile.save(model, m, Map.of("step", "7"));
            VitEncoder back = ModelFile.load(model, null, true);
            assertEquals(m.config, back.config);
            assertClose(back.stateDict().get("out.weight"), m.out.weight, 0, "out.weight");
        }
        String described = run("inspect", model.toString());
        assertTrue(described.contains("\"decoderDim\": 96") && described.contains("step: 7"), described);
    }

    /** A shape that is no preset: the architecture JSON (`epg inspect`'s configuration) is recorded by convert. */
    @Test
    void convertRecordsAnArchitectureFile() throws Exception {
        Path arch = dir.resolve("golden.json"), out = dir.resolve("golden.safetensors");
        java.nio.file.Files.writeString(arch, epg.config.Json.pretty(GoldenNetworkTestAccess.epgConfig()));
        run("convert", fixture("nn/epg.pth").toString(), out.toString(), "--config", arch.toString());
        try (Scope s = Scope.open()) {
            assertEquals(GoldenNetworkTestAccess.epgConfig(), ModelFile.load(out, null, true).config);
        }
        java.nio.file.Files.writeString(arch, epg.config.Json.pretty(GoldenNetworkTestAccess.rcmConfig()));
        epg.TestSupport.Cli bad = epg.TestSupport.cli("convert", fixture("nn/epg.pth").toString(), out.toString(),
                "--config", arch.toString());
        assertEquals(1, bad.code(), "an architecture that does not fit the weights is refused");
        bad = epg.TestSupport.cli("convert", fixture("nn/epg.pth").toString(), out.toString(), "--config",
                dir.resolve("missing.json").toString());
        assertTrue(bad.err().contains("does not exist"), bad.err());
        // what train/pretrain/sample/denoise/evaluate resolve: the file, else the preset, else the command's default
        assertEquals(GoldenNetworkTestAccess.rcmConfig(), Architecture.of(null, arch, "EPG-T"));
        assertEquals(epg.config.Presets.get("EPG-T"), Architecture.of(null, null, "EPG-T"));
        assertEquals(epg.config.Presets.get("RCM-T"), Architecture.of("RCM-T", null, "EPG-T"));
        assertThrows(IllegalArgumentException.class, () -> Architecture.of("EPG-T", arch, null));
        java.nio.file.Files.writeString(arch, "{\"name\": \"x\", \"kind\": \"EPG\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architecture.of(null, arch, null));
        assertTrue(e.getMessage().startsWith("the architecture in " + arch + ": imageSize must be in [1, 4096]"),
                e.getMessage());
    }

    @Test
    void convertToPthWritesTheReleasedTorchSaveFormat() throws Exception {
        Path model = dir.resolve("model.safetensors"), pth = dir.resolve("nnet_ema.pth");
        try (Scope s = Scope.open()) {
            EpgModel m = new EpgModel(GoldenNetworkTestAccess.epgConfig());
            m.load(Checkpoints.readTensors(fixture("nn/epg.pth")), true);
            ModelFile.save(model, m, Map.of("step", "7"));
        }
        String out = run("convert", model.toString(), pth.toString());
        assertTrue(out.contains("wrote " + pth) && out.contains("tensors only"), out);
        try (Scope s = Scope.open()) {
            Map<String, Tensor> a = Checkpoints.readTensors(model), b = Checkpoints.readTensors(pth);
            assertEquals(java.util.List.copyOf(a.keySet()), java.util.List.copyOf(b.keySet()));
            for (String k : a.keySet()) assertTrue(a.get(k).equal(b.get(k)), k);
            // strict: every key of the model, nothing else
            new EpgModel(GoldenNetworkTestAccess.epgConfig()).load(b, true);
        }
        epg.TestSupport.Cli bad = epg.TestSupport.cli("convert", model.toString(), dir.resolve("model.bin").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("model.bin") && bad.err().contains(".pth"), bad.err());
    }
}
