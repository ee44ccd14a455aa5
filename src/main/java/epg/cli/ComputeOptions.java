// Spec §3 "mixed precision" and docs/distributed.md: the device, precision and thread options of every compute command.
package epg.cli;

import epg.dist.Distributed;
import epg.tensor.Devices;
import epg.tensor.Precision;
import epg.tensor.Torch;
import picocli.CommandLine.Option;

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
                    + "only) or auto (bf16 on CUDA or on a CPU with AVX512-BF16/AMX, else fp32) (default fp32; "
                    + "epg demo: auto).")
    String precision;
    @Option(names = "--bf16", hidden = true, description = "Deprecated: --precision bf16.") boolean bf16;
    @Option(names = "--fp16", hidden = true, description = "Deprecated: --precision fp16.") boolean fp16;
    @Bounds(min = 0, max = 4096)
    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "libtorch threads of each process, 0 = EPG_THREADS or all cores (default ${DEFAULT-VALUE}).")
    int threads;

    /** The precision asked for: --precision, else an alias, else {@code fallback} ("fp32", or "auto" for the demo). */
    Precision precision(String fallback) {
        int given = (precision != null ? 1 : 0) + (bf16 ? 1 : 0) + (fp16 ? 1 : 0);
        if (given > 1) throw new IllegalArgumentException("give one of --precision, --bf16 and --fp16");
        String name = precision != null ? precision : bf16 ? "bf16" : fp16 ? "fp16" : fallback;
        return name.equalsIgnoreCase("auto") ? Precision.auto(device) : Precision.parse(name);
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
        if (precision() == Precision.FP16 && !Devices.isCuda(dev))
            throw new IllegalArgumentException("--precision fp16 needs --device cuda; on the CPU use bf16");
        return dev;
    }

    /** {@link #init(Distributed)} for a single process. */
    String init() { return init(Distributed.single()); }
}
