// Spec §3–§5 run control: `epg train|pretrain --resume RUN`, which takes every setting from RUN/config.json.
package epg.cli;

import epg.config.Json;
import epg.train.RunControl;
import epg.train.RunDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A resumed run keeps its settings; only the options that steer the process (device, threads, intervals, workers,
 * processes) and --steps (which extends or shortens the schedules) may be given with --resume.
 */
final class Resumption {
    /** Options allowed beside --resume. */
    private static final Set<String> ALLOWED = Set.of("--resume", "--steps", "--stop-at", "--device", "--threads",
            "--log-every", "--checkpoint-every", "--keep", "--workers", "--preview-every", "--nproc", "--offline");

    private Resumption() {}

    /**
     * With --resume RUN: RUN/config.json as {@code type}, every setting option beside it refused; without: null,
     * after checking that the options a new run needs ({@code required}, name → value) are all given.
     */
    static <T> T storedOrNew(CommandSpec spec, Path resume, Class<T> type, Map<String, Object> required)
            throws IOException {
        if (resume == null) {
            requireForNewRun(spec, required);
            return null;
        }
        checkOptions(spec);
        return config(resume, type);
    }

    /** RUN/config.json as {@code type}; an error names what is missing. */
    static <T> T config(Path run, Class<T> type) throws IOException {
        Path f = run.resolve(RunDir.CONFIG);
        if (!Files.isRegularFile(f))
            throw new IllegalArgumentException("--resume " + run + ": no " + RunDir.CONFIG + " there; give the run "
                    + "directory of an earlier `epg train` or `epg pretrain`");
        return Json.parse(Files.readString(f), type, f.toString());
    }

    /** Refuses setting options beside --resume, naming them. */
    static void checkOptions(CommandSpec spec) {
        List<String> settings = new ArrayList<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions())
            if (!ALLOWED.contains(o.longestName())) settings.add(o.longestName());
        if (!settings.isEmpty())
            throw new IllegalArgumentException("--resume takes every setting from the run's config.json; leave out "
                    + String.join(", ", settings) + " (only --steps, --stop-at and process options such as --device, "
                    + "--threads, --log-every may be given), or start a new run with --out");
    }

    /** The stored run control with every process option given on this command line applied. */
    static RunControl control(CommandSpec spec, RunControl stored, RunOptions run, String device, int threads,
                              Integer previewEvery) {
        ParseResult p = spec.commandLine().getParseResult();
        RunControl c = stored.withDevice(device);
        if (p.hasMatchedOption("--threads")) c = c.withThreads(threads);
        if (p.hasMatchedOption("--log-every")) c = c.withLogEvery(run.logEvery);
        if (p.hasMatchedOption("--checkpoint-every")) c = c.withCheckpointEvery(run.checkpointEvery);
        if (p.hasMatchedOption("--keep")) c = c.withKeepCheckpoints(run.keep);
        if (p.hasMatchedOption("--workers")) c = c.withWorkers(run.workers);
        if (previewEvery != null && p.hasMatchedOption("--preview-every")) c = c.withPreviewEvery(previewEvery);
        return c;
    }

    /** The settings --resume lets differ from config.json: "steps" when --steps was given; none without --resume. */
    static Set<String> mayChange(CommandSpec spec) {
        ParseResult p = spec.commandLine().getParseResult();
        return p.hasMatchedOption("--resume") && p.hasMatchedOption("--steps") ? Set.of("steps") : Set.of();
    }

    /** The option required unless --resume is given (checked by {@link #requireForNewRun} first). */
    static <T> T required(T value, String option, String what) {
        if (value == null)
            throw new IllegalArgumentException("missing " + option + " (" + what + "); to continue a run, give "
                    + "--resume RUN instead");
        return value;
    }

    /**
     * Without --resume, the options a new run needs, in {@code required} (name → value), must all be given: a usage
     * error naming every missing one, as picocli reports a required option.
     */
    static void requireForNewRun(CommandSpec spec, Map<String, Object> required) {
        List<String> missing = new ArrayList<>();
        required.forEach((name, value) -> { if (value == null) missing.add("'" + name + "'"); });
        if (missing.isEmpty()) return;
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option"
                + (missing.size() > 1 ? "s: " : ": ") + String.join(", ", missing) + " (or --resume RUN to continue "
                + "a run)");
    }
}
