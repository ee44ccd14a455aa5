// docs/view.md (runs): the run list, one run's details, its log past an offset, and the files of the served folders.
package epg.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** GET /api/runs, GET /api/run, GET /api/log and GET /files/ROOT/PATH; every path goes through {@link RootDirs}. */
public final class RunsApi {
    /** The largest file served (logs, images, reports; model files are not served at all). */
    public static final long MAX_FILE = 64L * 1024 * 1024;
    private static final Map<String, String> TYPES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg",
            "image/jpeg", "json", "application/json; charset=utf-8", "jsonl", "text/plain; charset=utf-8", "txt",
            "text/plain; charset=utf-8", "csv", "text/plain; charset=utf-8", "html", "text/html; charset=utf-8");
    private final RootDirs roots;

    public RunsApi(RootDirs roots) { this.roots = roots; }

    public void runs(HttpExchange ex, SampleQueue queue, int capacity) throws IOException {
        Http.method(ex, "GET");
        JsonObject o = new JsonObject();
        JsonArray rs = new JsonArray();
        for (RootDirs.Root r : roots.all()) {
            JsonObject j = new JsonObject();
            j.addProperty("index", r.index());
            j.addProperty("name", r.name());
            rs.add(j);
        }
        o.add("roots", rs);
        o.add("runs", new com.google.gson.Gson().toJsonTree(RunIndex.scan(roots)));
        JsonObject q = new JsonObject();
        q.addProperty("pending", queue.pending());
        q.addProperty("capacity", capacity);
        o.add("queue", q);
        o.addProperty("now", System.currentTimeMillis());
        Http.json(ex, 200, o);
    }

    public void run(HttpExchange ex) throws IOException {
        Http.method(ex, "GET");
        Map<String, String> q = Http.query(ex);
        Path dir = roots.resolve(Http.param(q, "root"), Http.param(q, "path"));
        if (!Files.isDirectory(dir)) throw HttpError.badRequest("'" + q.get("path") + "' is not a folder");
        Http.json(ex, 200, RunDetails.of(roots.root(q.get("root")), dir));
    }

    /**
     * {@code ?root&path} (the run) {@code &from} (byte offset) {@code &line} (its line number) {@code &version} (of
     * the file read before).
     */
    public void log(HttpExchange ex) throws IOException {
        Http.method(ex, "GET");
        Map<String, String> q = Http.query(ex);
        Path dir = roots.resolve(Http.param(q, "root"), Http.param(q, "path"));
        Path log = dir.resolve(epg.train.RunDir.LOG);
        if (Files.isSymbolicLink(log)) throw new HttpError(403, "the log is a symbolic link: not followed");
        long from = Http.longParam(q, "from", 0, 0, Long.MAX_VALUE / 2);
        long line = Http.longParam(q, "line", 1, 1, Long.MAX_VALUE / 2);
        Http.json(ex, 200, LogChunk.read(log, from, line, q.getOrDefault("version", "")));
    }

    /** GET /files/ROOT/PATH: a file inside a served directory, of a kind the page shows. */
    public void file(HttpExchange ex) throws IOException {
        Http.method(ex, "GET");
        String rest = ex.getRequestURI().getRawPath().substring("/files/".length());
        int slash = rest.indexOf('/');
        if (slash < 0) throw HttpError.notFound("use /files/ROOT/PATH");
        String relative = Http.decode(rest.substring(slash + 1));
        Path file = roots.resolve(Http.decode(rest.substring(0, slash)), relative);
        if (!Files.isRegularFile(file)) throw HttpError.notFound("'" + relative + "' is not a file");
        String name = file.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        String type = TYPES.get(ext);
        if (type == null)
            throw new HttpError(403, "'" + name + "' is not served: only images, JSON, logs and reports are");
        long size = Files.size(file);
        if (size > MAX_FILE) throw new HttpError(403, "'" + name + "' is larger than " + MAX_FILE + " bytes");
        // a report found in a run folder runs no script with this page's rights
        if (ext.equals("html")) ex.getResponseHeaders().set("Content-Security-Policy", "sandbox");
        Http.send(ex, 200, type, Files.readAllBytes(file));
    }
}
