// Spec §8: a named dataset: image geometry, classes, splits, and where its checksum-pinned files come from.
package epg.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One entry of {@link DatasetRegistry}.
 *
 * @param name     the name `--data` takes, e.g. "fashion-mnist"
 * @param width    image width in pixels as stored (28)
 * @param height   image height in pixels as stored (28)
 * @param channels 1 (grey) or 3 (RGB)
 * @param classes  number of classes
 * @param pad      zero padding on each side for training (2: 28 → 32 px)
 * @param splits   the splits with their file prefix and image count
 * @param debian   the Debian package shipping the files, or null
 * @param upstream the authors' files, or null
 */
public record DatasetSpec(String name, int width, int height, int channels, int classes, int pad, List<Split> splits,
                          DebianPackage debian, UpstreamFiles upstream) {
    /** A split: {@code prefix} starts its file names ("train", "t10k"); {@code images} in the published data. */
    public record Split(String name, String prefix, int images) {}

    public DatasetSpec {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]*"))
            throw new IllegalArgumentException("bad dataset name '" + name + "'");
        if (width <= 0 || height <= 0 || (channels != 1 && channels != 3) || classes < 2 || pad < 0)
            throw new IllegalArgumentException(name + ": bad geometry " + width + "x" + height + "x" + channels + ", "
                    + classes + " classes, pad " + pad);
        if (splits == null || splits.isEmpty()) throw new IllegalArgumentException(name + ": no splits");
        if (debian == null && upstream == null)
            throw new IllegalArgumentException(name + ": needs a Debian package or upstream files");
        if (debian != null && upstream != null && !names(debian.files()).equals(names(upstream.files())))
            throw new IllegalArgumentException(name + ": the Debian package and upstream list different files");
        splits = List.copyOf(splits);
    }

    /** The names of the files that make up the dataset. */
    public Set<String> files() { return names(debian != null ? debian.files() : upstream.files()); }

    /** Whether {@code dir} holds every file of the dataset (a ".gz" file may also be there uncompressed). */
    public boolean isIn(Path dir) {
        return files().stream().allMatch(f -> Files.isRegularFile(dir.resolve(f))
                || f.endsWith(".gz") && Files.isRegularFile(dir.resolve(f.substring(0, f.length() - 3))));
    }

    /** Side of the training images: the stored size plus the padding (32 for Fashion-MNIST). */
    public int trainingSize() { return Math.max(width, height) + 2 * pad; }

    private static Set<String> names(List<PinnedFile> files) {
        return files.stream().map(PinnedFile::name).collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}
