// Spec §4/§5/§6: the options that say how to read an EPG model file for sampling or denoising (picocli mixin).
package epg.cli;

import epg.diffusion.Preconditioning;
import epg.sample.ModelDenoiser;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

public final class ModelOptions {
    @Option(names = "--preset", description = "model preset when the checkpoint carries no configuration")
    String preset;
    @Option(names = "--config", paramLabel = "ARCH_JSON",
            description = "architecture JSON instead of --preset (the fields of a model file's 'config' metadata, "
                    + "as `epg inspect` prints them): a model of any shape")
    Path config;
    @Option(names = "--parameterisation",
            description = "diffusion or consistency (default: the file's 'parameterisation' "
                    + "metadata, else as the command says)")
    String parameterisation;

    /**
     * The model behind {@code file} as a clamped denoiser; {@code fallback} applies when neither option nor metadata
     * decides.
     */
    ModelDenoiser load(Path file, Preconditioning.Kind fallback) throws IOException {
        return ModelDenoiser.load(file, Architecture.of(preset, config, null),
                parameterisation == null ? null : Preconditioning.Kind.parse(parameterisation), fallback);
    }
}
