// Our model file (spec §2 keys): network weights (EMA for sampling) and the configuration in one safetensors file.
package epg.nn;

import epg.config.Json;
import epg.config.ModelConfig;
import epg.config.ModelSize;
import epg.tensor.Checkpoints;
import epg.tensor.Safetensors;
import epg.tensor.TensorSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/** Our model file: a network's weights and its configuration (metadata "config") in one safetensors file. */
public final class ModelFile {
    public static final String CONFIG_KEY = "config", FORMAT_KEY = "format", FORMAT = "epg-model-v1";

    private ModelFile() {}

    /** Writes {@code model}'s state dict and config atomically. */
    public static void save(Path file, VitEncoder model, Map<String, String> extraMetadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(FORMAT_KEY, FORMAT);
        meta.put(CONFIG_KEY, Json.compact(model.config));
        if (extraMetadata != null) meta.putAll(extraMetadata);
        Safetensors.write(file, model.stateDict(), meta);
    }

    /**
     * The "step" metadata of a model file a training run wrote; empty when the file is missing, unreadable or has
     * none (then the run writes it again).
     */
    public static OptionalLong step(Path file) {
        if (!Files.isRegularFile(file)) return OptionalLong.empty();
        try {
            String step = Safetensors.metadata(file).get("step");
            return step == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(step));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The configuration stored in a checkpoint, or null for files without one (e.g. the released .pth files). */
    public static ModelConfig config(TensorSource contents, Path file) {
        String json = contents.metadata().get(CONFIG_KEY);
        if (json == null) return null;
        String what = file + ": metadata key '" + CONFIG_KEY + "'";
        ModelConfig c = Json.parse(json, ModelConfig.class, what);
        // A description larger than the weights the file holds is corrupt: refuse it before building the network.
        long held = contents.numel();
        long needed = ModelSize.parameters(c);
        if (needed > held)
            throw new IllegalArgumentException(what + " describes " + c.name() + " with " + needed + " parameters, "
                    + "but the file holds " + held + " values: the file is corrupt or its description is wrong");
        return c;
    }

    /**
     * Builds the network a checkpoint describes and loads it. {@code config} overrides or supplies the configuration
     * (needed for files without one, such as the authors' nnet_ema.pth).
     */
    public static VitEncoder load(Path file, ModelConfig config, boolean strict) throws IOException {
        try (TensorSource c = Checkpoints.open(file)) {
            return load(c, file, config, strict);
        }
    }

    /** {@link #load(Path, ModelConfig, boolean)} of the tensors of {@code file}, already open or read. */
    public static VitEncoder load(TensorSource c, Path file, ModelConfig config, boolean strict) throws IOException {
        ModelConfig cfg = config != null ? config : config(c, file);
        if (cfg == null)
            throw new IllegalArgumentException(file
                    + " carries no configuration: name its preset (--preset, e.g. EPG-XL/16) or --config ARCH_JSON");
        VitEncoder m = cfg.kind() == ModelConfig.Kind.EPG ? new EpgModel(cfg) : new RcmEncoder(cfg);
        m.load(c, strict);
        return m;
    }
}
