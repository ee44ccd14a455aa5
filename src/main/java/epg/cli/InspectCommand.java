// `epg inspect FILE`: a checkpoint's tensors (key, shape, dtype), parameter count and stored configuration.
package epg.cli;

import epg.config.Json;
import epg.nn.ModelFile;
import epg.tensor.Checkpoints;
import epg.tensor.Scope;
import epg.tensor.TensorSource;
import epg.tensor.Torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "inspect", mixinStandardHelpOptions = true, subcommands = {RcmStdCommand.class, PcaCommand.class},
        description = "Shows a checkpoint's keys, shapes, dtypes, parameter count and "
                + "configuration (safetensors or torch.save .pth). "
                + "`epg inspect rcm-std MODEL` runs the representation-collapse diagnostic, "
                + "`epg inspect pca MODEL` draws the PCA of its encoder features (paper Figures 5/6).",
        footerHeading = "%nExample:%n",
        footer = {"  epg inspect runs/diffusion/model.safetensors", "  epg inspect nnet_ema.pth"})
public final class InspectCommand implements Callable<Integer> {
    private static final Set<ScalarType> FLOATING =
            EnumSet.of(ScalarType.Double, ScalarType.Float, ScalarType.Half, ScalarType.BFloat16);

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE") Path file;

    @Override
    public Integer call() throws Exception {
        if (file == null) {
            new picocli.CommandLine(this).usage(System.err);
            return 2;
        }
        try (Scope s = Scope.open(); TensorSource c = Checkpoints.open(file)) { // a safetensors header only
            long total = 0;
            Map<String, ScalarType> dtypes = c.dtypes();
            for (Map.Entry<String, long[]> e : c.shapes().entrySet()) {
                ScalarType t = dtypes.get(e.getKey());
                System.out.printf("%-60s %-20s %s%n", e.getKey(), Arrays.toString(e.getValue()), t);
                if (FLOATING.contains(t)) total += Torch.numel(e.getValue());
            }
            System.out.printf("%d tensors, %,d floating-point values%n", dtypes.size(), total);
            var config = ModelFile.config(c, file);
            if (config != null) System.out.println("configuration:\n" + Json.pretty(config));
            c.metadata().forEach((k, v) -> { if (!k.equals(ModelFile.CONFIG_KEY)) System.out.println(k + ": " + v); });
            return 0;
        }
    }
}
