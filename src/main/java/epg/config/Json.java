// JSON for configurations, run logs and reports (Gson; records supported).
package epg.config;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

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

    /**
     * {@code json} read as {@code type}; every problem (malformed JSON, a wrong type, a value a record refuses) is an
     * IllegalArgumentException of one line that names {@code what} and, where there is one, the key.
     */
    public static <T> T parse(String json, Class<T> type, String what) {
        JsonElement tree = tree(json, what);
        if (tree.isJsonNull()) throw new IllegalArgumentException(what + " is empty");
        if (type.isRecord()) JsonTypes.check(tree, type, what);
        try {
            T t = COMPACT.fromJson(tree, type);
            if (t == null) throw new IllegalArgumentException(what + " is empty");
            return t;
        } catch (RuntimeException e) {
            for (Throwable c = e; c != null; c = c.getCause())
                if (c instanceof IllegalArgumentException refused && !(c instanceof NumberFormatException))
                    throw new IllegalArgumentException(what + ": " + refused.getMessage(), e);
            throw new IllegalArgumentException(what + " does not describe a " + type.getSimpleName() + ": "
                    + firstLine(e), e);
        }
    }

    /** Deeper nesting than any configuration or header has; Gson's tree reader and writer recurse on it. */
    public static final int MAX_DEPTH = 64;

    /** {@code json} as a tree (lenient, as Gson reads); IllegalArgumentException naming {@code what} if malformed. */
    public static JsonElement tree(String json, String what) {
        int depth = depth(json);
        if (depth > MAX_DEPTH)
            throw new IllegalArgumentException(what + " is not valid JSON here: it nests arrays and objects deeper "
                    + "than " + MAX_DEPTH + " levels");
        try {
            return JsonParser.parseString(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + firstLine(e), e);
        }
    }

    /** The deepest nesting of [ and { outside strings (a linear scan, before any parser recurses). */
    private static int depth(String json) {
        int depth = 0, max = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
            } else if (c == '"') inString = true;
            else if (c == '[' || c == '{') max = Math.max(max, ++depth);
            else if (c == ']' || c == '}') depth--;
        }
        return max;
    }

    /**
     * The first line of an exception's message, without the class names Gson puts in front of its causes, at most 200
     * characters (Gson names the JSON path, which is as long as the input is deep).
     */
    public static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        if (nl >= 0) m = m.substring(0, nl);
        m = m.replaceFirst("^([a-z]+\\.)+[A-Za-z]+(Exception|Error): ", "").strip();
        return m.length() <= 200 ? m : m.substring(0, 197) + "...";
    }
}
