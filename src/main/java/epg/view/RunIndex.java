// docs/view.md (runs): the run directories under the served directories: training runs, demos, sample folders.
package epg.view;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.report.DemoLayout;
import epg.sample.SampleRun;
import epg.train.RunDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A directory is a run when it holds log.jsonl, config.json or demo.json; a sample folder when it holds grid.png and
 * samples.npz. Folders down to {@link #MAX_DEPTH} − 1 levels below a root are looked at; the walk never follows a
 * symbolic link, never enters hidden folders, checkpoints or previews, and stops after {@link #MAX_DIRS} folders (a
 * served directory might be huge).
 */
public final class RunIndex {
    public static final int MAX_DEPTH = 5, MAX_DIRS = 5000;
    private static final Set<String> SKIP = Set.of(RunDir.CHECKPOINTS, DemoLayout.PREVIEWS, "node_modules", "target");
    private static final int TAIL = 8192;
    /** The largest JSON file read (configurations, demo.json and evaluations are a few kB). */
    static final long MAX_JSON = 4L * 1024 * 1024;

    private RunIndex() {}

    /** Every run under every root, in walk order (parents before children, names sorted). */
    public static List<RunEntry> scan(RootDirs roots) throws IOException {
        List<RunEntry> out = new ArrayList<>();
        for (RootDirs.Root r : roots.all()) scan(r, out);
        return out;
    }

    private static void scan(RootDirs.Root root, List<RunEntry> out) throws IOException {
        List<Path> dirs = new ArrayList<>();
        Files.walkFileTree(root.real(), EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                        if (!dir.equals(root.real()) && (name.startsWith(".") || SKIP.contains(name)))
                            return FileVisitResult.SKIP_SUBTREE;
                        dirs.add(dir);
                        return dirs.size() >= MAX_DIRS ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE; // unreadable folders are left out
                    }
                });
        dirs.sort(null);
        for (Path d : dirs) {
            String kind = kind(d);
            if (kind == null) continue;
            String rel = RootDirs.relative(root, d);
            out.add(new RunEntry(root.index(), rel, RootDirs.shown(root, rel), kind, lastStep(d.resolve(RunDir.LOG)),
                    plannedSteps(d), modified(d)));
        }
    }

    /** What kind of run {@code dir} is, or null when it is none. */
    static String kind(Path dir) {
        if (Files.isRegularFile(dir.resolve(DemoLayout.RESULT))) return "demo";
        Path config = dir.resolve(RunDir.CONFIG);
        if (Files.isRegularFile(config)) return configKind(config);
        if (Files.isRegularFile(dir.resolve(RunDir.LOG))) return "run";
        if (Files.isRegularFile(dir.resolve(SampleRun.GRID)) && Files.isRegularFile(dir.resolve(SampleRun.NPZ)))
            return "samples";
        return null;
    }

    private static String configKind(Path config) {
        JsonObject o = readObject(config);
        if (o == null) return "run";
        if (o.has("task") && o.get("task").isJsonPrimitive())
            return o.get("task").getAsString().toLowerCase(Locale.ROOT);
        JsonElement model = o.get("model");
        if (model != null && model.isJsonObject() && model.getAsJsonObject().has("kind")
                && "RCM".equals(model.getAsJsonObject().get("kind").getAsString())) return "pretrain";
        return "run";
    }

    /**
     * A JSON object file, or null when it is missing, not one (half-written, hand-edited), a symbolic link (never
     * followed: it could lead outside the served folders) or larger than {@link #MAX_JSON}.
     */
    static JsonObject readObject(Path file) {
        if (!plainFile(file)) return null;
        try {
            if (Files.size(file) > MAX_JSON) return null;
            JsonElement e = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
            return e.isJsonObject() ? e.getAsJsonObject() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long plannedSteps(Path dir) {
        JsonObject o = Files.isRegularFile(dir.resolve(RunDir.CONFIG)) ? readObject(dir.resolve(RunDir.CONFIG)) : null;
        if (o == null || !o.has("steps") || !o.get("steps").isJsonPrimitive()) return -1;
        try {
            return o.get("steps").getAsLong();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The "step" of the last complete line of {@code log} (read from its last few KiB), or -1. */
    static long lastStep(Path log) {
        if (!plainFile(log)) return -1;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long size = f.length(), start = Math.max(0, size - TAIL);
            byte[] b = new byte[(int) (size - start)];
            f.seek(start);
            f.readFully(b);
            String[] lines = new String(b, StandardCharsets.UTF_8).split("\n", -1);
            for (int i = lines.length - 2; i >= 0; i--) {
                LogChunk c = LogChunk.parse(lines[i] + "\n", 0, 1);
                if (!c.steps().isEmpty()) return c.steps().get(0).longValue();
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** A regular file that is no symbolic link. */
    static boolean plainFile(Path p) { return Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS); }

    private static long modified(Path dir) {
        long t = 0;
        for (String f : List.of(RunDir.LOG, RunDir.CONFIG, DemoLayout.RESULT, SampleRun.GRID)) {
            try {
                Path p = dir.resolve(f);
                if (Files.isRegularFile(p)) t = Math.max(t, Files.getLastModifiedTime(p).toMillis());
            } catch (IOException e) {
                // left at what the other files say
            }
        }
        return t;
    }
}
