// docs/reliability.md "one process per folder": an exclusive OS lock on a run directory or other output folder.
package epg.tensor;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The lock of a folder: {@value #FILE} inside it, locked with {@link FileChannel#tryLock} (fcntl) and holding the
 * holder's PID and host. A second process is refused with that line; the operating system drops the lock when its
 * holder ends however it ends (kill -9 included), so a lock is never stale. The file stays (deleting it would let two
 * processes lock different files of one name).
 */
public final class FolderLock implements AutoCloseable {
    public static final String FILE = ".lock";

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code folder} (created when absent) for this process, or throws an {@link IllegalStateException} naming
     * the process that holds it; {@code option} is what the user changes to pick another folder (e.g. "--out").
     * Where the file system has no locks (some network mounts) a warning is printed and the folder is used unlocked.
     */
    public static FolderLock acquire(Path folder, String option) throws IOException {
        if (Files.exists(folder) && !Files.isDirectory(folder))
            throw new IllegalArgumentException(option + " " + folder + " is a file, not a folder; give a folder");
        Files.createDirectories(folder);
        Path file = folder.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this process holds it already
        } catch (IOException e) {
            System.err.println("warning: cannot lock " + file + " (" + e.getMessage() + "); make sure no other "
                    + "process writes to " + folder);
            return new FolderLock(ch, null);
        }
        if (lock == null) {
            String holder = holder(file);
            ch.close();
            throw new IllegalStateException(folder + " is in use by " + holder + "; wait for it to end, or use "
                    + "another " + option);
        }
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(describeThisProcess().getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(false);
        return new FolderLock(ch, lock);
    }

    /** "process PID on host HOST since TIME": what {@value #FILE} holds while the folder is locked. */
    static String describeThisProcess() {
        return "process " + ProcessHandle.current().pid() + " on host " + hostName() + " since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n";
    }

    private static String holder(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).strip();
            return s.isEmpty() ? "another process (it has not written its PID yet)" : s;
        } catch (IOException e) {
            return "another process";
        }
    }

    private static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) return h;
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "an unknown host";
        }
    }

    /** Empties the file and releases the lock. */
    @Override
    public void close() throws IOException {
        try (channel) {
            if (lock != null && lock.isValid()) {
                channel.truncate(0);
                lock.release();
            }
        }
    }
}
