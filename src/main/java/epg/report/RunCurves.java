// The run directory's log.jsonl (docs/pretraining.md, "run directory") as curves: charts, CSV, TensorBoard files.
package epg.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.train.RunDir;
import epg.train.RunLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every logged line of one or more runs, keys in today's spelling ({@link RunLog#canonical}): as an SVG of one chart
 * per quantity with one line per run, as CSV with one row per logged step, or as TensorBoard event files.
 *
 * @param names the runs' names (their folder names), in order
 * @param logs  each run's lines, in log order
 */
public record RunCurves(List<String> names, List<List<JsonObject>> logs) {
    /** The logs of {@code runs} (run directories or log.jsonl files); a run without a log is an error naming it. */
    public static RunCurves read(List<Path> runs) throws IOException {
        List<String> names = new ArrayList<>();
        List<List<JsonObject>> logs = new ArrayList<>();
        for (Path run : runs) {
            Path log = Files.isDirectory(run) ? run.resolve(RunDir.LOG) : run;
            if (!Files.isRegularFile(log))
                throw new IOException(run + " has no " + RunDir.LOG + ": give a run directory of epg pretrain or "
                        + "train");
            Path dir = Files.isDirectory(run) ? run : log.toAbsolutePath().getParent();
            names.add(dir.getFileName().toString());
            logs.add(lines(log));
        }
        return new RunCurves(names, logs);
    }

    private static List<JsonObject> lines(Path log) throws IOException {
        List<JsonObject> out = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.isBlank()) continue;
            JsonElement e;
            try {
                e = JsonParser.parseString(line);
            } catch (RuntimeException ex) {
                continue; // a line cut short by a crash: the rest of the log still plots
            }
            if (!e.isJsonObject()) continue;
            JsonObject canonical = new JsonObject();
            e.getAsJsonObject().entrySet().forEach(kv -> canonical.add(RunLog.canonical(kv.getKey()), kv.getValue()));
            out.add(canonical);
        }
        return out;
    }

    /** Every key with a number in some line (step and time excluded), in first-seen order. */
    public List<String> numericKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (List<JsonObject> log : logs)
            for (JsonObject o : log)
                for (var kv : o.entrySet())
                    if (isNumber(kv.getValue()) && !kv.getKey().equals(RunLog.STEP)) keys.add(kv.getKey());
        return List.copyOf(keys);
    }

    /** The series of {@code key} for run {@code i}. */
    public LogSeries series(int i, String key) {
        List<double[]> points = new ArrayList<>();
        for (JsonObject o : logs.get(i)) {
            if (!isNumber(o.get(RunLog.STEP)) || !isNumber(o.get(key))) continue;
            double v = o.get(key).getAsDouble();
            if (Double.isFinite(v)) points.add(new double[]{o.get(RunLog.STEP).getAsDouble(), v});
        }
        return new LogSeries(names.get(i), points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray());
    }

    /** One chart per key, stacked in one standalone SVG document; log y axes where asked and possible. */
    public String svg(List<String> keys, boolean logY) {
        int height = 0;
        StringBuilder body = new StringBuilder();
        for (String key : keys) {
            SvgLineChart chart = new SvgLineChart(key, "step", key, logY);
            for (int i = 0; i < names.size(); i++) chart.add(series(i, key));
            body.append(chart.svg().replaceFirst("<svg xmlns=\"http://www.w3.org/2000/svg\" ",
                    "<svg y=\"" + height + "\" "));
            height += SvgLineChart.HEIGHT;
        }
        return String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\">%n%s</svg>%n", SvgLineChart.WIDTH, height, SvgLineChart.WIDTH, height, body);
    }

    /** CSV: run, step, time, then {@code keys}; one row per logged line; empty cells where a line lacks a key. */
    public String csv(List<String> keys) {
        StringBuilder b = new StringBuilder("run,step,time");
        keys.forEach(k -> b.append(',').append(k));
        b.append('\n');
        for (int i = 0; i < names.size(); i++)
            for (JsonObject o : logs.get(i)) {
                Map<String, String> row = new LinkedHashMap<>();
                row.put("run", names.get(i));
                row.put(RunLog.STEP, cell(o.get(RunLog.STEP)));
                row.put(RunLog.TIME, cell(o.get(RunLog.TIME)));
                keys.forEach(k -> row.put(k, cell(o.get(k))));
                b.append(String.join(",", row.values().stream().map(RunCurves::quote).toList())).append('\n');
            }
        return b.toString();
    }

    /**
     * TensorBoard event files of {@code keys}, one per run: {@code RUN/events.out.tfevents.SECONDS.epg} relative to a
     * log folder (RUN the run's name, made unique), each scalar at its line's step and wall time ("time"; lines
     * without one: the previous line's, else 0).
     */
    public Map<String, byte[]> tensorboard(List<String> keys) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            List<JsonObject> log = logs.get(i);
            double first = log.isEmpty() ? 0 : wallTime(log.get(0), 0);
            TfEvents events = new TfEvents(first);
            double wall = first;
            for (JsonObject o : log) {
                if (!isNumber(o.get(RunLog.STEP))) continue;
                wall = wallTime(o, wall);
                long step = o.get(RunLog.STEP).getAsLong();
                for (String k : keys)
                    if (isNumber(o.get(k))) events.scalar(wall, step, k, o.get(k).getAsFloat());
            }
            String name = names.get(i);
            if (names.indexOf(name) != i) name = name + "-" + (i + 1);
            files.put(name + "/events.out.tfevents." + (long) first + ".epg", events.bytes());
        }
        return files;
    }

    /** The line's "time" in seconds since the epoch, else {@code fallback}. */
    private static double wallTime(JsonObject o, double fallback) {
        JsonElement t = o.get(RunLog.TIME);
        if (t == null || !t.isJsonPrimitive()) return fallback;
        try {
            java.time.Instant at = java.time.Instant.parse(t.getAsString());
            return at.getEpochSecond() + at.getNano() / 1e9;
        } catch (java.time.format.DateTimeParseException e) {
            return fallback;
        }
    }

    private static String cell(JsonElement e) {
        if (e == null || e.isJsonNull()) return "";
        return e.isJsonPrimitive() ? e.getAsJsonPrimitive().getAsString() : e.toString();
    }

    private static String quote(String v) {
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private static boolean isNumber(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
    }
}
