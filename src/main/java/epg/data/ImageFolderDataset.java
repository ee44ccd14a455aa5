// Spec §8: a folder of PNG/JPEG images as a dataset: prepared (dataset.json), class sub-folders, or flat.
package epg.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Images decoded to RGB on every {@link #image} call (thread-safe: nothing is cached). */
public record ImageFolderDataset(Path root, List<String> classes, List<Path> files, int[] labels) implements Dataset {
    public static ImageFolderDataset open(Path root) {
        Path json = root.resolve(DatasetManifest.FILE_NAME);
        if (Files.isRegularFile(json)) {
            DatasetManifest m = DatasetManifest.read(json);
            if (m.images().isEmpty()) throw new DataException(json, "lists no images; rerun `epg prepare`");
            return new ImageFolderDataset(root, m.classes(), m.images().stream().map(it -> root.resolve(it.file()))
                    .toList(),
                    m.images().stream().mapToInt(DatasetManifest.Item::label).toArray());
        }
        ImageListing l = ImageListing.scan(root);
        return new ImageFolderDataset(root, l.classes(), l.entries().stream().map(ImageListing.Entry::file).toList(),
                l.entries().stream().mapToInt(ImageListing.Entry::label).toArray());
    }

    @Override public int size() { return files.size(); }

    @Override public int numClasses() { return classes.size(); }

    @Override public int label(int i) { return labels[i]; }

    @Override public int channels() { return 3; }

    @Override public ByteImage image(int i) { return ImageDecoder.readRgb(files.get(i)); }
}
