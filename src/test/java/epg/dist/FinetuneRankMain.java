// docs/distributed.md: one rank of data-parallel diffusion and consistency fine-tuning, a JVM of DataParallelTest.
package epg.dist;

import epg.TinyRuns;
import epg.tensor.Safetensors;
import epg.tensor.Scope;
import epg.train.FinetuneConfig;
import epg.train.RunDir;
import epg.train.Stage;
import epg.train.Task;
import epg.train.Trainer;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Args: run directory, steps, global batch, RCM encoder file. Writes RUN/finetune-rank-R.safetensors ("diffusion.*",
 * "consistency.*").
 */
public final class FinetuneRankMain {
    public static void main(String[] args) {
        try (Distributed group = Distributed.fromEnvironment(); Scope s = Scope.open()) {
            Path run = Path.of(args[0]);
            Map<String, Tensor> w = train(run, Long.parseLong(args[1]), Integer.parseInt(args[2]), args[3], group);
            Safetensors.write(run.resolve("finetune-rank-" + group.rank() + ".safetensors"), w, Map.of());
        } catch (Throwable e) {
            System.out.println("error: " + e);
            System.out.flush();
            Runtime.getRuntime().halt(1);
        }
        Runtime.getRuntime().halt(0);
    }

    /**
     * Both stages, {@code steps} steps each at global batch {@code batch}: diffusion from scratch (label dropout 0.1),
     * consistency from {@code encoder} with the auxiliary loss (targets gathered); see TinyRuns.forDataParallel.
     * Returns online and EMA weights of both.
     */
    static Map<String, Tensor> train(Path run, long steps, int batch, String encoder,
            Distributed group) throws Exception {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Task task : Task.values()) {
            String init = task == Task.DIFFUSION ? "scratch" : encoder;
            FinetuneConfig cfg = TinyRuns.forDataParallel(TinyRuns.finetune(task, init, steps, batch, 1000));
            Stage stage = task.stage(cfg, group);
            new Trainer(stage, cfg.trainerSettings(), new RunDir(run.resolve(task.id())), cfg, group)
                    .run(TinyRuns.synthetic(64), cfg.loaderConfig(), steps, Trainer.Listener.NONE);
            stage.modules().forEach((name, m) -> m.stateDict().forEach((k, v) ->
                    out.put(task.id() + "." + name + "." + k, v)));
        }
        return out;
    }
}
