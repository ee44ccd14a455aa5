// Spec §8: the one error type of the data pipeline; its message names the file and what to do.
package epg.data;

import java.nio.file.Path;

/** A data file or folder that cannot be used; the message starts with its path. */
public final class DataException extends IllegalArgumentException {
    private final Path path;

    public DataException(Path path, String problem) { this(path, problem, null); }

    public DataException(Path path, String problem, Throwable cause) {
        super(path + ": " + problem, cause);
        this.path = path;
    }

    public Path path() { return path; }
}
