// Spec §8: DEST/dataset.json of `epg prepare`: resolution, sorted class names, per-class counts, files and labels.
package epg.data;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import epg.config.Json;
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

    /** The manifest in {@code file}, checked: every image a relative path inside the folder, every label a class. */
    public static DatasetManifest read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        DatasetManifest m;
        try {
            m = Json.parse(text, DatasetManifest.class, "its JSON");
        } catch (IllegalArgumentException e) {
            throw new DataException(file, "not a valid dataset.json (" + e.getMessage() + "); rerun `epg prepare`", e);
        }
        String wrong = m.problem();
        if (wrong != null)
            throw new DataException(file, "not a valid dataset.json: " + wrong + "; rerun `epg prepare`");
        return m;
    }

    /** Whether {@code relative} names a file inside the manifest's folder (not absolute, no way up). */
    private static boolean inside(String relative) {
        try {
            Path f = Path.of(relative).normalize();
            return !f.isAbsolute() && !f.startsWith("..") && !relative.contains("\\");
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** What is wrong with this manifest, or null. */
    private String problem() {
        if (classes == null || images == null) return "missing 'classes' or 'images'";
        if (classes.contains(null)) return "'classes' holds null";
        for (int i = 0; i < images.size(); i++) {
            Item it = images.get(i);
            if (it == null || it.file() == null) return "images[" + i + "] names no file";
            if (!inside(it.file()))
                return "images[" + i + "].file '" + it.file() + "' leads outside the dataset folder";
            if (it.label() < 0 || it.label() >= classes.size())
                return "images[" + i + "].label " + it.label() + " is not a class index in [0, " + classes.size() + ")";
        }
        return null;
    }

    public void write(Path file) {
        try {
            AtomicFile.writeString(file, GSON.toJson(this));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }
}
