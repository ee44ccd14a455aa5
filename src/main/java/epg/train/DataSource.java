// Spec §3–§5 (data): the training images of a run and their pixel normalisation.
package epg.train;

import epg.config.Flattened;
import epg.data.Loader;
import epg.data.Normalization;

/**
 * @param data          a dataset name of {@link epg.data.DatasetRegistry} (e.g. "fashion-mnist") or a dataset folder
 * @param normalization pixel normalisation for RGB data: "imagenet" (released) or "simple"; grey data uses "simple"
 */
public record DataSource(String data, String normalization) implements Flattened {
    public DataSource {
        if (data == null || data.isBlank())
            throw new IllegalArgumentException("data must be one of " + epg.data.DatasetRegistry.names()
                    + " or a dataset folder");
        Normalization.parse(normalization);
    }

    /** The loader of a stage: its batch, resolution, mode, seed of the data order and loading threads. */
    public Loader.Config loader(Schedule schedule, int imageSize, Loader.Mode mode, long seed, RunControl run) {
        return Loader.Config.of(schedule.batch(), imageSize, mode, seed)
                .normalization(Normalization.parse(normalization)).threads(run.workers(), 2);
    }
}
