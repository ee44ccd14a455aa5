// docs/robustness.md (configuration files): each JSON setting has its record component's type, checked by name.
package epg.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compares a JSON object with the record it is read into, before Gson does, so that a wrong type is reported as
 * "key 'depth' must be a whole number, got "abc"" rather than as a parser exception without the key. Keys the
 * record does not know and values of types other than numbers, strings, booleans, enums, arrays of numbers and
 * nested records are left to Gson.
 */
final class JsonTypes {
    private JsonTypes() {}

    /** Throws IllegalArgumentException naming {@code what} and the first key whose value has the wrong type. */
    static void check(JsonElement json, Class<?> record, String what) {
        if (!json.isJsonObject())
            throw new IllegalArgumentException(what + " must be a JSON object {...}, got " + brief(json));
        JsonObject o = json.getAsJsonObject();
        for (Map.Entry<String, Class<?>> c : components(record).entrySet()) {
            JsonElement v = o.get(c.getKey());
            if (v == null || v.isJsonNull()) continue;
            String wrong = wrongType(v, c.getValue(), what + ", key '" + c.getKey() + "'");
            if (wrong != null) throw new IllegalArgumentException(what + ": key '" + c.getKey() + "' must be " + wrong
                    + ", got " + brief(v));
        }
    }

    /** The keys of {@code record} in JSON: its components, with those of {@link Flattened} groups in their place. */
    private static Map<String, Class<?>> components(Class<?> record) {
        Map<String, Class<?>> out = new LinkedHashMap<>();
        for (RecordComponent c : record.getRecordComponents()) {
            if (Flattened.class.isAssignableFrom(c.getType()))
                for (RecordComponent g : c.getType().getRecordComponents()) out.put(g.getName(), g.getType());
            else out.put(c.getName(), c.getType());
        }
        return out;
    }

    /** What {@code v} should be for {@code type}, or null when it fits (nested records are checked in turn). */
    private static String wrongType(JsonElement v, Class<?> type, String where) {
        if (type == int.class || type == Integer.class) return wholeNumber(v, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (type == long.class || type == Long.class) return wholeNumber(v, Long.MIN_VALUE, Long.MAX_VALUE);
        if (type == double.class || type == Double.class || type == float.class)
            return number(v) ? null : "a number";
        if (type == boolean.class || type == Boolean.class)
            return v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean() ? null : "true or false";
        if (type == String.class) return v.isJsonPrimitive() && v.getAsJsonPrimitive().isString() ? null : "a string";
        if (type.isEnum()) {
            String names = Arrays.toString(type.getEnumConstants());
            boolean known = v.isJsonPrimitive() && v.getAsJsonPrimitive().isString()
                    && Arrays.stream(type.getEnumConstants()).anyMatch(e -> e.toString().equals(v.getAsString()));
            return known ? null : "one of " + names;
        }
        if (type.isArray() && (type.getComponentType() == long.class || type.getComponentType() == int.class
                || type.getComponentType() == double.class)) {
            if (!v.isJsonArray()) return "an array of numbers";
            for (JsonElement x : (JsonArray) v) if (!number(x)) return "an array of numbers";
            return null;
        }
        if (type.isRecord()) {
            if (!v.isJsonObject()) return "an object {...}";
            check(v, type, where);
        }
        return null;
    }

    private static boolean number(JsonElement v) {
        if (!v.isJsonPrimitive()) return false;
        JsonPrimitive p = v.getAsJsonPrimitive();
        if (p.isNumber()) return true;
        // Gson writes non-finite doubles as bare NaN / Infinity (read leniently as strings); the records judge them.
        return p.isString() && p.getAsString().matches("-?Infinity|NaN");
    }

    private static String wholeNumber(JsonElement v, long min, long max) {
        String want = "a whole number in [" + min + ", " + max + "]";
        if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) return want;
        try {
            BigDecimal d = new BigDecimal(v.getAsJsonPrimitive().getAsString());
            if (d.scale() > 0 && d.stripTrailingZeros().scale() > 0) return want;
            if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) return want;
            return null;
        } catch (NumberFormatException e) {
            return want;
        }
    }

    /** The value as written, shortened to 60 characters. */
    private static String brief(JsonElement v) {
        String s = v.toString();
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
