// docs/benchmarks.md: `epg bench model`, forward + backward + AdamW of a preset on CPU, Java against PyTorch.
package epg.cli;

import com.google.gson.JsonObject;
import epg.bench.MatmulPeak;
import epg.bench.RunContext;
import epg.bench.StepTimer;
import epg.bench.TorchReference;
import epg.bench.TrainStep;
import epg.config.Json;
import epg.config.ModelConfig;
import epg.config.ModelSize;
import epg.config.Presets;
import epg.tensor.Torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Times a training step (forward, backward, AdamW) against PyTorch.",
        footerHeading = "%nExample:%n", footer = "  epg bench model --preset EPG-T --batch 32 --bf16")
public final class BenchModelCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "EPG-T", description = "Model preset (default ${DEFAULT-VALUE}).")
    String preset;
    @Bounds(min = 1, max = 1 << 20)
    @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).") int batch;
    @Bounds(min = 1)
    @Option(names = "--steps", defaultValue = "10",
            description = "Measured steps per round (default ${DEFAULT-VALUE}).")
    int steps;
    @Bounds(min = 0)
    @Option(names = "--warmup", defaultValue = "3", description = "Unmeasured steps first (default ${DEFAULT-VALUE}).")
    int warmup;
    @Bounds(min = 1)
    @Option(names = "--rounds", defaultValue = "2",
            description = "Alternating Java/PyTorch rounds; the best median counts (default ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--bf16", description = "bf16 autocast in both stacks.") boolean bf16;
    @Option(names = "--math-attention", description = "Explicit attention, never the fused kernel "
            + "(EPG_ATTENTION overrides).")
    boolean mathAttention;
    @Option(names = "--no-torch", description = "Skip the PyTorch side.") boolean noTorch;
    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Python with torch (default ${DEFAULT-VALUE}).")
    String python;
    @Option(names = "--out", description = "Append the result as one JSON line to this file.") Path out;

    @Override
    public Integer call() throws Exception {
        ModelConfig c = Presets.get(preset).withFusedAttention(!mathAttention);
        int threads = Torch.threads();
        System.out.printf("%s, batch %d, %s, %d threads, %d+%d steps x %d rounds%n", c.name(), batch, bf16
                ? "bf16 autocast" : "fp32", threads, warmup, steps, rounds);
        TrainStep step = new TrainStep(c, batch, bf16, 0);
        double java = Double.MAX_VALUE, py = Double.MAX_VALUE;
        String torchVersion = "-";
        for (int r = 0; r < rounds; r++) {
            double ms = StepTimer.time(warmup, steps, step).medianMs();
            java = Math.min(java, ms);
            System.out.printf("  round %d  Java    %8.1f ms/step%n", r + 1, ms);
            if (noTorch) continue;
            JsonObject t = TorchReference.run(python, "scripts/bench/torch_step.py",
                    List.of(TorchReference.configJson(c),
                    "" + batch, "" + steps, "" + warmup, "" + threads, bf16 ? "bf16" : "fp32"), 3600);
            py = Math.min(py, t.get("median_ms").getAsDouble());
            torchVersion = t.get("torch").getAsString();
            System.out.printf("  round %d  PyTorch %8.1f ms/step (torch %s)%n", r + 1, t.get("median_ms").getAsDouble(),
                    torchVersion);
        }
        double flops = 3 * 2 * ModelSize.gflops(c) * batch; // forward + backward ≈ 3 forwards; a MAC is 2 flops
        double peak = MatmulPeak.gflops(2048, bf16 ? ScalarType.BFloat16 : ScalarType.Float);
        System.out.printf("Java     %8.1f ms/step  %8.1f img/s  %6.1f GFLOP/s (%.0f%% of "
                + "the %.0f GFLOP/s matmul peak)%n",
                java, batch * 1e3 / java, flops / java * 1e3, 100 * flops / java * 1e3 / peak, peak);
        if (!noTorch)
            System.out.printf("PyTorch  %8.1f ms/step  %8.1f img/s%nratio Java/PyTorch = %.2f "
                    + "(<= 1.00 means Java is at least as fast)%n",
                py, batch * 1e3 / py, java / py);
        if (out != null) {
            JsonObject o = new JsonObject();
            o.addProperty("bench", "model");
            o.addProperty("preset", c.name());
            o.addProperty("batch", batch);
            o.addProperty("dtype", bf16 ? "bf16" : "fp32");
            o.addProperty("threads", threads);
            o.addProperty("javaMs", java);
            if (!noTorch) {
                o.addProperty("torchMs", py);
                o.addProperty("ratio", java / py);
                o.addProperty("torch", torchVersion);
            }
            o.addProperty("matmulPeakGflops", peak);
            RunContext.current().addTo(o);
            Files.writeString(out, Json.compact(o) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        return 0;
    }
}
