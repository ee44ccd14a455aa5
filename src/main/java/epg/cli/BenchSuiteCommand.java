// docs/benchmarks.md: `epg bench suite`, training steps, sampling and memory, Java against PyTorch in one run.
package epg.cli;

import epg.bench.BenchSuite;
import epg.bench.TorchReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "suite", mixinStandardHelpOptions = true,
        description = {"Times training steps (stage 1 RCM, stage 2a diffusion, stage 2b consistency) at 32 px and "
                + "256 px in "
                + "fp32 and bf16, sampling (Heun 32, CFG 2.5), "
                + "peak resident memory and GFLOP/s against the measured matmul peak; "
                + "every case also in PyTorch (same threads) "
                + "in this run, printed as ratios. Threads: EPG_THREADS or every core.",
                "Full run: several minutes on 2 cores and about 8 GB of memory (the B/16 "
                        + "cases); --quick: the 32 px cases only."},
        footerHeading = "%nExample:%n", footer = "  epg bench suite --quick")
public final class BenchSuiteCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--quick", description = "Only the 32 px cases with fewer steps (about a minute).") boolean quick;
    @Option(names = "--only",
            description = "Only the cases whose 'case preset dtype' contains this text, e.g. "
                    + "'diffusion-step EPG-T fp32'.")
    String only;
    @Option(names = "--no-torch", description = "Skip the PyTorch side.") boolean noTorch;
    @Option(names = "--python", defaultValue = "/usr/bin/python3",
            description = "Python with torch (default ${DEFAULT-VALUE}).")
    String python;
    @Option(names = "--out",
            description = "Append one JSON line per case to this file (default: "
                    + "bench/results.jsonl in the repository).")
    Path out;
    @Option(names = "--math-attention",
            description = "Java side: matmul-softmax-matmul attention instead of the fused "
                    + "kernel (as the PyTorch side).")
    boolean mathAttention;
    @Option(names = "--no-record", description = "Do not append the results to a file.") boolean noRecord;
    @Bounds(min = 1, max = 100)
    @Option(names = "--rounds", defaultValue = "1",
            description = "Run each case's Java and PyTorch sides alternately this many times and keep each side's "
                    + "best median (default ${DEFAULT-VALUE}; 3 for ratios on a shared or noisy host).")
    int rounds;

    @Override
    public Integer call() throws Exception {
        Path file = noRecord ? null : out != null ? out : TorchReference.home().resolve("bench/results.jsonl");
        String command = "epg bench suite" + (spec.commandLine().getParseResult().originalArgs().isEmpty() ? ""
                : " " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
        new BenchSuite(new BenchSuite.Options(quick, only, !noTorch, python, file, command, mathAttention,
                rounds), System.out)
                .run();
        if (file != null) System.out.println("appended to " + file);
        return 0;
    }
}
