// Test fixtures for epg view: a folder of runs (good, growing, broken), tiny model files, and links that lead out.
package epg.view;

import epg.config.Json;
import epg.config.ModelConfig;
import epg.data.ByteImage;
import epg.data.ImageDecoder;
import epg.nn.EpgModel;
import epg.nn.ModelFile;
import epg.tensor.Safetensors;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

final class ViewFixtures {
    static final String SECRET = "TOP-SECRET-CONTENT";

    private ViewFixtures() {}

    /** {@link epg.TinyRuns#samplingModel()}, on one thread. */
    static EpgModel tinyModel() {
        epg.TinyRuns.oneThread();
        return epg.TinyRuns.samplingModel();
    }

    /**
     * {@code root}/runs: demo/ (demo.json), demo/rcm (pre-training log, an RCM encoder file), demo/consistency and
     * demo/diffusion (logs, previews, checkpoints, model files), demo/broken (half-written config, bad log lines,
     * truncated model), demo/samples/one (grid, npz, evaluation), demo/linked (config.json and log.jsonl are links
     * to files outside); links escape.txt and escape/ to {@code root}/secret.
     * Returns the runs folder.
     */
    static Path runs(Path root) throws IOException {
        Path runs = Files.createDirectories(root.resolve("runs")), demo = runs.resolve("demo");
        Path secret = Files.createDirectories(root.resolve("secret"));
        Files.writeString(secret.resolve("secret.txt"), SECRET);
        Files.createSymbolicLink(runs.resolve("escape.txt"), secret.resolve("secret.txt"));
        Files.createSymbolicLink(runs.resolve("escape"), secret);
        Files.writeString(secret.resolve("config.json"), "{\"task\": \"" + SECRET + "\"}");
        Files.writeString(secret.resolve("log.jsonl"), "{\"step\": 1, \"" + SECRET + "\": 1}\n");
        Files.createDirectories(runs.resolve("demo/linked"));
        Files.createSymbolicLink(runs.resolve("demo/linked/config.json"), secret.resolve("config.json"));
        Files.createSymbolicLink(runs.resolve("demo/linked/log.jsonl"), secret.resolve("log.jsonl"));
        write(demo.resolve("demo.json"), "{\"budgetMinutes\": 1.0, \"smoke\": true, \"metrics\": [], \"stages\": []}");
        rcm(demo.resolve("rcm"));
        EpgModel model = tinyModel();
        finetune(demo.resolve("consistency"), "CONSISTENCY", model, 4);
        finetune(demo.resolve("diffusion"), "DIFFUSION", model, 3);
        broken(demo.resolve("broken"), demo.resolve("consistency/model.safetensors"));
        Path samples = demo.resolve("samples/one");
        ImageDecoder.writePng(ByteImage.blank(16, 16, 3), samples.resolve("grid.png"));
        write(samples.resolve("samples.npz"), "not really an npz");
        write(samples.resolve("samples.eval.json"), "{\"extractor\": \"rcm:enc\", \"samples\": \"samples/one\", "
                + "\"sampleCount\": 16, \"fid\": 12.5, \"notes\": []}");
        return runs;
    }

    private static void rcm(Path dir) throws IOException {
        ModelConfig c = epg.TinyRuns.rcm();
        write(dir.resolve("config.json"), "{\"model\": " + Json.compact(c) + ", \"data\": \"synthetic\", "
                + "\"steps\": 10}");
        StringBuilder log = new StringBuilder();
        for (int s = 1; s <= 10; s++)
            log.append("{\"step\":").append(s).append(",\"loss\":").append(5.0 / s).append(",\"contrastive\":")
                    .append(4.0 / s).append(",\"lr\":0.001,\"timestamp\":\"2026-12-02T10:00:0").append(s % 10)
                    .append("Z\"}\n");
        write(dir.resolve("log.jsonl"), log.toString());
        Safetensors.write(dir.resolve("encoder.safetensors"), Map.of("w", torch.zeros(2)),
                Map.of(ModelFile.CONFIG_KEY, Json.compact(c)));
    }

    private static void finetune(Path dir, String task, EpgModel model, long steps) throws IOException {
        write(dir.resolve("config.json"), "{\"task\": \"" + task + "\", \"data\": \"synthetic\", \"steps\": " + steps
                + ", \"model\": " + Json.compact(model.config) + "}");
        StringBuilder log = new StringBuilder();
        for (int s = 1; s <= steps; s++)
            log.append("{\"step\":").append(s).append(",\"loss\":").append(100.0 / s).append(",\"lr\":1e-4,")
                    .append("\"grad_norm\":").append(s).append("}\n");
        write(dir.resolve("log.jsonl"), log.toString());
        for (long s : new long[]{2, steps})
            ImageDecoder.writePng(ByteImage.blank(16, 16, 3), dir.resolve(String.format("previews/step-%07d.png", s)));
        write(dir.resolve("checkpoints/step-2/state.json"), "{\"step\": 2}");
        write(dir.resolve("checkpoints/step-2/ema.safetensors"), "x".repeat(100));
        Files.createDirectories(dir.resolve("checkpoints/step-" + steps));   // still being written: no state.json
        write(dir.resolve("checkpoints/latest"), "step-2\n");
        ModelFile.save(dir.resolve("model.safetensors"), model, Map.of("parameterisation", task.toLowerCase(),
                "normalization", "simple", "step", Long.toString(steps)));
    }

    private static void broken(Path dir, Path goodModel) throws IOException {
        write(dir.resolve("config.json"), "{\"task\": \"DIFF");
        write(dir.resolve("log.jsonl"), "{\"step\":1,\"loss\":2.0}\nthis is not json\n[1,2]\n{\"loss\":3.0}\n"
                + "{\"step\":2,\"loss\":NaN}\n{\"step\":3,\"loss\":1.5,\"new_term\":0.25}\n{\"step\":4,\"lo");
        byte[] good = Files.readAllBytes(goodModel);
        Files.write(dir.resolve("model.safetensors"), Arrays.copyOf(good, good.length / 2));
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

}
