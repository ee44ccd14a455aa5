// Spec §3 "mixed precision" and docs/distributed.md: the device, precision and thread options of every compute command.
package epg.cli;

import epg.dist.Distributed;
import epg.tensor.AutoPrecision;
import epg.tensor.CpuFeatures;
import epg.tensor.Devices;
import epg.tensor.Precision;
import epg.tensor.PrecisionSupport;
import epg.tensor.Torch;
import picocli.CommandLine.Option;

import java.util.Optional;

/**
 * One option block for {@code sample}, {@code evaluate}, {@code denoise}, {@code train}, {@code pretrain} and
 * {@code demo}: where the networks run ({@code --device}), in which arithmetic ({@code --precision}) and on how many
 * libtorch threads ({@code --threads}). {@code --bf16} and {@code --fp16} remain as hidden aliases of
 * {@code --precision bf16|fp16}.
 */
public final class ComputeOptions {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEVICE",
            description = "Where the networks run: cpu, cuda or cuda:N (default ${DEFAULT-VALUE}); in a multi-process "
                    + "job cuda means cuda:LOCAL_RANK. The CUDA paths are written but untested on a GPU.")
    String device;
    @Option(names = "--precision", paramLabel = "P",
            description = "Arithmetic of the forward passes: fp32, bf16 (autocast, CPU or CUDA), fp16 (autocast, CUDA "
                    + "only) or auto (bf16 on CUDA or where a probe finds it faster on this CPU, else fp32) "
                    + "(default fp32; epg demo: auto).")
    String precision;
    @Option(names = "--strict-precision",
            description = "Refuse bf16 on a CPU without AVX512-BF16/AMX-BF16 (there it is no faster than fp32, or "
                    + "about 10x slower without AVX-512) instead of warning.")
    boolean strictPrecision;
    @Option(names = "--bf16", hidden = true, description = "Deprecated: --precision bf16.") boolean bf16;
    @Option(names = "--fp16", hidden = true, description = "Deprecated: --precision fp16.") boolean fp16;
    @Bounds(min = 0, max = 4096)
    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "libtorch threads of each process, 0 = EPG_THREADS or all cores (default ${DEFAULT-VALUE}).")
    int threads;
    private boolean announced;

    /** The precision asked for: --precision, else an alias, else {@code fallback} ("fp32", or "auto" for the demo). */
    Precision precision(String fallback) {
        int given = (precision != null ? 1 : 0) + (bf16 ? 1 : 0) + (fp16 ? 1 : 0);
        if (given > 1) throw new IllegalArgumentException("give one of --precision, --bf16 and --fp16");
        String name = precision != null ? precision : bf16 ? "bf16" : fp16 ? "fp16" : fallback;
        if (!name.equalsIgnoreCase("auto")) return Precision.parse(name);
        AutoPrecision.Decision d = AutoPrecision.decide(device);
        if (!announced) System.err.println("epg: --precision auto -> " + d.precision().id() + " (" + d.reason() + ")");
        announced = true;
        return d.precision();
    }

    /** The precision of a training or sampling command (default fp32). */
    Precision precision() { return precision("fp32"); }

    /** The device of this rank: "cuda" in a multi-process job means cuda:LOCAL_RANK. */
    String device(Distributed group) {
        return device.equals("cuda") && group.worldSize() > 1 ? "cuda:" + group.localRank() : device;
    }

    /**
     * Loads libtorch, applies --threads and checks that the device exists and runs the precision; returns the device
     * of this rank.
     */
    String init(Distributed group) {
        if (threads < 0) throw new IllegalArgumentException("--threads must be >= 0 (0 = all cores), got " + threads);
        Torch.init();
        if (threads > 0) Torch.setThreads(threads);
        String dev = device(group);
        Devices.check(dev);
        if (!Devices.isCuda(dev)) checkCpu(precision(), CpuFeatures.current(), strictPrecision)
                .ifPresent(w -> System.err.println("epg: warning: " + w));
        return dev;
    }

    /**
     * Refuses fp16 on the CPU, and bf16 on a CPU without native support under {@code strict}; returns the warning
     * for the latter otherwise (empty: nothing to say).
     */
    static Optional<String> checkCpu(Precision p, CpuFeatures cpu, boolean strict) {
        PrecisionSupport support = PrecisionSupport.of(p, cpu);
        if (p == Precision.FP16)
            throw new IllegalArgumentException("--precision fp16 needs --device cuda (its loss-scaled path is CUDA "
                    + "only" + (support.isNative() ? "" : "; this CPU has none of " + String.join(", ",
                    support.missing()) + " either") + "); on the CPU use --precision auto");
        if (support.isNative()) return Optional.empty();
        if (strict) throw new IllegalArgumentException(support.warning(cpu) + " (--strict-precision)");
        return Optional.of(support.warning(cpu));
    }

    /** {@link #init(Distributed)} for a single process. */
    String init() { return init(Distributed.single()); }
}
