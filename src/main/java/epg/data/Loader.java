// Spec §3 and §4: the training data stream: per-epoch shuffle, sharding, drop-last, background batches, resumable.
package epg.data;

import epg.tensor.Natives;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Endless batches of {@link Batch}: epoch e visits the permutation of (seed, e) in global batches of w·B entries
 * (the last partial one dropped); rank r of w takes block r (entries r·B … r·B+B−1) of each global batch, so the
 * global batch, and its order, is the same for every w (w processes of B see what one process of w·B sees).
 * Up to {@code prefetch} batches are built ahead (the bounded queue), each split into chunks of
 * samples over {@code workers} threads; the output does not depend on their number or timing,
 * because every random draw is keyed by (seed, epoch, dataset index, view).
 */
public final class Loader implements AutoCloseable {
    /** What a batch holds: two augmented views and the clean image (pre-training), or the image and its label. */
    public enum Mode { PRETRAIN, FINETUNE }

    /** Where the stream stands: the next batch to be returned is batch {@code batch} of epoch {@code epoch}. */
    public record Position(int epoch, int batch) {}

    /** The loader's settings: batch, resolution, mode, normalisation, seed, this rank's shard, workers, prefetch. */
    public record Config(int batchSize, int resolution, Mode mode, Normalization normalization, long seed,
                         int rank, int worldSize, int workers, int prefetch) {
        public Config {
            if (batchSize <= 0 || resolution <= 0)
                throw new IllegalArgumentException("batch size and resolution must be positive");
            if (worldSize <= 0 || rank < 0 || rank >= worldSize)
                throw new IllegalArgumentException("rank " + rank + " outside world of " + worldSize);
            if (workers <= 0 || prefetch <= 0)
                throw new IllegalArgumentException("workers and prefetch must be positive");
        }

        public static Config of(int batchSize, int resolution, Mode mode, long seed) {
            return new Config(batchSize, resolution, mode, Normalization.IMAGENET, seed, 0, 1,
                    Runtime.getRuntime().availableProcessors(), 2);
        }

        public Config shard(int rank, int worldSize) {
            return new Config(batchSize, resolution, mode, normalization, seed, rank, worldSize, workers, prefetch);
        }

        /** This configuration's batch size taken as the global batch, split evenly: rank {@code rank}'s share of it. */
        public Config split(int rank, int worldSize) {
            if (batchSize % worldSize != 0)
                throw new IllegalArgumentException("the global batch of " + batchSize + " does not split evenly over "
                        + worldSize + " processes; pass a multiple of " + worldSize);
            return new Config(batchSize / worldSize, resolution, mode, normalization, seed, rank, worldSize, workers,
                    prefetch);
        }

        public Config threads(int workers, int prefetch) {
            return new Config(batchSize, resolution, mode, normalization, seed, rank, worldSize, workers, prefetch);
        }

        public Config normalization(Normalization n) {
            return new Config(batchSize, resolution, mode, n, seed, rank, worldSize, workers, prefetch);
        }
    }

    private final Dataset data;
    private final Config cfg;
    private final Normalization norm;
    private final int perRank, batchesPerEpoch;
    private final ExecutorService pool;
    private final ArrayDeque<Future<Batch>> pending = new ArrayDeque<>();
    private Position next, nextSubmitted;
    private int[] permutation;
    private int permutationEpoch = -1;

    public Loader(Dataset data, Config cfg, Position start) {
        this.data = data;
        this.cfg = cfg;
        this.norm = cfg.normalization.forChannels(data.channels());
        this.perRank = data.size() / cfg.worldSize;
        this.batchesPerEpoch = perRank / cfg.batchSize;
        if (batchesPerEpoch == 0)
            throw new IllegalArgumentException(data.size() + " samples give no full batch of " + cfg.batchSize
                    + " on each of " + cfg.worldSize + " ranks");
        if (start.batch < 0 || start.batch >= batchesPerEpoch || start.epoch < 0)
            throw new IllegalArgumentException("bad start position " + start);
        this.next = this.nextSubmitted = start;
        Natives.load(); // here, so that no epg-data thread is the first to reach a native class
        this.pool = Executors.newFixedThreadPool(cfg.workers, r -> {
            Thread t = new Thread(r, "epg-data");
            t.setDaemon(true);
            return t;
        });
    }

