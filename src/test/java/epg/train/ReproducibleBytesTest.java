// docs/reliability.md "reproducible bytes": the same content gives the same file, whatever order maps iterate in.
package epg.train;

import epg.TinyRuns;
import epg.tensor.Rng;
import epg.tensor.Safetensors;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReproducibleBytesTest {
    @TempDir Path tmp;

    @Test
    void metadataInAnyOrderGivesTheSameFile() throws Exception {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> tensors = Map.of("w", Torch.fromDoubles(new double[]{1, 2, 3}, 3));
            Map<String, String> ab = new LinkedHashMap<>(), ba = new LinkedHashMap<>();
            ab.put("stage", "pretrain");
            ab.put("step", "40");
            ba.put("step", "40");
            ba.put("stage", "pretrain");
            Safetensors.write(tmp.resolve("ab.safetensors"), tensors, ab);
            Safetensors.write(tmp.resolve("ba.safetensors"), tensors, ba);
            assertArrayEquals(Files.readAllBytes(tmp.resolve("ab.safetensors")),
                    Files.readAllBytes(tmp.resolve("ba.safetensors")));
        }
    }

    @Test
    void generatorsInAnyOrderGiveTheSameCheckpoint() throws Exception {
        try (Scope s = Scope.open()) {
            PretrainStage stage = new PretrainStage(TinyRuns.config(4, 4, true, "constant", 1));
            AdamW adam = new AdamW(stage.trainable(), new AdamW.Options(0.9, 0.95, 1e-8, 0, Set.of()));
            Map<String, Rng> ab = new LinkedHashMap<>(), ba = new LinkedHashMap<>();
            Rng a = new Rng(1), b = new Rng(2);
            ab.put("noise", a);
            ab.put("dropout", b);
            ba.put("dropout", b);
            ba.put("noise", a);
            Path one = new RunDir(tmp.resolve("one")).saveCheckpoint(TrainState.start(), stage.modules(), adam, ab, 0);
            Path two = new RunDir(tmp.resolve("two")).saveCheckpoint(TrainState.start(), stage.modules(), adam, ba, 0);
            try (var files = Files.list(one)) {
                for (Path f : files.toList()) {
                    assertTrue(Files.exists(two.resolve(f.getFileName())), f.toString());
                    assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(two.resolve(f.getFileName())),
                            f.getFileName().toString());
                }
            }
        }
    }
}
