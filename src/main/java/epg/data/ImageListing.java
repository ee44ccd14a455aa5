// Spec §8: the labelled files of a source folder: class sub-folders, or a flat folder (class = prefix before '_').
package epg.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every non-hidden file under {@code root} with its class; classes sorted, ids = positions. A root
 * with sub-folders is a tree (files directly in the root are then ignored); otherwise it is flat.
 * Non-image files are listed too, so that preparation reports them instead of passing over them.
 */
public record ImageListing(Path root, List<String> classes, List<Entry> entries) {
    /** A file, its path relative to the root ('/'-separated) and its class id. */
    public record Entry(Path file, String relative, int label) {}

    public static ImageListing scan(Path root) {
        if (!Files.isDirectory(root)) throw new DataException(root, "no such folder; check the dataset path");
        List<Path> dirs = children(root, 1).stream().filter(Files::isDirectory).toList();
        List<Path> files = dirs.isEmpty() ? children(root, 1).stream().filter(ImageListing::isCandidate).toList()
                : dirs.stream().flatMap(d -> children(d, Integer.MAX_VALUE).stream().filter(ImageListing::isCandidate))
                .toList();
        if (files.isEmpty())
            throw new DataException(root, "no image files found; expected class "
                    + "sub-folders or files named <class>_<id>.<ext>");
        List<String> names = files.stream().map(f -> dirs.isEmpty() ? flatClass(f)
                : root.relativize(f).getName(0).toString()).toList();
        List<String> classes = names.stream().distinct().sorted().toList();
        return new ImageListing(root, classes, java.util.stream.IntStream.range(0, files.size())
                .mapToObj(i -> new Entry(files.get(i), relative(root, files.get(i)),
                java.util.Collections.binarySearch(classes, names.get(i))))
                .toList());
    }

    /** ADM's rule for flat folders: the file name up to the first '_'. */
    static String flatClass(Path file) { return file.getFileName().toString().split("_")[0]; }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    private static boolean isCandidate(Path p) {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && !n.startsWith(".") && !n.equals(DatasetManifest.FILE_NAME)
                && !n.endsWith(".tmp");
    }

    /** Non-hidden entries under {@code dir} down to {@code depth} levels, sorted. */
    private static List<Path> children(Path dir, int depth) {
        try (Stream<Path> s = Files.walk(dir, depth)) {
            return s.filter(p -> !p.equals(dir) && !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list folder (" + e.getMessage() + ")", e);
        }
    }
}
