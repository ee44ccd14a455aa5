// docs/architecture.md (run directory): the JSON of a record with Flattened components, one flat object of settings.
package epg.config;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonWriter;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the components of every {@link Flattened} component in its place in the parent object and reads them back
 * from there; a key missing from the file takes its component's neutral value (0, false, null), as Gson's records do.
 */
final class FlatRecords implements TypeAdapterFactory {
    @Override
    public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
        Class<?> raw = type.getRawType();
        if (!raw.isRecord()) return null;
        List<RecordComponent> flat = Arrays.stream(raw.getRecordComponents())
                .filter(c -> Flattened.class.isAssignableFrom(c.getType())).toList();
        if (flat.isEmpty()) return null;
        checkUniqueKeys(raw);
        TypeAdapter<T> delegate = gson.getDelegateAdapter(this, type);
        TypeAdapter<JsonElement> tree = gson.getAdapter(JsonElement.class);
        return new TypeAdapter<>() {
            @Override
            public void write(JsonWriter out, T value) throws IOException {
                if (value == null) { out.nullValue(); return; }
                tree.write(out, flatten(delegate.toJsonTree(value).getAsJsonObject(), flat));
            }

            @Override
            public T read(JsonReader in) throws IOException {
                JsonElement e = tree.read(in);
                return e == null || e.isJsonNull() ? null : delegate.fromJsonTree(nest(e.getAsJsonObject(), flat));
            }
        };
    }

    private static JsonObject flatten(JsonObject nested, List<RecordComponent> flat) {
        JsonObject out = new JsonObject();
        Set<String> groups = new HashSet<>(flat.stream().map(RecordComponent::getName).toList());
        for (Map.Entry<String, JsonElement> e : nested.entrySet()) {
            if (!groups.contains(e.getKey())) out.add(e.getKey(), e.getValue());
            else if (e.getValue().isJsonObject())
                e.getValue().getAsJsonObject().entrySet().forEach(g -> out.add(g.getKey(), g.getValue()));
        }
        return out;
    }

    private static JsonObject nest(JsonObject flatObject, List<RecordComponent> flat) {
        JsonObject out = flatObject.deepCopy();
        for (RecordComponent group : flat) {
            JsonObject inner = new JsonObject();
            for (RecordComponent c : group.getType().getRecordComponents())
                if (out.has(c.getName())) inner.add(c.getName(), out.remove(c.getName()));
            out.add(group.getName(), inner);
        }
        return out;
    }

    /** Two settings of one name would overwrite each other in the flat object. */
    private static void checkUniqueKeys(Class<?> record) {
        Set<String> keys = new HashSet<>();
        for (RecordComponent c : record.getRecordComponents()) {
            RecordComponent[] names = Flattened.class.isAssignableFrom(c.getType()) ? c.getType().getRecordComponents()
                    : new RecordComponent[]{c};
            for (RecordComponent n : names)
                if (!keys.add(n.getName()))
                    throw new IllegalStateException(record.getSimpleName() + " holds two settings named '"
                            + n.getName() + "'");
        }
    }
}
