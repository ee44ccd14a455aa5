// JSON for configurations, run logs and reports (Gson; records supported).
package epg.config;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

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
        JsonElement tree;
        try {
            tree = JsonParser.parseString(json);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + " is not valid JSON: " + firstLine(e), e);
        }
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

    /** The first line of an exception's message, without the class names Gson puts in front of its causes. */
    public static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        if (nl >= 0) m = m.substring(0, nl);
        return m.replaceFirst("^([a-z]+\\.)+[A-Za-z]+(Exception|Error): ", "").strip();
    }
}
