// Loading a checkpoint tensor by tensor (Checkpoints.open, StateDictLoader): the values of a whole copy, the memory of one.
package epg.nn;

import epg.TinyRuns;
import epg.tensor.Checkpoints;
import epg.tensor.Scope;
import epg.tensor.TensorSource;
import epg.tensor.TorchSave;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class StreamingLoadTest {
    @TempDir Path dir;

    /** Hands out the file's tensors and keeps a probe on each one's storage, to see when the loader lets go of it. */
    private static final class Probing implements TensorSource {
        final TensorSource file;
        final List<String> names = new ArrayList<>();
        final List<Tensor> probes = new ArrayList<>();
        int stillHeldAtNextRead;

        Probing(TensorSource file) { this.file = file; }

        @Override public Map<String, long[]> shapes() { return file.shapes(); }
        @Override public Map<String, String> metadata() { return file.metadata(); }
        @Override public Map<String, org.bytedeco.pytorch.global.torch.ScalarType> dtypes() { return file.dtypes(); }
        @Override public void close() throws IOException { file.close(); }

        @Override
        public Tensor tensor(String name) throws IOException {
            for (Tensor p : probes) if (p.storage().use_count() > 1) stillHeldAtNextRead++;
            Tensor t = file.tensor(name);
            names.add(name);
            probes.add(Scope.keep(t.detach()));   // shares t's storage, outlives the loader's scope
            return t;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"m.safetensors", "nnet_ema.pth"})
    void aCheckpointLoadsTensorByTensorEachFreedBeforeTheNextIsRead(String name) throws IOException {
        EpgModel saved = TinyRuns.samplingModel();
        Path f = dir.resolve(name);
        if (name.endsWith(".pth")) TorchSave.write(f, saved.stateDict());
        else TinyRuns.savedSamplingModel(f);
        EpgModel loaded = new EpgModel(saved.config);
        try (Probing src = new Probing(Checkpoints.open(f))) {
            LoadReport r = loaded.load(src, true);
            assertEquals(saved.stateDict().keySet(), new java.util.HashSet<>(r.loaded()));
            assertEquals(r.loaded().size(), src.names.size(), "each tensor read once");
            assertEquals(0, src.stillHeldAtNextRead, "a tensor of the file still held when the next was read");
            for (Tensor p : src.probes) assertEquals(1, p.storage().use_count(), "the probe alone holds it after");
        }
        saved.stateDict().forEach((k, v) -> assertArrayEquals(Torch.toFloats(v), Torch.toFloats(loaded.stateDict().get(k)),
                k + ": the same values as the saved model"));
    }

    @Test
    void aFileOfAnotherShapeIsRefusedBeforeAnyTensorIsRead() throws IOException {
        Path f = TinyRuns.savedSamplingModel(dir.resolve("m.safetensors"));
        EpgModel other = new EpgModel(TinyRuns.epg());
        try (Probing src = new Probing(Checkpoints.open(f))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.load(src, true));
            assertTrue(e.getMessage().contains("shape mismatch"), e.getMessage());
            assertEquals(List.of(), src.names, "nothing read before the keys and shapes were checked");
        }
    }

    @Test
    void modelFileLoadGivesTheSavedNetwork() throws IOException {
        EpgModel saved = TinyRuns.samplingModel();
        Path f = TinyRuns.savedSamplingModel(dir.resolve("m.safetensors"));
        VitEncoder loaded = ModelFile.load(f, saved.config, true);
        saved.stateDict().forEach((k, v) -> assertArrayEquals(Torch.toFloats(v), Torch.toFloats(loaded.stateDict().get(k)),
                k));
    }
}
