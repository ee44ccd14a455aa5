// Spec §8 data sources: one file of a dataset source with its published or pinned size and SHA-256.
package epg.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A file that is used only when its SHA-256 matches.
 *
 * @param name   file name (no folder), e.g. "train-images-idx3-ubyte.gz"
 * @param size   size in bytes (a download of another size is refused before hashing)
 * @param sha256 lower-case hex SHA-256 of the whole file
 */
public record PinnedFile(String name, long size, String sha256) {
    public PinnedFile {
        if (name == null || name.isBlank() || name.contains("/"))
            throw new IllegalArgumentException("bad file name '" + name + "'");
        if (size <= 0) throw new IllegalArgumentException(name + ": size must be > 0");
        if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}"))
            throw new IllegalArgumentException(name + ": sha256 must be 64 hex digits, got '" + sha256 + "'");
        sha256 = sha256.toLowerCase(Locale.ROOT);
    }

    /** Why a file of {@code bytes} bytes with SHA-256 {@code digest} is not this one, or null when it is. */
    public String mismatch(long bytes, byte[] digest) {
        if (bytes != size) return name + " has " + bytes + " bytes, expected " + size;
        String hex = HexFormat.of().formatHex(digest);
        return hex.equals(sha256) ? null : name + " has SHA-256 " + hex + ", expected " + sha256;
    }

    /** Why {@code file} is not this one (size or SHA-256), or null when it is. */
    public String mismatch(Path file) throws IOException {
        long bytes = Files.size(file);
        if (bytes != size) return mismatch(bytes, new byte[0]);
        MessageDigest md = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return mismatch(bytes, md.digest());
    }

    /** A fresh SHA-256 digest. */
    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
