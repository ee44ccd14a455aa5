// docs/reliability.md "fault suite": kill -9 at a chosen write, full disks, and comparing a repaired run's files.
package epg;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.tensor.FaultPoints;
import epg.tensor.FolderLock;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

public final class FaultSuite {
    private FaultSuite() {}

    /** The message a full disk gives (ENOSPC). */
    public static final String NO_SPACE = "No space left on device";

    /** A process stopped at a fault point: its output up to there, and the process (still alive). */
    public record Stopped(Process process, String output) {}

    /**
     * Starts {@code epg ARGS} in a new JVM (this one's java, options and class path) that stops at the NTH {@code
     * point} on a file ending with {@code suffix} ({@link FaultChild}); returns once it has stopped there.
     */
    public static Stopped stopAt(String point, String suffix, int nth, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib:jdwp")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FaultChild.class.getName(), point, suffix,
                Integer.toString(nth)));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("EPG_THREADS", "1");
        Process p = pb.start();
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(600, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        });
        watchdog.setDaemon(true);
        watchdog.start();
        StringBuilder out = new StringBuilder();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            out.append(line).append('\n');
            if (line.startsWith("FAULT ")) return new Stopped(p, out.toString());
        }
        fail("the process never reached " + point + " of *" + suffix + " #" + nth + ":\n" + out);
        return null;
    }

    /** {@link #stopAt}, then kill -9 (SIGKILL) and wait for the process to be gone. */
    public static String killAt(String point, String suffix, int nth, String... args) throws Exception {
        Stopped s = stopAt(point, suffix, nth, args);
        kill(s.process());
        return s.output();
    }

    public static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the killed process is still there");
    }

    /** Runs {@code body} with {@code handler} installed in this JVM (then none). */
    public static void withHandler(FaultPoints.Handler handler, ThrowingRunnable body) throws Exception {
        FaultPoints.install(handler);
        try {
            body.run();
        } finally {
            FaultPoints.install(null);
        }
    }

    public interface ThrowingRunnable { void run() throws Exception; }

    /** A handler that fails the writes of files matching {@code which} as a full disk does. */
    public static FaultPoints.Handler fullDiskFor(Predicate<Path> which) {
        return new FaultPoints.Handler() {
            @Override
            public void beforeRename(Path file, Path temp) throws IOException {
                if (which.test(file)) {
                    // the disk filled half-way through: the temporary file holds part of the content
                    try (var ch = java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.WRITE)) {
                        ch.truncate(ch.size() / 2);
                    }
                    throw new IOException(NO_SPACE);
                }
            }

            @Override
            public void beforeAppend(Path file, byte[] line) throws IOException {
                if (which.test(file)) {
                    Files.write(file, Arrays.copyOf(line, line.length / 2), java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                    throw new IOException(NO_SPACE);
                }
            }
        };
    }

    /** Every file under {@code dir} (relative, '/'-separated), but the folder lock. */
    public static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals(FolderLock.FILE))
                    .map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    /**
     * {@code actual} holds the same files as {@code expected} with the same bytes, except that log.jsonl lines are
     * compared without their timing ("time", "imagesPerSecond"), and config.json and sampling.json without what
     * describes an invocation rather than the run ("invocations", "run": command lines, start times, machines).
     */
    public static void assertSameFiles(Path expected, Path actual) throws IOException {
        assertEquals(files(expected), files(actual), "files of " + actual + " against " + expected);
        for (String f : files(expected)) {
            Path e = expected.resolve(f), a = actual.resolve(f);
            if (f.endsWith(".jsonl")) assertEquals(logLines(e), logLines(a), f);
            else if (f.equals("config.json") || f.endsWith("/config.json") || f.endsWith("sampling.json"))
                assertEquals(withoutInvocations(e), withoutInvocations(a), f);
            else assertArrayEquals(Files.readAllBytes(e), Files.readAllBytes(a), f + " differs");
        }
    }

    /** A config.json or sampling.json without its "invocations" and "run". */
    private static JsonObject withoutInvocations(Path json) throws IOException {
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        o.remove("invocations");
        o.remove("run");
        return o;
    }

    /** The log's lines without their timing. */
    public static List<Map<String, String>> logLines(Path log) throws IOException {
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            o.remove("images_per_s");
            o.remove("imagesPerSecond");
            o.remove("time");
            Map<String, String> m = new TreeMap<>();
            o.entrySet().forEach(e -> m.put(e.getKey(), e.getValue().toString()));
            out.add(m);
        }
        return out;
    }

    /** The temporary files of unfinished writes under {@code dir}. */
    public static List<String> temporaries(Path dir) throws IOException {
        return files(dir).stream().filter(f -> epg.tensor.AtomicFile.isTemporary(Path.of(f))).toList();
    }
}
