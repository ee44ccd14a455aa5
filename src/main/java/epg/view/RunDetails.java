// docs/view.md (runs): what the page shows of one run: configuration, previews, checkpoints, evaluations, models.
package epg.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import epg.report.DemoLayout;
import epg.train.RunDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Read fresh on every request (the run may be training). Nothing here fails on a half-written file: a configuration,
 * evaluation or demo.json that does not parse is reported with an "error" entry, a checkpoint without its state file
 * as incomplete.
 */
public final class RunDetails {
    private static final Pattern PREVIEW = Pattern.compile("step-(\\d+)\\.png");
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");
    private static final int MAX_LISTED = 2000;

    private RunDetails() {}

    public static JsonObject of(RootDirs.Root root, Path dir) throws IOException {
        String rel = RootDirs.relative(root, dir);
        JsonObject o = new JsonObject();
        o.addProperty("root", root.index());
        o.addProperty("path", rel);
        o.addProperty("name", RootDirs.shown(root, rel));
        String kind = RunIndex.kind(dir);
        o.addProperty("kind", kind == null ? "folder" : kind);
        o.add("config", jsonFile(root, dir.resolve(RunDir.CONFIG)));
        o.add("previews", previews(root, dir.resolve(DemoLayout.PREVIEWS)));
        o.add("checkpoints", checkpoints(dir.resolve(RunDir.CHECKPOINTS)));
        o.add("models", ModelCatalog.modelsIn(root, dir));
        o.add("evaluations", evaluations(root, dir));
        o.add("images", images(root, dir));
        if (Files.exists(dir.resolve(DemoLayout.RESULT), java.nio.file.LinkOption.NOFOLLOW_LINKS))
            o.add("demo", jsonFile(root, dir.resolve(DemoLayout.RESULT)));
        if (RunIndex.plainFile(dir.resolve(DemoLayout.REPORT)))
            o.addProperty("report", url(root, dir.resolve(DemoLayout.REPORT)));
        return o;
    }

    /** The URL under which {@code file} (inside {@code root}) is served. */
    public static String url(RootDirs.Root root, Path file) {
        StringBuilder b = new StringBuilder("/files/").append(root.index());
        for (String segment : RootDirs.relative(root, file).split("/"))
            b.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        return b.toString();
    }

    /** {"value": the parsed object} or {"error": why} or JSON null when the file is missing. */
    static JsonElement jsonFile(RootDirs.Root root, Path file) {
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return com.google.gson.JsonNull.INSTANCE;
        JsonObject o = new JsonObject();
        o.addProperty("file", url(root, file));
        JsonObject v = RunIndex.readObject(file);
        if (Files.isSymbolicLink(file)) o.addProperty("error", file.getFileName() + " is a link: not followed");
        else if (v == null) o.addProperty("error", file.getFileName() + " is not a JSON object (being written?)");
        else o.add("value", v);
        return o;
    }

    private static JsonArray previews(RootDirs.Root root, Path dir) throws IOException {
        List<long[]> steps = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (Path p : list(dir)) {
            Matcher m = PREVIEW.matcher(p.getFileName().toString());
            if (m.matches() && Files.isRegularFile(p)) {
                steps.add(new long[]{Long.parseLong(m.group(1)), files.size()});
                files.add(p);
            }
        }
        steps.sort(Comparator.comparingLong(s -> s[0]));
        JsonArray a = new JsonArray();
        for (long[] s : steps) {
            JsonObject o = new JsonObject();
            o.addProperty("step", s[0]);
            o.addProperty("url", url(root, files.get((int) s[1])));
            a.add(o);
        }
        return a;
    }

    private static JsonArray checkpoints(Path dir) throws IOException {
        String latest = null;
        Path pointer = dir.resolve(RunDir.LATEST);
        if (RunIndex.plainFile(pointer) && Files.size(pointer) < 256) latest = Files.readString(pointer).trim();
        List<Path> steps = new ArrayList<>();
        for (Path p : list(dir)) if (STEP_DIR.matcher(p.getFileName().toString()).matches()) steps.add(p);
        steps.sort(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(5))));
        JsonArray a = new JsonArray();
        for (Path p : steps) {
            JsonObject o = new JsonObject();
            String name = p.getFileName().toString();
            o.addProperty("name", name);
            o.addProperty("step", Long.parseLong(name.substring(5)));
            o.addProperty("complete", Files.isRegularFile(p.resolve("state.json")));
            o.addProperty("latest", name.equals(latest));
            o.addProperty("bytes", bytes(p));
            o.addProperty("modified", Files.getLastModifiedTime(p).toMillis());
            a.add(o);
        }
        return a;
    }

    /** `epg evaluate` reports (*.eval.json) in the run and in its samples folder, with their metrics. */
    private static JsonArray evaluations(RootDirs.Root root, Path dir) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path p : list(dir)) if (isEvaluation(p)) found.add(p);
        Path samples = dir.resolve(DemoLayout.SAMPLES);
        if (Files.isDirectory(samples)) {
            for (Path p : list(samples)) {
                if (isEvaluation(p)) found.add(p);
                else if (Files.isDirectory(p)) for (Path q : list(p)) if (isEvaluation(q)) found.add(q);
            }
        }
        JsonArray a = new JsonArray();
        for (Path p : found) {
            JsonObject o = new JsonObject();
            o.addProperty("file", RootDirs.relative(root, p));
            o.addProperty("url", url(root, p));
            JsonObject v = RunIndex.readObject(p);
            if (v == null) o.addProperty("error", "not a JSON object (being written?)");
            else o.add("value", v);
            a.add(o);
        }
        return a;
    }

    private static boolean isEvaluation(Path p) {
        return p.getFileName().toString().endsWith(".eval.json") && Files.isRegularFile(p);
    }

    /** Grids and other PNGs at the top of the run (a samples folder's grid.png, the reference grid). */
    private static JsonArray images(RootDirs.Root root, Path dir) throws IOException {
        JsonArray a = new JsonArray();
        for (Path p : list(dir)) {
            String n = p.getFileName().toString();
            if (n.equals("grid.png") && Files.isRegularFile(p)) {
                JsonObject o = new JsonObject();
                o.addProperty("name", n);
                o.addProperty("url", url(root, p));
                a.add(o);
            }
        }
        return a;
    }

    /** The entries of {@code dir}, sorted by name, no links followed into; empty when it is no folder. */
    static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !Files.isSymbolicLink(p)).sorted().limit(MAX_LISTED).toList();
        }
    }

    private static long bytes(Path dir) throws IOException {
        long n = 0;
        for (Path p : list(dir)) if (Files.isRegularFile(p)) n += Files.size(p);
        return n;
    }
}
