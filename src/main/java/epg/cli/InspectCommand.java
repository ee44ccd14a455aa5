// `epg inspect FILE`: a checkpoint's tensors (key, shape, dtype), parameter count and stored configuration.
package epg.cli;

import epg.config.Json;
import epg.nn.ModelFile;
import epg.tensor.Checkpoints;
import epg.tensor.Safetensors;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "inspect", mixinStandardHelpOptions = true, subcommands = {RcmStdCommand.class, PcaCommand.class},
        description = "Shows a checkpoint's keys, shapes, dtypes, parameter count and "
                + "configuration (safetensors or torch.save .pth). "
                + "`epg inspect rcm-std MODEL` runs the representation-collapse diagnostic, "
                + "`epg inspect pca MODEL` draws the PCA of its encoder features (paper Figures 5/6).",
        footerHeading = "%nExample:%n",
        footer = {"  epg inspect runs/diffusion/model.safetensors", "  epg inspect nnet_ema.pth"})
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE") Path file;

    @Override
    public Integer call() throws Exception {
        if (file == null) {
            new picocli.CommandLine(this).usage(System.err);
            return 2;
        }
        try (Scope s = Scope.open(); Safetensors.Contents c = Checkpoints.read(file)) {
            long total = 0;
            for (Map.Entry<String, Tensor> e : c.tensors().entrySet()) {
                Tensor t = e.getValue();
                System.out.printf("%-60s %-20s %s%n", e.getKey(), Arrays.toString(Torch.shape(t)), t.scalar_type());
                if (t.is_floating_point()) total += t.numel();
            }
            System.out.printf("%d tensors, %,d floating-point values%n", c.tensors().size(), total);
            var config = ModelFile.config(c, file);
            if (config != null) System.out.println("configuration:\n" + Json.pretty(config));
            c.metadata().forEach((k, v) -> { if (!k.equals(ModelFile.CONFIG_KEY)) System.out.println(k + ": " + v); });
            return 0;
        }
    }
}
