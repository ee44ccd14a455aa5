// docs/distributed.md: the --nproc option of the commands that split their work over processes (train, sample).
package epg.cli;

import epg.dist.Distributed;
import epg.dist.Launcher;
import epg.dist.Rendezvous;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * --nproc. {@link #run} either starts N JVMs of this same command line (without --nproc) or joins the job the
 * environment describes (torchrun, SLURM, or a single process) and works in it.
 */
public final class ParallelOptions {
    @Bounds(min = 1, max = 256)
    @Option(names = "--nproc", defaultValue = "1", paramLabel = "N",
            description = "Processes to start on this machine, each doing 1/N of the work (default ${DEFAULT-VALUE}); "
                    + "torchrun and SLURM variables also work (docs/distributed.md).")
    int nproc;

    /** What a rank runs once its group is joined. */
    @FunctionalInterface
    public interface Body {
        int run(Distributed group) throws Exception;
    }

    /** Starts the ranks, or runs {@code body} in the environment's group; {@code split} must divide by --nproc. */
    int run(CommandSpec spec, int split, String splitName, Body body) throws Exception {
        if (nproc < 1) throw new IllegalArgumentException("--nproc must be >= 1, got " + nproc);
        if (nproc > 1) {
            if (System.getenv("WORLD_SIZE") != null)
                throw new IllegalArgumentException("--nproc starts its own processes; under "
                        + "torchrun or SLURM leave it out");
            if (split % nproc != 0)
                throw new IllegalArgumentException(splitName + " " + split + " does not split over --nproc " + nproc
                        + "; pass a multiple of " + nproc);
            return Launcher.run(nproc, Rendezvous.fromEnvironment().timeoutSeconds(), Main.class.getName(),
                    withoutNproc(spec.commandLine().getParseResult().originalArgs()));
        }
        try (Distributed group = Distributed.fromEnvironment()) {
            return body.run(group);
        }
    }

    /** {@link #run(CommandSpec, int, String, Body)} for work that splits any way (sampling). */
    int run(CommandSpec spec, Body body) throws Exception { return run(spec, nproc, "", body); }

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
