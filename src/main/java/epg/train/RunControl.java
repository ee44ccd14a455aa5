// docs/architecture.md (run directory): the settings that steer the training process, not its result.
package epg.train;

import epg.config.Flattened;
import epg.tensor.Precision;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Exactly the settings a resumed run may change (a checkpoint trains on identically on another device, with other
 * threads or another logging cadence); {@link RunDir} compares everything else with the stored config.json.
 *
 * @param device          "cpu" (default) or "cuda[:i]"
 * @param logEvery        steps per log line (10)
 * @param checkpointEvery steps per checkpoint (1000)
 * @param keepCheckpoints checkpoint directories kept, newest first; 0 keeps all (2)
 * @param previewEvery    fine-tuning: steps per preview grid of the EMA model in previews/; 0 = only at the end (1000)
 * @param workers         data-loading threads (2)
 * @param threads         libtorch intra-op threads; 0 = EPG_THREADS or every core (0)
 */
public record RunControl(String device, int logEvery, int checkpointEvery, int keepCheckpoints, int previewEvery,
                         int workers, int threads) implements Flattened {
    public static final RunControl DEFAULTS = new RunControl("cpu", 10, 1000, 2, 1000, 2, 0);

    public RunControl {
        if (device == null || !(device.equals("cpu") || device.matches("cuda(:\\d+)?")))
            throw new IllegalArgumentException("device must be cpu, cuda or cuda:N, got '" + device + "'");
        if (logEvery <= 0 || checkpointEvery <= 0 || previewEvery < 0)
            throw new IllegalArgumentException("log/checkpoint intervals must be > 0, preview >= 0");
        if (keepCheckpoints < 0 || workers <= 0 || threads < 0)
            throw new IllegalArgumentException("keep >= 0, workers > 0, threads >= 0 required");
    }

    /** The names of these settings: the config.json keys a resumed run may change. */
    public static Set<String> keys() {
        return Arrays.stream(RunControl.class.getRecordComponents()).map(RecordComponent::getName)
                .collect(Collectors.toSet());
    }

    /** Refuses a precision this device cannot run (fp16 autocast with loss scaling is CUDA only). */
    public void check(Precision precision) {
        if (precision == Precision.FP16 && device.equals("cpu"))
            throw new IllegalArgumentException("fp16 needs --device cuda; on the CPU use bf16");
    }

    public RunControl withDevice(String device) {
        return new RunControl(device, logEvery, checkpointEvery, keepCheckpoints, previewEvery, workers, threads);
    }

    public RunControl withLogEvery(int logEvery) {
        return new RunControl(device, logEvery, checkpointEvery, keepCheckpoints, previewEvery, workers, threads);
    }

    public RunControl withCheckpointEvery(int checkpointEvery) {
        return new RunControl(device, logEvery, checkpointEvery, keepCheckpoints, previewEvery, workers, threads);
    }

    public RunControl withKeepCheckpoints(int keepCheckpoints) {
        return new RunControl(device, logEvery, checkpointEvery, keepCheckpoints, previewEvery, workers, threads);
    }

    public RunControl withPreviewEvery(int previewEvery) {
        return new RunControl(device, logEvery, checkpointEvery, keepCheckpoints, previewEvery, workers, threads);
    }

    public RunControl withWorkers(int workers) {
        return new RunControl(device, logEvery, checkpointEvery, keepCheckpoints, previewEvery, workers, threads);
    }

    public RunControl withThreads(int threads) {
        return new RunControl(device, logEvery, checkpointEvery, keepCheckpoints, previewEvery, workers, threads);
    }
}
