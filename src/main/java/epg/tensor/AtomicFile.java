// Crash-safe file writes (never corrupt earlier work): write a temporary file beside the target, force it, rename.
package epg.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Crash-safe writes: a temporary file beside the target, forced to disk, then renamed over it. */
public final class AtomicFile {
    /** The temporary files of {@link #open}: ".NAME.DIGITS.tmp" beside NAME. */
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.\\d+\\.tmp");

    private AtomicFile() {}

    /** Writes a file's content into the channel of its temporary file. */
    public interface Writer { void write(FileChannel channel) throws IOException; }

    /** Writes {@code file} so that it is either the complete new content or untouched (e.g. on a full disk). */
    public static void write(Path file, Writer writer) throws IOException {
        try (Pending p = open(file)) {
            writer.write(p.channel());
            p.commit();
        } catch (IOException | RuntimeException e) {
            throw failed(file, e);
        }
    }

    public static void writeString(Path file, String text) throws IOException {
        write(file, ch -> {
            ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) ch.write(b);
        });
    }

    /** Starts writing {@code file} for a caller that cannot hand over a {@link Writer} (e.g. a stream kept open). */
    public static Pending open(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            return new Pending(file, tmp, FileChannel.open(tmp, StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Whether {@code file} is the temporary file of a write that never finished (a crash or a full disk). */
    public static boolean isTemporary(Path file) { return TEMPORARY.matcher(file.getFileName().toString()).matches(); }

    /**
     * Deletes the temporary files in {@code dir} (not in sub-folders) that writes killed before their end left;
     * returns how many. Only the process that owns the folder may call it (a live write's file would go too).
     */
    public static int deleteTemporaries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        int n = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator)
                if (isTemporary(p) && Files.isRegularFile(p) && Files.deleteIfExists(p)) n++;
        }
        return n;
    }

    static IOException failed(Path file, Exception e) {
        return new IOException("could not write " + file + " (" + e.getMessage()
                + "); the previous file, if any, is unchanged", e);
    }

    /** A temporary file beside the target: {@link #commit} puts it in the target's place, {@link #close} deletes it. */
    public static final class Pending implements AutoCloseable {
        private final Path file, tmp;
        private final FileChannel channel;
        private boolean committed;

        private Pending(Path file, Path tmp, FileChannel channel) {
            this.file = file;
            this.tmp = tmp;
            this.channel = channel;
        }

        public FileChannel channel() { return channel; }

        /** Forces the content to disk and renames it over the target (atomically where the file system can). */
        public void commit() throws IOException {
            FaultPoints.handler().beforeRename(file, tmp);
            channel.force(true);
            channel.close();
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
            FaultPoints.handler().afterRename(file);
        }

        /** Deletes the temporary file unless committed; the target is untouched. */
        @Override
        public void close() throws IOException {
            if (committed) return;
            try (channel) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
