// docs/pretraining.md ("run directory"): what a training command warns about, on the console and in config.json.
package epg.cli;

import epg.dist.Distributed;
import epg.tensor.Blas;
import epg.tensor.Precision;
import epg.train.Invocation;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;
import java.util.Optional;

/** The warnings of one start of `epg train` or `epg pretrain`: one line each on stderr, and in the invocation. */
final class Warnings {
    private Warnings() {}

    /**
     * Prints each present warning, and the thread pools' ({@link Blas#spinWarning()}), once (rank 0) as
     * {@code warning: ...} and returns this command line's invocation record carrying them.
     */
    @SafeVarargs
    static Invocation invocation(CommandSpec spec, Distributed group, String device, String precision,
                                 Optional<String>... warnings) {
        List<String> present = java.util.stream.Stream.concat(java.util.Arrays.stream(warnings),
                java.util.stream.Stream.of(Blas.spinWarning())).flatMap(Optional::stream).toList();
        if (group.isMain()) present.forEach(w -> System.err.println("warning: " + w));
        return Invocation.of("epg", spec.commandLine().getParseResult().originalArgs(), device,
                Precision.parse(precision), group.worldSize()).withWarnings(present);
    }
}
