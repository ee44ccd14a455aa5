// docs/view.md (playground): a bounded queue of sampling jobs, run one at a time, cancelled when their page goes.
package epg.view;

import epg.data.BatchTensors;
import epg.data.ByteImage;
import epg.data.Normalization;
import epg.sample.Guidance;
import epg.sample.GridSheet;
import epg.sample.ModelDenoiser;
import epg.sample.SampleRun;
import epg.tensor.Scope;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;

/**
 * One sampling thread (libtorch's own threads already use every core). At most {@code capacity} jobs wait or run;
 * another is refused with 429. Finished jobs are kept (their images
 * served) until {@link #KEPT_FINISHED} newer ones have finished. Job ids are random, so that no other page can guess
 * and cancel one.
 */
public final class SampleQueue implements AutoCloseable {
    public static final int KEPT_FINISHED = 16, TRAJECTORY_ROWS = 4;
    private final ModelCatalog catalog = new ModelCatalog();
    private final int capacity;
    private final long leaseNanos;
    private final ArrayDeque<SampleJob> waiting = new ArrayDeque<>();
    private final Map<String, SampleJob> jobs = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Thread worker;
    private SampleJob running;
    private boolean closed, held;

    /** {@code leaseMillis}: how long a job nobody watches or asks about stays alive. */
    public SampleQueue(int capacity, long leaseMillis) {
        if (capacity < 1) throw new IllegalArgumentException("the sampling queue needs room for at least 1 job");
        this.capacity = capacity;
        this.leaseNanos = leaseMillis * 1_000_000;
        worker = new Thread(this::work, "epg-view-sampler");
        worker.setDaemon(true);
        worker.start();
    }

    /** Queues a job; 429 when {@code capacity} jobs already wait or run. */
    public synchronized SampleJob submit(SampleRequest request, java.nio.file.Path model, String modelShown,
                                         List<String> classNames) {
        if (closed) throw new HttpError(503, "the server is shutting down");
        if (waiting.size() + (running == null ? 0 : 1) >= capacity)
            throw new HttpError(429, "the sampling queue is full (" + capacity + " requests); "
                    + "wait for one to finish or cancel one");
        byte[] id = new byte[8];
        random.nextBytes(id);
        SampleJob job = new SampleJob(HexFormat.of().formatHex(id), request, model, modelShown, classNames);
        jobs.put(job.id(), job);
        waiting.add(job);
        forgetOld();
        notifyAll();
        return job;
    }

    public synchronized SampleJob job(String id) {
        SampleJob j = jobs.get(id);
        if (j == null) throw HttpError.notFound("no sampling job '" + id + "' (finished jobs are kept for a while)");
        return j;
    }

    /** The job's place: 0 when running or next, k when k jobs are ahead of it; -1 when it is no longer queued. */
    public synchronized int position(SampleJob job) {
        if (job == running) return 0;
        int i = 0;
        for (SampleJob j : waiting) {
            if (j == job) return i + (running == null ? 0 : 1);
            i++;
        }
        return -1;
    }

    /** While held, no further job starts (the one running finishes): lets tests fill the queue deterministically. */
    synchronized void hold(boolean on) {
        held = on;
        notifyAll();
    }

    /** Jobs waiting or running. */
    public synchronized int pending() { return waiting.size() + (running == null ? 0 : 1); }

    private void forgetOld() {
        List<String> finished = new ArrayList<>();
        jobs.forEach((id, j) -> { if (j.state().finished()) finished.add(id); });
        for (int i = 0; i < finished.size() - KEPT_FINISHED; i++) jobs.remove(finished.get(i));
    }

    private void work() {
        while (true) {
            SampleJob job;
            synchronized (this) {
                while ((waiting.isEmpty() || held) && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) return;
                job = waiting.poll();
                running = job;
            }
            try {
                run(job);
            } finally {
                synchronized (this) {
                    running = null;
                    forgetOld();
                }
            }
        }
    }

    private boolean stop(SampleJob job) {
        if (job.abandoned(leaseNanos)) job.cancel("nobody is watching this job any more (the page was closed)");
        return job.cancelRequested();
    }

