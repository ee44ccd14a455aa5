// Spec §8 data sources: a Debian package that ships a dataset, as the distribution's archive index lists it.
package epg.data;

import java.util.List;

/**
 * A distribution package (.deb) holding a dataset's files, fetched from the mirrors in the system's apt sources.
 *
 * @param name     package name, e.g. "dataset-fashion-mnist"
 * @param poolPath the index's "Filename": the .deb's path below a mirror's URI ("pool/main/...")
 * @param size     the index's "Size" of the .deb
 * @param sha256   the index's "SHA256" of the .deb
 * @param dataDir  where the package installs the files, relative to "/" (e.g. "usr/share/datasets/fashion-mnist")
 * @param files    the dataset's files inside dataDir, with their SHA-256 as shipped in this package version
 */
public record DebianPackage(String name, String poolPath, long size, String sha256, String dataDir,
                            List<PinnedFile> files) {
    public DebianPackage {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a Debian package needs a name");
        if (poolPath == null || !poolPath.endsWith(".deb") || poolPath.startsWith("/"))
            throw new IllegalArgumentException(name + ": the pool path must be relative and end in .deb: " + poolPath);
        if (dataDir == null || dataDir.isBlank() || dataDir.startsWith("/") || files == null || files.isEmpty())
            throw new IllegalArgumentException(name + ": needs a relative data folder and at least one file");
        files = List.copyOf(files);
        deb(poolPath, size, sha256);
    }

    /** The .deb itself as a pinned file (its name: the pool path's last part). */
    public PinnedFile deb() { return deb(poolPath, size, sha256); }

    private static PinnedFile deb(String poolPath, long size, String sha256) {
        return new PinnedFile(poolPath.substring(poolPath.lastIndexOf('/') + 1), size, sha256);
    }
}
