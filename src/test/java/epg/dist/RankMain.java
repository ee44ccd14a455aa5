// docs/distributed.md: one rank of the data-parallel pre-training used by DataParallelTest, run as its own JVM.
package epg.dist;

import epg.TinyRuns;
import epg.tensor.Safetensors;
import epg.tensor.Scope;
import epg.train.PretrainConfig;
import epg.train.PretrainStage;
import epg.train.RunDir;
import epg.train.Trainer;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Args: run directory, steps, global batch. Writes RUN/rank-R.safetensors (online.* and momentum.*); prints "step N"
 * per step.
 */
public final class RankMain {
    public static void main(String[] args) {
        try (Distributed group = Distributed.fromEnvironment(); Scope s = Scope.open()) {
            Path run = Path.of(args[0]);
            PretrainStage stage = train(run, Long.parseLong(args[1]), Integer.parseInt(args[2]), group,
                    new Trainer.Listener() {
                @Override public void stepped(long step, com.google.gson.JsonObject line) {
                    System.out.println("step " + step);
                    System.out.flush();
                }
            });
            Safetensors.write(run.resolve("rank-" + group.rank() + ".safetensors"), weights(stage), Map.of());
        } catch (Throwable e) {
            System.out.println("error: " + e.getMessage());
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        Runtime.getRuntime().halt(0);
    }

    /** The tiny pre-training of the tests: {@code steps} steps at global batch {@code batch} on 64 synthetic images. */
    static PretrainStage train(Path run, long steps, int batch, Distributed group,
            Trainer.Listener listener) throws Exception {
        PretrainConfig cfg = TinyRuns.config(steps, batch, true, "constant", 1000);
        PretrainStage stage = new PretrainStage(cfg, group);
        new Trainer(stage, cfg.trainerSettings(), new RunDir(run), cfg, group)
                .run(TinyRuns.synthetic(64), cfg.loaderConfig(), steps, listener);
        return stage;
    }

    /** Parameters and buffers of both networks, keyed "online.*" and "momentum.*". */
    static Map<String, Tensor> weights(PretrainStage stage) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        stage.online().stateDict().forEach((k, v) -> out.put("online." + k, v));
        stage.momentum().stateDict().forEach((k, v) -> out.put("momentum." + k, v));
        return out;
    }
}
