// docs/view.md (playground): one sampling request on its way through the queue: state, progress, and its images.
package epg.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.List;

/**
 * Changed by the sampling thread, read by the request threads: every change bumps {@link #version()} and wakes those
 * waiting in {@link #awaitChange}. A job is cancelled when asked, when the stream that watches it closes (the page
 * went away), or when nobody has asked about it for the queue's lease.
 */
public final class SampleJob {
    public enum State {
        QUEUED, LOADING, SAMPLING, DONE, FAILED, CANCELLED;

        public boolean finished() { return this == DONE || this == FAILED || this == CANCELLED; }
    }

    /** What a finished job produced (PNG bytes as `epg sample` writes them). */
    public record Result(List<byte[]> images, int[] labels, byte[] grid, byte[] trajectory, double[] trajectorySigmas,
                         int trajectoryRows, double seconds, double loadSeconds, long nfePerImage) {}

    private final String id;
    private final SampleRequest request;
    private final java.nio.file.Path modelFile;
    private final String modelShown;
    private final List<String> classNames;
    private State state = State.QUEUED;
    private String message = "";
    private long version, lastSeen = System.nanoTime();
    private int imagesDone, calls, expectedCalls;
    private boolean watched, cancelRequested;
    private Result result;

    SampleJob(String id, SampleRequest request, java.nio.file.Path modelFile, String modelShown,
              List<String> classNames) {
        this.id = id;
        this.request = request;
        this.modelFile = modelFile;
        this.modelShown = modelShown;
        this.classNames = List.copyOf(classNames);
    }

    public String id() { return id; }

    public SampleRequest request() { return request; }

    java.nio.file.Path modelFile() { return modelFile; }

    public synchronized State state() { return state; }

    public synchronized Result result() { return result; }

    public synchronized long version() { return version; }

    synchronized void move(State s, String why) {
        if (state.finished()) return;
        state = s;
        message = why;
        changed();
    }

    synchronized void progress(int images, int callsSoFar, int expected) {
        imagesDone = images;
        calls = callsSoFar;
        expectedCalls = expected;
        changed();
    }

    synchronized void finish(Result r) {
        if (state.finished()) return;
        result = r;
        state = State.DONE;
        message = "";
        changed();
    }

    /** Asks the job to stop: at once when queued, at the next network call when running. */
    public synchronized void cancel(String why) {
        if (state.finished() || cancelRequested) return;
        cancelRequested = true;
        message = why;
        if (state == State.QUEUED) state = State.CANCELLED;
        changed();
    }

    synchronized boolean cancelRequested() { return cancelRequested; }

    /** A watcher asked (a poll) or is attached (a stream): the page is still there. */
    synchronized void seen() { lastSeen = System.nanoTime(); }

    /** Claims the job's event stream; false when another stream has it. */
    synchronized boolean watch() {
        if (watched) return false;
        watched = true;
        lastSeen = System.nanoTime();
        return true;
    }

    /** The stream that watched the job has ended (after the job finished, or with its cancellation). */
    synchronized void unwatch() {
        watched = false;
        lastSeen = System.nanoTime();
    }

    /** Whether nobody watches the job and nobody asked for {@code leaseNanos}. */
    synchronized boolean abandoned(long leaseNanos) {
        return !state.finished() && !watched && System.nanoTime() - lastSeen > leaseNanos;
    }

    /** Waits until the version differs from {@code seen} or {@code millis} pass; returns the version. */
    synchronized long awaitChange(long seen, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (version == seen) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) break;
            wait(left);
        }
        return version;
    }

    private void changed() {
        version++;
        notifyAll();
    }

    /** The job as the page sees it; {@code position} is its place in the queue (0: next or running). */
    public synchronized JsonObject toJson(int position) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("state", state.name().toLowerCase(java.util.Locale.ROOT));
        o.addProperty("message", message);
        o.addProperty("position", position);
        o.addProperty("images", request.seeds().length);
        o.addProperty("imagesDone", imagesDone);
        o.addProperty("calls", calls);
        o.addProperty("expectedCalls", expectedCalls);
        o.add("request", request.toJson());
        o.addProperty("modelName", modelShown);
        String out = "view-" + request.sampler().cliName() + "-" + id.substring(0, 6);
        o.addProperty("command", request.command(modelShown, out));
        o.addProperty("out", out);
        o.addProperty("threads", epg.tensor.Torch.threads());
        if (result != null) o.add("result", resultJson());
        return o;
    }

    private JsonObject resultJson() {
        String base = "/api/jobs/" + id;
        JsonObject r = new JsonObject();
        JsonArray images = new JsonArray();
        for (int k = 0; k < result.images().size(); k++) {
            JsonObject i = new JsonObject();
            long seed = request.seeds()[k];
            int label = result.labels()[k];
            i.addProperty("seed", seed);
            i.addProperty("label", label);
            i.addProperty("className", label < classNames.size() ? classNames.get(label) : "unconditional");
            i.addProperty("url", base + "/image/" + k + ".png");
            i.addProperty("file", epg.sample.SampleRun.fileName(seed));
            images.add(i);
        }
        r.add("images", images);
        r.addProperty("grid", base + "/grid.png");
        if (result.trajectory() != null) {
            JsonObject t = new JsonObject();
            t.addProperty("url", base + "/trajectory.png");
            JsonArray s = new JsonArray();
            for (double v : result.trajectorySigmas()) s.add(v);
            t.add("sigmas", s);
            t.addProperty("rows", result.trajectoryRows());
            r.add("trajectory", t);
        }
        r.addProperty("seconds", result.seconds());
        r.addProperty("secondsPerImage", result.seconds() / result.images().size());
        r.addProperty("loadSeconds", result.loadSeconds());
        r.addProperty("nfePerImage", result.nfePerImage());
        return r;
    }
}