    private void run(SampleJob job) {
        if (stop(job)) {
            job.move(SampleJob.State.CANCELLED, "cancelled before it started");
            return;
        }
        try {
            job.move(SampleJob.State.LOADING, "loading the model");
            SampleRequest r = job.request();
            long t0 = System.nanoTime();
            ModelDenoiser model = catalog.load(job.modelFile(), r.sampler().parameterisation());
            double load = (System.nanoTime() - t0) / 1e9;
            job.move(SampleJob.State.SAMPLING, "sampling");
            job.finish(sample(job, model, load));
        } catch (CancellationException e) {
            job.move(SampleJob.State.CANCELLED, job.cancelRequested() ? "cancelled" : e.getMessage());
        } catch (HttpError e) {
            job.move(SampleJob.State.FAILED, e.getMessage());
        } catch (Exception | OutOfMemoryError | StackOverflowError e) {
            job.move(SampleJob.State.FAILED, ModelCatalog.oneLine(e));
        }
    }

    /** The images of `epg sample` with the request's flags: batches of {@link SampleRequest#BATCH}, one Guidance. */
    private SampleJob.Result sample(SampleJob job, ModelDenoiser model, double loadSeconds) {
        SampleRequest r = job.request();
        var c = model.model().config;
        Normalization norm = Normalization.parse(model.metadata().getOrDefault("normalization", "imagenet"))
                .forChannels(c.channels());
        SampleRun run = SampleRun.of(model, norm, r.options());
        int[] labels = r.labels(c.numClasses());
        Guidance guided = run.guidance();
        int expected = expectedCalls(r);
        long[] seeds = r.seeds();
        List<ByteImage> images = new ArrayList<>();
        Recorder first = null;
        GridSheet sheet = new GridSheet(run.classNames());
        long start = System.nanoTime();
        int batches = 0;
        for (int from = 0; from < seeds.length; from += SampleRequest.BATCH, batches++) {
            int to = Math.min(seeds.length, from + SampleRequest.BATCH), done = from;
            Recorder rec = new Recorder(guided, () -> stop(job), n -> job.progress(done, n, expected), norm,
                    from == 0 && expected > 1 ? TRAJECTORY_ROWS : 0);
            if (from == 0) first = rec;
            try (Scope s = Scope.open()) {
                images.addAll(BatchTensors.toImages(run.batch(Arrays.copyOfRange(seeds, from, to),
                        Arrays.copyOfRange(labels, from, to), rec), norm));
            }
            for (int k = from; k < to; k++) sheet.add(images.get(k), labels[k]);
            job.progress(to, 0, expected);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<byte[]> pngs = images.stream().map(Png::encode).toList();
        return trajectory(first, run.shift(), pngs, labels, Png.encode(sheet.image()), seconds, loadSeconds,
                guided.evaluations() / batches);
    }

    private static SampleJob.Result trajectory(Recorder rec, double shift, List<byte[]> pngs, int[] labels,
                                               byte[] grid, double seconds, double load, long nfe) {
        var kept = rec == null ? null : rec.predictions();
        if (kept == null || kept.size() < 2)
            return new SampleJob.Result(pngs, labels, grid, null, null, 0, seconds, load, nfe);
        List<Double> sigmas = new ArrayList<>(kept.keySet());
        List<List<ByteImage>> columns = new ArrayList<>();
        List<Double> shown = new ArrayList<>();
        for (int i : TrajectoryStrip.spread(sigmas.size(), TrajectoryStrip.MAX_COLUMNS)) {
            columns.add(kept.get(sigmas.get(i)));
            shown.add(sigmas.get(i) / shift);
        }
        byte[] strip = Png.encode(TrajectoryStrip.of(columns));
        return new SampleJob.Result(pngs, labels, grid, strip, shown.stream().mapToDouble(Double::doubleValue)
                .toArray(), columns.get(0).size(), seconds, load, nfe);
    }

    /** Network calls per batch, for the progress bar (guided calls are one call on a doubled batch). */
    static int expectedCalls(SampleRequest r) {
        int intervals = r.steps() - 1;
        return switch (r.sampler()) {
            case ONESTEP -> 1;
            case TWOSTEP -> 2;
            case HEUN, EDM_SDE -> 2 * intervals;
            default -> intervals;
        };
    }

    /** Cancels every job and stops the sampling thread (after its current network call). */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            jobs.values().forEach(j -> j.cancel("the server is shutting down"));
            notifyAll();
        }
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
