// Spec §8: DEST/dataset.json of `epg prepare`: resolution, sorted class names, per-class counts, files and labels.
package epg.data;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import epg.tensor.AtomicFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The prepared dataset's index; {@code images[i].file} is relative to the manifest's folder. */
public record DatasetManifest(int resolution, List<String> classes, Map<String, Integer> counts, List<Item> images) {
    public static final String FILE_NAME = "dataset.json";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /** One image of a prepared dataset: its file, relative to the dataset folder, and its class index. */
    public record Item(String file, int label) {}

    public static DatasetManifest read(Path file) {
        try {
            DatasetManifest m = GSON.fromJson(Files.readString(file), DatasetManifest.class);
            if (m == null || m.classes == null || m.images == null)
                throw new JsonParseException("missing 'classes' or 'images'");
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        } catch (JsonParseException e) {
            throw new DataException(file, "not a valid dataset.json (" + e.getMessage() + "); rerun `epg prepare`", e);
        }
    }

    public void write(Path file) {
        try {
            AtomicFile.writeString(file, GSON.toJson(this));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }
}
