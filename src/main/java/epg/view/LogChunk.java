// docs/view.md (live curves): the lines of a growing log.jsonl past a byte offset, read tolerantly.
package epg.view;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.train.RunLog;
import com.google.gson.JsonPrimitive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Complete lines only: a last line without its newline (still being written) is left for the next read and
 * reported in {@code pendingBytes}. Every line is a JSON object with a numeric "step"; its other numeric fields are
 * the series (unknown fields are kept, text fields such as a timestamp ignored, missing ones allowed). A line that is
 * not such an object is listed in {@code malformed} and skipped. {@code version} changes when the file is replaced
 * (a resumed run rewrites it): the reader then starts again from 0.
 *
 * @param from         the byte offset this chunk starts at
 * @param next         where the next read starts (after the last complete line read)
 * @param nextLine     the 1-based number of the line at {@code next}
 * @param steps        the step of every good line, in file order
 * @param series       per numeric key, one value per good line (null where the line lacks it or it is not finite)
 * @param malformed    lines that could not be read
 * @param nonFinite    NaN or infinite values (a diverging run)
 * @param pendingBytes bytes after {@code next} that do not yet end in a newline
 * @param size         the file's size
 * @param version      identifies the file (its inode and creation time)
 * @param reset        whether the file was replaced or shrank since the caller's offset (this chunk starts at 0)
 * @param more         whether complete lines remain after {@code next} (the chunk hit its byte limit)
 */
public record LogChunk(long from, long next, long nextLine, List<Double> steps, Map<String, List<Double>> series,
                       List<Problem> malformed, List<Problem> nonFinite, long pendingBytes, long size, String version,
                       boolean reset, boolean more) {
    /** At most this many bytes are read per chunk. */
    public static final int MAX_BYTES = 2 * 1024 * 1024;
    private static final int EXCERPT = 160;
    private static final Map<String, Double> NON_FINITE = Map.of("NaN", Double.NaN, "Infinity",
            Double.POSITIVE_INFINITY, "-Infinity", Double.NEGATIVE_INFINITY);

    /** One line that is not plotted as it stands: its number, why, and its start. */
    public record Problem(long line, String reason, String excerpt) {}

    /**
     * Reads {@code log} from {@code from} (line {@code line}); {@code version} is what the caller's offset belongs to
     * (null or "" for a first read). A missing file reads as empty.
     */
    public static LogChunk read(Path log, long from, long line, String version) throws IOException {
        if (!Files.isRegularFile(log)) return empty(from < 0 ? 0 : from, line, "", false);
        String now = version(log);
        long size = Files.size(log);
        boolean reset = version != null && !version.isEmpty() && !version.equals(now) || from > size;
        if (reset) { from = 0; line = 1; }
        byte[] bytes = slice(log, from, (int) Math.min(MAX_BYTES, size - from));
        int end = lastNewline(bytes);
        LogChunk chunk = parse(new String(bytes, 0, end + 1, StandardCharsets.UTF_8), from, line);
        long next = from + end + 1;
        boolean more = end + 1 == bytes.length && next < size && bytes.length == MAX_BYTES;
        long pending = more ? 0 : size - next;
        return new LogChunk(from, next, chunk.nextLine, chunk.steps, chunk.series, chunk.malformed, chunk.nonFinite,
                pending, size, now, reset, more);
    }

    private static LogChunk empty(long from, long line, String version, boolean reset) {
        return new LogChunk(from, from, line, List.of(), Map.of(), List.of(), List.of(), 0, 0, version, reset, false);
    }

    private static String version(Path log) throws IOException {
        BasicFileAttributes a = Files.readAttributes(log, BasicFileAttributes.class);
        Object key = a.fileKey();
        return (key == null ? "" : key.toString()) + "@" + a.creationTime().toMillis();
    }

    private static byte[] slice(Path log, long from, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.max(0, length));
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
                // read until the slice is full or the file ends
            }
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    private static int lastNewline(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) if (b[i] == '\n') return i;
        return -1;
    }

    /** The complete lines of {@code text} (each ends in a newline), the first being line {@code line}. */
    static LogChunk parse(String text, long from, long line) {
        List<Double> steps = new ArrayList<>();
        Map<String, List<Double>> series = new LinkedHashMap<>();
        List<Problem> malformed = new ArrayList<>(), nonFinite = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i + 1 < lines.length; i++) {
            String l = lines[i].strip();
            if (!l.isEmpty()) readLine(l, line + i, steps, series, malformed, nonFinite);
        }
        return new LogChunk(from, from, line + lines.length - 1, steps, series, malformed, nonFinite, 0, 0, "", false,
                false);
    }

    private static void readLine(String l, long n, List<Double> steps, Map<String, List<Double>> series,
                                 List<Problem> malformed, List<Problem> nonFinite) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(l);
            if (!e.isJsonObject()) throw new IllegalStateException("not a JSON object");
            o = e.getAsJsonObject();
        } catch (RuntimeException e) {
            malformed.add(new Problem(n, "not a JSON object", excerpt(l)));
            return;
        }
        Double step = number(o.get("step"));
        if (step == null || !Double.isFinite(step)) {
            malformed.add(new Problem(n, "no numeric \"step\"", excerpt(l)));
            return;
        }
        int row = steps.size();
        steps.add(step);
        Set<String> seen = new LinkedHashSet<>();
        for (Map.Entry<String, JsonElement> f : o.entrySet()) {
            Double v = number(f.getValue());
            String key = RunLog.canonical(f.getKey()); // logs written before keys were camelCase
            if (key.equals("step") || v == null || seen.contains(key)) continue;
            if (!Double.isFinite(v)) nonFinite.add(new Problem(n, key + " = " + v + " at step "
                    + step.longValue(), excerpt(l)));
            List<Double> column = series.computeIfAbsent(key, k -> new ArrayList<>());
            while (column.size() < row) column.add(null);
            column.add(Double.isFinite(v) ? v : null);
            seen.add(key);
        }
        series.forEach((k, column) -> { if (!seen.contains(k)) column.add(null); });
    }

    private static Double number(JsonElement e) {
        if (e == null || !e.isJsonPrimitive()) return null;
        JsonPrimitive p = e.getAsJsonPrimitive();
        // the run logs write non-finite values as the bare words NaN and Infinity, which Gson reads as text
        if (p.isString()) return NON_FINITE.get(p.getAsString());
        if (!p.isNumber()) return null;
        try {
            return p.getAsDouble();
        } catch (NumberFormatException ex) {
            return null;
        }
    }

    private static String excerpt(String l) { return l.length() <= EXCERPT ? l : l.substring(0, EXCERPT) + "…"; }
}
