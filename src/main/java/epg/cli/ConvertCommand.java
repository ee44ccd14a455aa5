// `epg convert IN OUT.safetensors`: a torch.save state dict (e.g. the released nnet_ema.pth) to safetensors.
package epg.cli;

import epg.config.Json;
import epg.config.ModelConfig;
import epg.config.Presets;
import epg.nn.ModelFile;
import epg.tensor.Checkpoints;
import epg.tensor.Safetensors;
import epg.tensor.Scope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a checkpoint (torch.save .pth or safetensors) to safetensors, optionally recording its preset.")
public final class ConvertCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN") Path in;
    @Parameters(index = "1", paramLabel = "OUT") Path out;
    @Option(names = "--preset", description = "Preset to record as the file's configuration (checked by loading), e.g. EPG-XL/16.")
    String preset;

    @Override
    public Integer call() throws Exception {
        try (Scope s = Scope.open()) {
            Safetensors.Contents c = Checkpoints.read(in);
            Map<String, String> meta = new LinkedHashMap<>(c.metadata());
            if (preset != null) {
                ModelConfig cfg = Presets.get(preset);
                ModelFile.load(in, cfg, true); // fails naming the keys if the file is not this preset
                meta.put(ModelFile.FORMAT_KEY, ModelFile.FORMAT);
                meta.put(ModelFile.CONFIG_KEY, Json.compact(cfg));
            }
            Safetensors.write(out, c.tensors(), meta);
            System.out.printf("wrote %s (%d tensors)%n", out, c.tensors().size());
            return 0;
        }
    }
}