    public Loader(Dataset data, Config cfg) { this(data, cfg, new Position(0, 0)); }

    public int batchesPerEpoch() { return batchesPerEpoch; }

    /** The position of the batch the next {@link #next()} returns: save it to resume. */
    public Position position() { return next; }

    public Normalization normalization() { return norm; }

    /** Blocks until the next batch is ready. */
    public Batch next() {
        fill();
        try {
            Batch b = pending.poll().get();
            next = advance(next);
            fill();
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private void fill() {
        while (pending.size() < cfg.prefetch) {
            Position p = nextSubmitted;
            int[] indices = indices(p);
            pending.add(build(p, indices));
            nextSubmitted = advance(p);
        }
    }

    private Position advance(Position p) {
        return p.batch + 1 < batchesPerEpoch ? new Position(p.epoch, p.batch + 1) : new Position(p.epoch + 1, 0);
    }

    /** Dataset indices of batch p on this rank. */
    int[] indices(Position p) {
        if (permutationEpoch != p.epoch) {
            permutation = permutation(data.size(), Seeds.key(cfg.seed, p.epoch));
            permutationEpoch = p.epoch;
        }
        int[] out = new int[cfg.batchSize];
        long first = ((long) p.batch * cfg.worldSize + cfg.rank) * cfg.batchSize;
        for (int k = 0; k < out.length; k++) out[k] = permutation[(int) (first + k)];
        return out;
    }

    /** Fisher-Yates shuffle of 0..n-1. */
    static int[] permutation(int n, long key) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(key);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) { int j = r.nextInt(i + 1), t = p[i]; p[i] = p[j]; p[j] = t; }
        return p;
    }

    /** Submits the batch's samples in chunks; the batch is complete when every chunk is. */
    private Future<Batch> build(Position p, int[] indices) {
        int b = indices.length, len = data.channels() * cfg.resolution * cfg.resolution;
        boolean pre = cfg.mode == Mode.PRETRAIN;
        Batch batch = new Batch(p, b, data.channels(), cfg.resolution, new int[b], indices, new float[b * len],
                pre ? new float[b * len] : null, pre ? new float[b * len] : null);
        int chunks = Math.min(b, 2 * cfg.workers);
        CompletableFuture<?>[] parts = new CompletableFuture<?>[chunks];
        for (int i = 0; i < chunks; i++) {
            int from = i * b / chunks, to = (i + 1) * b / chunks;
            parts[i] = CompletableFuture.runAsync(() -> { for (int k = from; k < to; k++) fill(batch, k); }, pool);
        }
        return CompletableFuture.allOf(parts).thenApply(v -> batch);
    }

    /** Sample k of the batch: label, clean image (centre crop, flip p 0.5) and, for pre-training, the two views. */
    private void fill(Batch batch, int k) {
        int idx = batch.indices()[k], res = cfg.resolution, len = batch.sampleLength(),
                epoch = batch.position().epoch();
        batch.labels()[k] = data.label(idx);
        ByteImage base = CenterCrop.adm(data.image(idx), res);
        boolean flip = Seeds.rng(cfg.seed, epoch, idx, 0).nextDouble() < MocoView.FLIP_P;
        norm.normalize(flip ? base.flip() : base, batch.clean(), k * len);
        if (batch.view1() == null) return;
        for (int view = 1; view <= 2; view++) {
            MocoView v = MocoView.sample(Seeds.rng(cfg.seed, epoch, idx, view), view, base.width(), base.height());
            norm.normalize(v.apply(base, res), view == 1 ? batch.view1() : batch.view2(), k * len);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        pending.clear();
    }
}
