// docs/architecture.md "two kinds of checkpoint": the model file of any kept training checkpoint, not only the last.
package epg.train;

import com.google.gson.JsonParser;
import epg.config.Json;
import epg.nn.EpgModel;
import epg.nn.ModelFile;
import epg.nn.RcmEncoder;
import epg.nn.VitEncoder;
import epg.tensor.Scope;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A run keeps one model file (fine-tuning: the EMA weights; pre-training: the online encoder), rewritten at every
 * checkpoint, so it always holds the newest step. This writes that file for any kept checkpoints/step-N/ with the
 * run's config.json, so that an earlier step can be sampled, evaluated or fine-tuned from. The result equals the file
 * the run wrote when it reached step N.
 */
public final class CheckpointExport {
    private CheckpointExport() {}

    /** What was written: the file, the step, and whether it is a fine-tuned model (else an RCM encoder). */
    public record Result(Path file, long step, boolean finetuned) {}

    /**
     * Exports step {@code step} (null: the newest checkpoint) of {@code run} to {@code out} (null: RUN/model-step-N or
     * encoder-step-N).
     */
    public static Result export(Path run, Long step, Path out) throws IOException {
        RunDir dir = new RunDir(run);
        Path config = dir.file(RunDir.CONFIG);
        if (!Files.isRegularFile(config))
            throw new IOException(run + " is not a run directory: it has no " + RunDir.CONFIG);
        Path ckpt = step != null ? dir.checkpoint(step)
                : dir.latest().orElseThrow(() -> new IOException(run + " holds no checkpoint yet (see "
                + dir.checkpoints() + ")"));
        long n = RunDir.readState(ckpt).step();
        String json = Files.readString(config);
        boolean finetuned = JsonParser.parseString(json).getAsJsonObject().has("task");
        Path target = out != null ? out : run.resolve((finetuned ? "model" : "encoder") + "-step-" + n
                + ".safetensors");
        try (Scope s = Scope.open()) {
            VitEncoder net;
            Map<String, String> meta;
            if (finetuned) {
                FinetuneConfig cfg = Json.parse(json, FinetuneConfig.class, config.toString());
                net = new EpgModel(cfg.model());
                net.load(ckpt.resolve(FinetunedModel.EMA + ".safetensors"), true);
                meta = FinetunedModel.metadata(cfg, n);
            } else {
                PretrainConfig cfg = Json.parse(json, PretrainConfig.class, config.toString());
                net = new RcmEncoder(cfg.model());
                net.load(ckpt.resolve(PretrainStage.ONLINE + ".safetensors"), true);
                meta = PretrainStage.metadata(n);
            }
            ModelFile.save(target, net, meta);
        }
        return new Result(target, n, finetuned);
    }
}
