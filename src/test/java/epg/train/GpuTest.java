// Spec §3 (tag "gpu"): the CUDA paths of pre-training: fp32 on CUDA follows the CPU, bf16 and fp16 (loss scaler) train.
package epg.train;

import epg.TinyRuns;
import epg.tensor.Scope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Run with {@code mvn -Pgpu test -Dgroups=gpu} (scripts/gpu-check.sh) on a machine with a CUDA device. */
@Tag("gpu")
class GpuTest {
    @TempDir Path tmp;

    @BeforeEach
    void needsCuda() {
        TinyRuns.oneThread();
        assumeTrue(torch.cuda_is_available(), "no CUDA device (or the CPU-only natives: build with -Pgpu)");
    }

    @Test
    void cudaFp32FollowsTheCpu() throws Exception {
        try (Scope s = Scope.open()) {
            Map<String, Tensor> cpu = train("cpu", "fp32", tmp.resolve("cpu")).online().stateDict();
            Map<String, Tensor> cuda = train("cuda", "fp32", tmp.resolve("cuda")).online().stateDict();
            double worst = 0;
            for (String k : cpu.keySet()) {
                if (k.endsWith("num_batches_tracked")) continue;
                worst = Math.max(worst, cpu.get(k).sub(cuda.get(k).cpu()).abs().max().item_double());
            }
            System.out.printf("gpu: max |cpu − cuda| after 5 fp32 steps = %.3g%n", worst);
            assertTrue(worst < 5e-3, "CUDA differs from the CPU by " + worst);
        }
    }

    @Test
    void bf16AndFp16Train() throws Exception {
        for (String precision : new String[]{"bf16", "fp16"}) {
            try (Scope s = Scope.open()) {
                RunDir dir = new RunDir(tmp.resolve(precision));
                train("cuda", precision, dir.root());
                String state = java.nio.file.Files.readString(dir.latest().orElseThrow().resolve("state.json"));
                System.out.println("gpu: " + precision + " state " + state.replace("\n", " "));
                double scale = com.google.gson.JsonParser.parseString(state).getAsJsonObject().get("lossScale")
                        .getAsDouble();
                assertTrue(precision.equals("fp16") ? scale > 0 : scale == 0, state);
                String log = java.nio.file.Files.readString(dir.file(RunDir.LOG));
                assertTrue(!log.contains("NaN") && log.contains("\"loss\""), log);
            }
        }
    }

    private static PretrainStage train(String device, String precision, Path run) throws Exception {
        PretrainConfig c = TinyRuns.config(5, 8, true, "constant", 5);
        PretrainConfig cfg = c.withRun(c.run().withDevice(device).withLogEvery(1)).withPrecision(precision);
        PretrainStage stage = new PretrainStage(cfg);
        new Trainer(stage, cfg.trainerSettings(), new RunDir(run), cfg)
                .run(TinyRuns.synthetic(32), cfg.loaderConfig(), 5, Trainer.Listener.NONE);
        return stage;
    }
}
