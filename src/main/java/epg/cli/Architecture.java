// Spec §2.3: the network shape a command is given, a named preset or an architecture JSON (--config), never both.
package epg.cli;

import epg.config.Json;
import epg.config.ModelConfig;
import epg.config.Presets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --config ARCH_JSON} holds the fields of a model file's "config" metadata (what `epg inspect` prints under
 * "configuration"), so a model of any shape can be read, trained or converted, not only a preset's.
 */
final class Architecture {
    private Architecture() {}

    /** The preset or the JSON file's shape; {@code fallback} (a preset name, or null) when neither is given. */
    static ModelConfig of(String preset, Path config, String fallback) throws IOException {
        if (preset != null && config != null)
            throw new IllegalArgumentException("give --preset or --config, not both");
        if (config != null) return read(config);
        String name = preset != null ? preset : fallback;
        return name == null ? null : Presets.get(name);
    }

    /** An architecture JSON file, validated as a {@link ModelConfig}. */
    static ModelConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file))
            throw new IllegalArgumentException("--config " + file + " does not exist; write the architecture as JSON "
                    + "(the 'configuration' `epg inspect MODEL` prints)");
        try {
            return Json.parse(Files.readString(file), ModelConfig.class, "the architecture in " + file);
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) cause = cause.getCause();
            if (cause instanceof IllegalArgumentException && cause != e)
                throw new IllegalArgumentException("the architecture in " + file + ": " + cause.getMessage(), e);
            throw e;
        }
    }
}
