// The run directory's config.json (docs/pretraining.md): who ran this directory, with what, on which machine.
package epg.train;

import epg.config.BuildInfo;
import epg.tensor.Devices;
import epg.tensor.Precision;
import epg.tensor.Torch;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * One entry of config.json's "invocations" list (one per start or resume). Not a setting: a resumed run may differ
 * in every field.
 *
 * @param commandLine the arguments as given, shell-quoted where needed ("epg train --task diffusion ...")
 * @param version     the project version that ran
 * @param commit      its git commit ({@link BuildInfo}; "-dirty": built from uncommitted changes)
 * @param started     ISO-8601 instant, UTC
 * @param java        the Java runtime's version
 * @param device      the device of rank 0 (cpu, cuda:0)
 * @param hardware    the CPU model and core count, or the GPU's name
 * @param precision   the arithmetic actually used: fp32, bf16 or fp16
 * @param threads     libtorch's intra-op threads per process
 * @param processes   data-parallel processes (world size)
 * @param warnings    what this invocation warned about at its start (an EMA longer than the run); null: nothing
 */
public record Invocation(String commandLine, String version, String commit, String started, String java,
                         String device, String hardware, String precision, int threads, int processes,
                         List<String> warnings) {
    public Invocation {
        warnings = warnings == null || warnings.isEmpty() ? null : List.copyOf(warnings);
    }

    /** The invocation of {@code args} in this process on {@code device}. */
    public static Invocation of(String program, List<String> args, String device, Precision precision, int processes) {
        BuildInfo b = BuildInfo.current();
        return new Invocation(commandLine(program, args), b.version(), b.commit(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), System.getProperty("java.version"),
                device, Devices.describe(device), precision.id(), Torch.threads(), processes, null);
    }

    /** This invocation with {@code list} as its warnings (none when empty). */
    public Invocation withWarnings(List<String> list) {
        return new Invocation(commandLine, version, commit, started, java, device, hardware, precision, threads,
                processes, list);
    }

    /** {@code program args…}, each argument quoted for a POSIX shell when it holds anything but safe characters. */
    static String commandLine(String program, List<String> args) {
        StringBuilder b = new StringBuilder(program);
        for (String a : args)
            b.append(' ').append(a.matches("[A-Za-z0-9_./:=,+@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        return b.toString();
    }
}
