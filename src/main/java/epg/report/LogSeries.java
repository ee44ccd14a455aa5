// docs/demo.md (report.html): one quantity of a run's log.jsonl (RunDir) as a (step, value) series for the charts.
package epg.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.train.RunLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Points in log order; lines without the key (or with a non-finite value) are left out. */
public record LogSeries(String name, double[] steps, double[] values) {
    public LogSeries {
        if (steps.length != values.length)
            throw new IllegalArgumentException(steps.length + " steps but " + values.length + " values");
    }

    /**
     * The series of {@code key} in {@code log} (a JSON-lines file with "step"), named {@code name}; empty when the file
     * is missing.
     */
    public static LogSeries read(Path log, String key, String name) throws IOException {
        List<double[]> points = new ArrayList<>();
        if (Files.exists(log)) {
            for (String line : Files.readAllLines(log)) {
                if (line.isBlank()) continue;
                JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                Double step = number(o.get(RunLog.STEP)), value = number(value(o, key));
                if (step != null && value != null && Double.isFinite(value)) points.add(new double[]{step, value});
            }
        }
        return new LogSeries(name, points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray());
    }

    /** The value of {@code key} or of an older spelling of it (logs written before keys were camelCase). */
    private static JsonElement value(JsonObject line, String key) {
        if (line.has(key)) return line.get(key);
        for (String k : line.keySet()) if (RunLog.canonical(k).equals(key)) return line.get(k);
        return null;
    }

    private static Double number(JsonElement e) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) return null;
        return e.getAsDouble();
    }

    public int size() { return steps.length; }

    public boolean isEmpty() { return steps.length == 0; }

    /** The mean of the last {@code n} values (NaN when empty): the loss a run ended at, less noisy than one line. */
    public double tailMean(int n) {
        int from = Math.max(0, values.length - n);
        double sum = 0;
        for (int i = from; i < values.length; i++) sum += values[i];
        return values.length == 0 ? Double.NaN : sum / (values.length - from);
    }
}
