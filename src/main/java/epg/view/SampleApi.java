// docs/view.md (playground): the model list, sampling requests, and each job's status, events, and images.
package epg.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * GET /api/models; POST /api/sample (JSON, 202 with the job); under /api/jobs/ID: GET (status, also keeps the job
 * alive), GET events (a server-sent event stream; closing it cancels the job), POST cancel, GET grid.png,
 * trajectory.png and image/K.png.
 */
public final class SampleApi {
    /** A stream that has had nothing to say for this long writes a comment (and so notices a closed page). */
    public static final long HEARTBEAT_MILLIS = 250;
    private final RootDirs roots;
    private final SampleQueue queue;

    public SampleApi(RootDirs roots, SampleQueue queue) {
        this.roots = roots;
        this.queue = queue;
    }

    public void models(HttpExchange ex) throws IOException {
        Http.method(ex, "GET");
        JsonArray models = ModelCatalog.all(roots, RunIndex.scan(roots));
        for (RootDirs.Root r : roots.all()) {
            for (var m : ModelCatalog.modelsIn(r, r.real()))
                if (!models.contains(m)) models.add(m);
        }
        JsonObject o = new JsonObject();
        o.add("models", models);
        JsonArray samplers = new JsonArray();
        for (var s : epg.sample.Samplers.values()) {
            JsonObject j = new JsonObject();
            j.addProperty("name", s.cliName());
            j.addProperty("parameterisation", s.parameterisation().name().toLowerCase(java.util.Locale.ROOT));
            j.addProperty("walksGrid", s.walksGrid());
            samplers.add(j);
        }
        o.add("samplers", samplers);
        JsonObject limits = new JsonObject();
        limits.addProperty("images", SampleRequest.MAX_IMAGES);
        limits.addProperty("steps", SampleRequest.MAX_STEPS);
        limits.addProperty("cfg", SampleRequest.MAX_CFG);
        o.add("limits", limits);
        Http.json(ex, 200, o);
    }

    public void sample(HttpExchange ex) throws IOException {
        Http.method(ex, "POST");
        SampleRequest r = SampleRequest.parse(Http.jsonBody(ex));
        RootDirs.Root root = roots.root(Integer.toString(r.root()));
        Path file = roots.resolve(Integer.toString(r.root()), r.model());
        if (!Files.isRegularFile(file) || !file.getFileName().toString().endsWith(".safetensors"))
            throw HttpError.badRequest("'" + r.model() + "' is not a model file (.safetensors)");
        JsonObject info = ModelCatalog.describe(root, file);
        if (info == null) throw HttpError.badRequest("'" + r.model() + "' holds no EPG model");
        if (info.has("problem"))
            throw new HttpError(409, "'" + r.model() + "' cannot be used now: " + info.get("problem").getAsString());
        r.labels(info.get("numClasses").getAsInt());
        List<String> names = new ArrayList<>();
        info.getAsJsonArray("classNames").forEach(n -> names.add(n.getAsString()));
        SampleJob job = queue.submit(r, file, RootDirs.shown(root, r.model()), names);
        ex.getResponseHeaders().set("Location", "/api/jobs/" + job.id());
        Http.json(ex, 202, job.toJson(queue.position(job)));
    }

    /** Everything under /api/jobs/. */
    public void jobs(HttpExchange ex) throws IOException, InterruptedException {
        String[] parts = ex.getRequestURI().getRawPath().substring("/api/jobs/".length()).split("/", -1);
        SampleJob job = queue.job(parts[0]);
        String what = parts.length == 1 ? "" : String.join("/", java.util.Arrays.copyOfRange(parts, 1, parts.length));
        switch (what) {
            case "" -> {
                Http.method(ex, "GET");
                job.seen();
                Http.json(ex, 200, job.toJson(queue.position(job)));
            }
            case "events" -> events(ex, job);
            case "cancel" -> {
                Http.method(ex, "POST");
                job.cancel("cancelled by the page");
                Http.json(ex, 200, job.toJson(queue.position(job)));
            }
            case "grid.png" -> png(ex, finished(job).grid(), "grid");
            case "trajectory.png" -> png(ex, finished(job).trajectory(), "trajectory");
            default -> image(ex, job, what);
        }
    }

    private void image(HttpExchange ex, SampleJob job, String what) throws IOException {
        if (!what.matches("image/\\d{1,3}\\.png")) throw HttpError.notFound("no such job resource '" + what + "'");
        int k = Integer.parseInt(what.substring(6, what.length() - 4));
        List<byte[]> images = finished(job).images();
        if (k >= images.size()) throw HttpError.notFound("job " + job.id() + " has " + images.size() + " images");
        png(ex, images.get(k), "image " + k);
    }

    private static SampleJob.Result finished(SampleJob job) {
        SampleJob.Result r = job.result();
        if (r == null) throw new HttpError(409, "job " + job.id() + " has no images (" + job.state() + ")");
        return r;
    }

    private static void png(HttpExchange ex, byte[] bytes, String what) throws IOException {
        Http.method(ex, "GET");
        if (bytes == null) throw HttpError.notFound("this job has no " + what + " (one-step sampling has none)");
        Http.send(ex, 200, "image/png", bytes);
    }

    /** A text/event-stream of the job's status until it finishes; a write that fails cancels the job. */
    private void events(HttpExchange ex, SampleJob job) throws IOException, InterruptedException {
        Http.method(ex, "GET");
        if (!job.watch()) throw new HttpError(409, "job " + job.id() + " is already watched by another stream");
        long seen = -1;
        try {
            Http.headers(ex, "text/event-stream; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            while (true) {
                long now = job.awaitChange(seen, HEARTBEAT_MILLIS);
                if (now == seen) {
                    write(out, ": waiting\n\n");
                    continue;
                }
                seen = now;
                write(out, "event: status\ndata: " + job.toJson(queue.position(job)) + "\n\n");
                if (job.state().finished()) break;
            }
            out.close();
        } catch (IOException e) {
            job.cancel("the page was closed");
            throw e;
        } finally {
            job.unwatch();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
