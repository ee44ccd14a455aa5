// PyTorch's zip checkpoint: a storage named by its persistent id ("storage", type, key, location, numel).
package epg.tensor;

import java.util.regex.Pattern;

/**
 * A storage the pickle refers to, checked when it is first named: a plain key (torch.save numbers them), an element
 * count whose byte size does not overflow, and a zip entry {@code data/KEY} that holds at least that many bytes.
 *
 * @param key        the entry name under {@code data/}
 * @param dtype      element type
 * @param numel      elements
 * @param entryBytes the entry's (checked) size
 * @param packed     the entry's compressed size (its share of the archive)
 */
record PickledStorage(String key, DType dtype, long numel, long entryBytes, long packed) {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_]{1,64}");

    /** Whether {@code key} is a plain storage name (not a path such as ../x). */
    static boolean plainKey(String key) { return KEY.matcher(key).matches(); }

    long bytes() { return numel * dtype.bytes; }
}
