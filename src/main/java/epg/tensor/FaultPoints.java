// docs/reliability.md "fault suite": the moments of a write at which a test may stop the process or fail the write.
package epg.tensor;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Named points in the paths that write run directories, samples and prepared datasets. Nothing happens at them unless
 * a test installs a {@link Handler}: the fault suite stops the process there (kill -9 at a chosen phase) or throws
 * the error a full disk gives, and checks that a re-run ends with the files of an uninterrupted run.
 */
public final class FaultPoints {
    private FaultPoints() {}

    /** What a test does at each point; every method may throw (a failed write) or never return (a killed process). */
    public interface Handler {
        /** The new content of {@code file} is complete in {@code temp}; next it is forced and renamed over it. */
        default void beforeRename(Path file, Path temp) throws IOException {}

        /** {@code file} has just been renamed into place. */
        default void afterRename(Path file) throws IOException {}

        /** {@code line} (UTF-8, with its newline) is about to be appended to {@code file}. */
        default void beforeAppend(Path file, byte[] line) throws IOException {}

        /** {@code file}, part of an old checkpoint, is about to be deleted. */
        default void beforeDelete(Path file) throws IOException {}
    }

    private static final Handler NONE = new Handler() {};
    private static volatile Handler handler = NONE;

    /** Installs {@code h} for this process (null: none). */
    public static void install(Handler h) { handler = h == null ? NONE : h; }

    public static Handler handler() { return handler; }
}
