// Spec §3.1 and §8: the pre-training loader's batches per second (decode, two MoCo v3 views, clean image, batching).
package epg.bench;

import epg.data.Dataset;
import epg.data.Loader;

/**
 * A {@link Loader} in pre-training mode over a dataset; one unit of work is one batch. The PyTorch twin is the
 * "loader" case of scripts/bench/torch_suite.py (torchvision transforms in a DataLoader with as many workers).
 */
public final class LoaderRun implements Runnable, AutoCloseable {
    private final Loader loader;

    public LoaderRun(Dataset data, int batch, int resolution, int workers) {
        this.loader = new Loader(data, Loader.Config.of(batch, resolution, Loader.Mode.PRETRAIN, 0)
                .threads(workers, 2));
    }

    @Override
    public void run() { loader.next(); }

    @Override
    public void close() { loader.close(); }
}
