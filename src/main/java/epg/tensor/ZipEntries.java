// docs/robustness.md (sizes claimed by files): what a zip entry may hold, judged from the archive's own length.
package epg.tensor;

import java.io.IOException;
import java.util.zip.ZipEntry;

/**
 * A zip's central directory states each entry's size; a hostile archive may state anything. A stored entry cannot
 * hold more than the archive's bytes, and a deflated one no more than deflate's largest ratio (1032:1) allows, so
 * a size beyond that is refused before anything of that size is allocated.
 */
final class ZipEntries {
    /** Deflate's largest expansion: 258 bytes from a 2-bit code, about 1032 to 1. */
    static final long MAX_DEFLATE_RATIO = 1032;

    private ZipEntries() {}

    /** The entry's uncompressed size, once checked against {@code archiveLength}; {@code source} names it. */
    static long size(ZipEntry e, long archiveLength, String source) throws IOException {
        long size = e.getSize(), packed = e.getCompressedSize();
        if (size < 0 || packed < 0)
            throw new IOException(source + ": the zip entry does not state its size (a streamed zip?); re-save it");
        if (packed > archiveLength)
            throw new IOException(source + ": the zip entry claims " + packed + " stored bytes in a file of "
                    + archiveLength + " (truncated or corrupt zip)");
        long most = e.getMethod() == ZipEntry.STORED ? packed : packed * MAX_DEFLATE_RATIO + 1024;
        if (size > most)
            throw new IOException(source + ": the zip entry claims " + size + " bytes from " + packed
                    + " compressed bytes, more than " + (e.getMethod() == ZipEntry.STORED ? "it stores"
                    : "deflate can expand to") + " (corrupt or hostile zip)");
        return size;
    }
}
