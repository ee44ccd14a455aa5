// bench/results.jsonl: one JSON line per measured case, with when, on which commit and by which command.
package epg.bench;

import com.google.gson.JsonObject;
import epg.config.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

public final class BenchRecord {
    private BenchRecord() {}

    /**
     * Adds timestamp (UTC), commit (git HEAD of the repository, "+dirty" with uncommitted changes), command, the
     * 1-minute load average now ({@code loadAverage1Min}; files before December 2026 spell it {@code loadavg_1min},
     * and their other keys in snake_case too).
     */
    public static JsonObject stamped(JsonObject o, String command) {
        o.addProperty("timestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        o.addProperty("commit", commit());
        o.addProperty("command", command);
        o.addProperty("loadAverage1Min", loadAverage());
        return o;
    }

    /** Appends one line (creating the file and its folder when missing). */
    public static void append(Path file, JsonObject o) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Files.writeString(file, Json.compact(o) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    static String commit() {
        String head = git("rev-parse", "HEAD");
        if (head == null) return "unknown";
        String status = git("status", "--porcelain", "--untracked-files=no");
        return status == null || status.isEmpty() ? head : head + "+dirty";
    }

    private static String git(String... args) {
        try {
            String[] cmd = new String[args.length + 3];
            cmd[0] = "git"; cmd[1] = "-C"; cmd[2] = TorchReference.home().toString();
            System.arraycopy(args, 0, cmd, 3, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The 1-minute load average (how busy the machine was: the benchmark wants it below the thread count). */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
