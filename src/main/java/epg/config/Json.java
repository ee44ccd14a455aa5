// JSON for configurations, run logs and reports (Gson; records supported).
package epg.config;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonSyntaxException;

public final class Json {
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();
    private static final Gson COMPACT = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping().create();

    private Json() {}

    public static String pretty(Object o) { return PRETTY.toJson(o); }

    public static String compact(Object o) { return COMPACT.toJson(o); }

    public static <T> T parse(String json, Class<T> type, String what) {
        try {
            T t = COMPACT.fromJson(json, type);
            if (t == null) throw new IllegalArgumentException(what + " is empty");
            return t;
        } catch (JsonSyntaxException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
