// Spec §8 data sources: a dataset's canonical files as its authors publish them, with pinned SHA-256.
package epg.data;

import java.net.URI;
import java.util.List;

/**
 * The authors' download location: each file is {@code base} + its name.
 *
 * @param base  folder URI ending in "/"
 * @param files the files with their SHA-256 (of the authors' bytes, which may differ from a distribution's repack)
 */
public record UpstreamFiles(URI base, List<PinnedFile> files) {
    public UpstreamFiles {
        if (base == null || !base.toString().endsWith("/"))
            throw new IllegalArgumentException("the upstream base URI must end in '/': " + base);
        if (files == null || files.isEmpty()) throw new IllegalArgumentException(base + ": no files");
        files = List.copyOf(files);
    }

    public URI uri(PinnedFile file) { return base.resolve(file.name()); }
}
