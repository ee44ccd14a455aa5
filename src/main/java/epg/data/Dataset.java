// Spec §8: the one view of a labelled image collection used by the loader (prepared folders, flat folders, IDX files).
package epg.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** A fixed, indexable list of labelled 8-bit images; {@link #image} must be safe to call from several threads. */
public interface Dataset {
    int size();

    int numClasses();

    /** Class id in [0, numClasses). */
    int label(int i);

    ByteImage image(int i);

    /** Channels of every image (1 or 3). */
    int channels();

    /** Every image passed through {@code f} (padding, resizing, grey to RGB...); {@code channels} is what f yields. */
    default Dataset map(int channels, UnaryOperator<ByteImage> f) {
        Dataset base = this;
        return new Dataset() {
            public int size() { return base.size(); }
            public int numClasses() { return base.numClasses(); }
            public int label(int i) { return base.label(i); }
            public ByteImage image(int i) { return f.apply(base.image(i)); }
            public int channels() { return channels; }
        };
    }

    /** Grey data converted to RGB as PIL's convert('RGB') does. */
    default Dataset rgb() { return channels() == 3 ? this : map(3, ByteImage::toRgb); }

    /** Zero padding of p pixels on each side (MNIST 28 -> 32 with p = 2). */
    default Dataset pad(int p) { return map(channels(), img -> img.pad(p)); }

    /**
     * Opens {@code path}: a folder of IDX files (MNIST / Fashion-MNIST, split {@code train}), or a
     * prepared image folder (dataset.json), or an image tree (class sub-folders) or a flat folder.
     */
    static Dataset open(Path path, boolean train) {
        if (!Files.exists(path)) throw new DataException(path, "no such file or folder; check the dataset path");
        return IdxDataset.isIdxFolder(path) ? IdxDataset.open(path, train) : ImageFolderDataset.open(path);
    }
}
