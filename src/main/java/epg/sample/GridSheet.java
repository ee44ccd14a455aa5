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
    private final List<ByteImage> first = new ArrayList<>();
    private final Map<Integer, List<ByteImage>> byClass = new TreeMap<>();

    /** The next image, drawn for {@code label}. */
    public void add(ByteImage image, int label) {
        if (first.size() < SampleRun.GRID_IMAGES) first.add(image);
        if (byClass.size() < SampleRun.GRID_CLASSES || byClass.containsKey(label)) {
            List<ByteImage> row = byClass.computeIfAbsent(label, c -> new ArrayList<>());
            if (row.size() < SampleRun.GRID_COLUMNS) row.add(image);
        }
    }

    /** One row per class (in class order) when the images had several classes; else the first images, near-square. */
    public ByteImage image() {
        return byClass.size() > 1 ? ImageGrid.rows(new ArrayList<>(byClass.values())) : ImageGrid.of(first);
    }
}
