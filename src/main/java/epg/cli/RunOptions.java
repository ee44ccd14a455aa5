// Spec §3–§5 run control: the options `epg pretrain` and `epg train` share for data, run directory and process.
package epg.cli;

import epg.config.ModelConfig;
import epg.data.DatasetRegistry;
import epg.train.DataSource;
import epg.train.RunControl;
import epg.train.RunDir;
import epg.train.Schedule;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * Data, resolution, run directory (new, or --resume), batch, warm-up, and the settings that steer the process rather
 * than the result.
 */
public final class RunOptions {
    @Option(names = "--data", defaultValue = DatasetRegistry.DEFAULT, description = "A dataset name (fashion-mnist: "
            + "padded to 32 px; fetched when absent) or a dataset folder (default ${DEFAULT-VALUE}).") String data;
    @Bounds(min = 1, max = 4096)
    @Option(names = "--resolution",
            description = "Training resolution (default: the named dataset's, 32 for fashion-mnist; a preset's).")
    Integer resolution;
    @Option(names = "--resume", paramLabel = "RUN", description = "Continue the run in RUN with the settings of its "
            + "config.json; only --steps and process options (--device, --threads, --log-every, ...) may be given.")
    Path resume;
    @Bounds(min = 0)
    @Option(names = "--warmup", description = "Warm-up steps (default min(10000, steps/60)).") Long warmup;
    @Option(names = "--out", paramLabel = "RUN",
            description = "Run directory (required unless --resume); an existing run there is resumed.") Path out;
    @Bounds(min = 1, max = 1 << 20)
    @Option(names = "--batch", defaultValue = "1024", description = "Global batch: images per optimiser step, summed "
            + "over all processes (default ${DEFAULT-VALUE}).")
    int batch;
    @Bounds(min = 1)
    @Option(names = "--stop-at",
            description = "Stop this invocation after this step (the schedules still span --steps).")
    Long stopAt;
    @Option(names = "--normalization", defaultValue = "imagenet",
            description = "RGB pixel normalisation: imagenet or simple (grey data: simple) (default ${DEFAULT-VALUE}).")
    String normalization;
    @Option(names = "--math-attention",
            description = "Explicit softmax(q k^T) v attention, never the fused kernel (default: the faster of the "
                    + "two, probed once per shape; EPG_ATTENTION=sdpa|explicit|matmul|auto overrides both).")
    boolean mathAttention;
    @Bounds
    @Option(names = "--seed", defaultValue = "0", description = "Seed (default ${DEFAULT-VALUE}).") long seed;
    @Bounds(min = 1)
    @Option(names = "--log-every", defaultValue = "10", description = "Steps per log line (default ${DEFAULT-VALUE}).")
    int logEvery;
    @Bounds(min = 1)
    @Option(names = "--checkpoint-every", defaultValue = "1000",
            description = "Steps per checkpoint (default ${DEFAULT-VALUE}).")
    int checkpointEvery;
    @Bounds(min = 0)
    @Option(names = "--keep", defaultValue = "2", description = "Checkpoints kept, 0 = all (default ${DEFAULT-VALUE}).")
    int keep;
    @Bounds(min = 1, max = 256)
    @Option(names = "--workers", defaultValue = "2", description = "Data-loading threads (default ${DEFAULT-VALUE}).")
    int workers;
    /** The preset shaped for the data (--resolution, else the named dataset's, else the preset's), attention chosen. */
    ModelConfig model(ModelConfig preset, int channels, int classes) {
        int res = resolution != null ? resolution : DatasetRegistry.trainingSize(data).orElse(preset.imageSize());
        return preset.withData(res, channels, classes).withFusedAttention(!mathAttention);
    }

    /** --data and --normalization. */
    DataSource source() { return new DataSource(data, normalization); }

    /** --batch, the given steps and --warmup (default: {@link Schedule#defaultWarmup}). */
    Schedule schedule(long steps) {
        return new Schedule(batch, steps, warmup != null ? warmup : Schedule.defaultWarmup(steps));
    }

    /** The run-control settings of these options on {@code device} with {@code threads}. */
    RunControl control(String device, int threads, int previewEvery) {
        return new RunControl(device, logEvery, checkpointEvery, keep, previewEvery, workers, threads);
    }

    /** The step this invocation stops at. */
    long stopAt(long steps) { return stopAt != null ? stopAt : steps; }
}
