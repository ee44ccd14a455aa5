// Spec §6 (output): grid.png collected while sampling: a row per class when there are several, else the first images.
package epg.sample;

import epg.data.ByteImage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps only what the grid shows, so a run of any length holds a few images: the first {@link SampleRun#GRID_IMAGES},
 * and up to {@link SampleRun#GRID_COLUMNS} of each of the first {@link SampleRun#GRID_CLASSES} classes met.
 */
public final class GridSheet {
    /** The model-file metadata key of the class names, and what joins them. */
    public static final String CLASS_NAMES = "classNames", NAME_SEPARATOR = "|";
    private final List<String> names;
    private final List<ByteImage> first = new ArrayList<>();
    private final Map<Integer, List<ByteImage>> byClass = new TreeMap<>();

    /** A sheet whose class rows are labelled "class k". */
    public GridSheet() { this(List.of()); }

    /** A sheet whose class rows are labelled "k name" with {@code names} (label order; empty: "class k"). */
    public GridSheet(List<String> names) { this.names = List.copyOf(names); }

    /** The class names a model file's metadata records ({@value #CLASS_NAMES}), else none. */
    public static List<String> names(Map<String, String> metadata) {
        String v = metadata.get(CLASS_NAMES);
        return v == null || v.isBlank() ? List.of() : List.of(v.split(java.util.regex.Pattern.quote(NAME_SEPARATOR)));
    }

    /** The label of class {@code k}'s row: "3 dress", "class 3", or "unconditional" (the class after the names). */
    String rowLabel(int k) {
        if (names.isEmpty()) return "class " + k;
        return k < names.size() ? k + " " + names.get(k) : k == names.size() ? "unconditional" : "class " + k;
    }

    /** The next image, drawn for {@code label}. */
    public void add(ByteImage image, int label) {
        if (first.size() < SampleRun.GRID_IMAGES) first.add(image);
        if (byClass.size() < SampleRun.GRID_CLASSES || byClass.containsKey(label)) {
            List<ByteImage> row = byClass.computeIfAbsent(label, c -> new ArrayList<>());
            if (row.size() < SampleRun.GRID_COLUMNS) row.add(image);
        }
    }

    /**
     * One row per class (in class order, each named at its left) when the images had several classes; else the first
     * images, near-square.
     */
    public ByteImage image() {
        if (byClass.size() <= 1) return ImageGrid.of(first);
        return ImageGrid.labelledRows(new ArrayList<>(byClass.values()),
                byClass.keySet().stream().map(this::rowLabel).toList());
    }
}
