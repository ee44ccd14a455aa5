// Command line end to end: `epg pretrain` → `epg train` (both tasks) → `epg sample` (Heun, one- and two-step).
package epg.train;

import epg.TestSupport;
import epg.TinyRuns;
import epg.data.IdxFiles;
import epg.tensor.Checkpoints;
import epg.tensor.Safetensors;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainCommandTest {
    @TempDir Path tmp;

    @Test
    void pretrainThenBothFineTuningTasksThenSampling() throws Exception {
        TinyRuns.oneThread();
        String data = IdxFiles.fashionMnistLayout(tmp.resolve("data")).toString();
        Path rcm = tmp.resolve("rcm"), diff = tmp.resolve("diff"), cons = tmp.resolve("cons");
        ok(TestSupport.cli("pretrain", "--data", data, "--preset", "RCM-T", "--steps", "2", "--batch", "4", "--warmup",
                "1",
                "--out", rcm.toString(), "--workers", "1", "--threads", "1", "--checkpoint-every", "1", "--keep", "0"));
        String encoder = rcm.resolve(PretrainStage.ENCODER_FILE).toString();
        String[] common = {"--data", data, "--preset", "EPG-T", "--steps", "2", "--batch", "4", "--warmup", "1",
                "--log-every", "1", "--workers", "1", "--threads", "1", "--init", encoder,
                "--checkpoint-every", "1", "--keep", "0"};
        ok(TestSupport.cli(concat(new String[]{"train", "--task", "diffusion", "--out", diff.toString()}, common)));
        ok(TestSupport.cli(concat(new String[]{"train", "--task", "consistency", "--out", cons.toString()}, common)));
        assertEquals("diffusion", Checkpoints.read(diff.resolve(FinetunedModel.MODEL_FILE)).metadata()
                .get("parameterisation"));
        assertEquals(2, Files.readAllLines(cons.resolve(RunDir.LOG)).size());
        assertTrue(Files.readString(cons.resolve(RunDir.LOG)).contains("\"aux\""));
        assertTrue(Files.isRegularFile(diff.resolve(FinetunedModel.PREVIEWS).resolve("step-0000002.png")));

        ok(TestSupport.cli("sample", diff.resolve(FinetunedModel.MODEL_FILE).toString(), "--num", "2", "--points", "3",
                "--cfg", "2",
                "--out", tmp.resolve("s1").toString()));
        for (String sampler : new String[]{"onestep", "twostep"})
            ok(TestSupport.cli("sample", cons.resolve(FinetunedModel.MODEL_FILE).toString(), "--num", "2", "--sampler",
                    sampler,
                    "--out", tmp.resolve(sampler).toString()));
        for (String d : new String[]{"s1", "onestep", "twostep"}) {
            assertTrue(Files.isRegularFile(tmp.resolve(d).resolve("000001.png")), d);
            assertTrue(Files.isRegularFile(tmp.resolve(d).resolve("samples.npz")), d);
        }

        // epg export: the newest checkpoint gives exactly the file each run wrote at its end ...
        ok(TestSupport.cli("export", cons.toString()));
        assertSameFile(cons.resolve(FinetunedModel.MODEL_FILE), cons.resolve("model-step-2.safetensors"));
        ok(TestSupport.cli("export", rcm.toString()));
        assertSameFile(rcm.resolve(PretrainStage.ENCODER_FILE), rcm.resolve("encoder-step-2.safetensors"));
        // ... an earlier one that step's EMA weights, which sample
        Path first = tmp.resolve("first.safetensors");
        ok(TestSupport.cli("export", cons.toString(), "--step", "1", "--out", first.toString()));
        Safetensors.Contents c = Checkpoints.read(first);
        assertEquals("1", c.metadata().get("step"));
        assertEquals("consistency", c.metadata().get("parameterisation"));
        TestSupport.assertSameTensors(Checkpoints.readTensors(cons.resolve("checkpoints/step-1/" + FinetunedModel.EMA
                + ".safetensors")), c.tensors(), "step 1");
        Map<String, Tensor> last = Checkpoints.readTensors(cons.resolve(FinetunedModel.MODEL_FILE));
        assertFalse(c.tensors().entrySet().stream().allMatch(e -> e.getValue().equal(last.get(e.getKey()))),
                "step 1 and step 2 differ");
        ok(TestSupport.cli("sample", first.toString(), "--num", "2", "--sampler", "onestep", "--out",
                tmp.resolve("first").toString()));
        TestSupport.Cli missing = TestSupport.cli("export", cons.toString(), "--step", "7");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("step 7") && missing.err().contains("[1, 2]"), missing.err());
    }

    private static void assertSameFile(Path written, Path exported) throws Exception {
        Safetensors.Contents a = Checkpoints.read(written), b = Checkpoints.read(exported);
        assertEquals(a.metadata(), b.metadata(), exported.toString());
        TestSupport.assertSameTensors(a.tensors(), b.tensors(), exported.toString());
    }

    @Test
    void aMissingEncoderFileIsNamed() {
        String data = IdxFiles.fashionMnistLayout(tmp.resolve("data")).toString();
        TestSupport.Cli r = TestSupport.cli("train", "--data", data, "--task", "diffusion", "--steps", "2", "--batch",
                "4",
                "--warmup", "1",
                "--init", tmp.resolve("nope.safetensors").toString(), "--out", tmp.resolve("x").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("nope.safetensors") && r.err().contains("scratch"), r.err());
    }

    private static void ok(TestSupport.Cli r) { assertEquals(0, r.code(), r.out() + r.err()); }

    private static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
