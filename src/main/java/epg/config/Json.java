// JSON for configurations, run logs and reports (Gson; records supported).
package epg.config;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonSyntaxException;

/** JSON of configurations, run logs and reports (Gson, records and flattened settings groups). */
public final class Json {
    private static final Gson PRETTY = builder().setPrettyPrinting().create();
    private static final Gson COMPACT = builder().create();

    private Json() {}

    /** Records with {@link Flattened} groups are written and read as one flat object of settings. */
    private static GsonBuilder builder() {
        return new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping()
                .registerTypeAdapterFactory(new FlatRecords());
    }

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
