// `epg convert IN OUT`: torch.save state dicts (the released nnet_ema.pth format) <-> safetensors, by OUT's extension.
package epg.cli;

import epg.config.Json;
import epg.config.ModelConfig;
import epg.nn.ModelFile;
import epg.tensor.Checkpoints;
import epg.tensor.Safetensors;
import epg.tensor.Scope;
import epg.tensor.TorchSave;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Converts a checkpoint (torch.save .pth/.pt or safetensors) to another format.",
                "OUT's extension names the format:",
                "  .safetensors  safetensors with metadata, optionally recording the preset (epg's model file);",
                "  .pth or .pt   torch.save state dict, the authors' released format (e.g. "
                        + "nnet_ema.pth); tensors only."},
        footerHeading = "%nExample:%n",
        footer = {"  epg convert nnet_ema.pth model.safetensors --preset EPG-XL/16",
                "  epg convert runs/diffusion/model.safetensors --out nnet_ema.pth"})
public final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "Checkpoint to read: .pth, .pt or .safetensors.") Path in;
    @Parameters(index = "1", arity = "0..1", paramLabel = "OUT",
            description = "Output file: .safetensors, .pth or .pt (or --out).") Path outArg;
    @Option(names = "--out", paramLabel = "OUT", description = "The output file, when not given as OUT.")
    Path outOption;
    private Path out;
    @Option(names = "--preset",
            description = "Preset to record as the file's configuration (checked by loading), e.g. EPG-XL/16.")
    String preset;
    @Option(names = "--config", paramLabel = "ARCH_JSON",
            description = "Architecture JSON to record instead of --preset (a model of any shape; checked by loading).")
    Path config;

    static boolean isTorchSave(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".pth") || name.endsWith(".pt");
    }

    /** Checks OUT's extension before any work is done. */
    private static void checkExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (!isTorchSave(file) && !name.endsWith(".safetensors"))
            throw new IllegalArgumentException("OUT " + file
                    + " must end in .safetensors (safetensors) or .pth/.pt (torch.save, the released format)");
    }

    @Override
    public Integer call() throws Exception {
        out = OutputPath.of(outArg, outOption, "OUT", "the output file");
        checkExtension(out);
        try (Scope s = Scope.open(); Safetensors.Contents c = Checkpoints.read(in)) {
            Map<String, String> meta = new LinkedHashMap<>(c.metadata());
            ModelConfig cfg = Architecture.of(preset, config, null);
            if (cfg != null) {
                ModelFile.load(c, in, cfg, true); // fails naming the keys if the file is not this preset
                meta.put(ModelFile.FORMAT_KEY, ModelFile.FORMAT);
                meta.put(ModelFile.CONFIG_KEY, Json.compact(cfg));
            }
            if (isTorchSave(out)) {
                TorchSave.write(out, c.tensors());
                if (!meta.isEmpty())
                    System.out.println("note: the .pth format holds tensors only; metadata " + meta.keySet()
                            + " was not written");
            } else {
                Safetensors.write(out, c.tensors(), meta);
            }
            System.out.printf("wrote %s (%d tensors)%n", out, c.tensors().size());
            return 0;
        }
    }
}
