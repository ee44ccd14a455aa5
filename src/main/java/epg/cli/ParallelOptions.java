// docs/distributed.md: the options every training command shares for precision, device and data parallelism.
package epg.cli;

import epg.dist.Distributed;
import epg.dist.Launcher;
import epg.dist.Rendezvous;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * --bf16/--fp16, --device and --nproc. {@link #run} either starts N JVMs of this same command line (without --nproc)
 * or joins the job the environment describes (torchrun, SLURM, or a single process) and trains in it.
 */
public final class ParallelOptions {
    @Option(names = "--bf16", description = "bf16 autocast for the forward passes (CPU or CUDA).") boolean bf16;
    @Option(names = "--fp16", description = "fp16 autocast with dynamic loss scaling (CUDA only).") boolean fp16;
    @Option(names = "--device", defaultValue = "cpu",
            description = "cpu, cuda or cuda:N (default ${DEFAULT-VALUE}); under a "
                    + "multi-process job cuda means cuda:LOCAL_RANK.")
    String device;
    @Bounds(min = 1, max = 256)
    @Option(names = "--nproc", defaultValue = "1",
            description = "Data-parallel processes to start on this machine, each "
                    + "with batch/N (default ${DEFAULT-VALUE}).")
    int nproc;

    /** What a rank runs once its group is joined. */
    @FunctionalInterface
    public interface Body {
        int train(Distributed group) throws Exception;
    }

    /** "fp32", "bf16" or "fp16". */
    public String precision() { return fp16 ? "fp16" : bf16 ? "bf16" : "fp32"; }

    /** The device of this rank: "cuda" in a multi-process job means cuda:LOCAL_RANK. */
    public String device(Distributed group) {
        return device.equals("cuda") && group.worldSize() > 1 ? "cuda:" + group.localRank() : device;
    }

    int run(CommandSpec spec, int batch, Body body) throws Exception {
        if (bf16 && fp16) throw new IllegalArgumentException("--bf16 and --fp16 exclude each other");
        if (nproc < 1) throw new IllegalArgumentException("--nproc must be >= 1, got " + nproc);
        if (nproc > 1) {
            if (System.getenv("WORLD_SIZE") != null)
                throw new IllegalArgumentException("--nproc starts its own processes; under "
                        + "torchrun or SLURM leave it out");
            if (batch % nproc != 0)
                throw new IllegalArgumentException("--batch " + batch + " does not split over --nproc " + nproc
                        + "; pass a multiple of " + nproc);
            return Launcher.run(nproc, Rendezvous.fromEnvironment().timeoutSeconds(), Main.class.getName(),
                    withoutNproc(spec.commandLine().getParseResult().originalArgs()));
        }
        try (Distributed group = Distributed.fromEnvironment()) {
            return body.train(group);
        }
    }

    /** The command line of a rank: this one without --nproc. */
    public static List<String> withoutNproc(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--nproc")) i++;
            else if (!args.get(i).startsWith("--nproc=")) out.add(args.get(i));
        }
        return out;
    }
}
