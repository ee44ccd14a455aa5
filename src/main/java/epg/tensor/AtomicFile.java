// Crash-safe file writes (DEVELOPERS.md): write to a temporary file beside the target, force it to disk, rename.
package epg.tensor;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

public final class AtomicFile {
    private AtomicFile() {}

    public interface Writer { void write(FileChannel channel) throws IOException; }

    /** Writes {@code file} so that it is either the complete new content or untouched (e.g. on a full disk). */
    public static void write(Path file, Writer writer) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.write(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw new IOException("could not write " + file + " (" + e.getMessage() + "); the previous file, if any, is unchanged", e);
        }
    }

    public static void writeString(Path file, String text) throws IOException {
        write(file, ch -> {
            var b = java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            while (b.hasRemaining()) ch.write(b);
        });
    }
}
