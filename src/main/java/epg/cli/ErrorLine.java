// docs/robustness.md (errors): every failure of a command is reported as one line naming the thing and the problem.
package epg.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The one line printed for an exception: file-system errors (whose message is a bare path) say what went wrong with
 * the path; a multi-line message (libtorch's C++ frames, a library's troubleshooting link) keeps its first line.
 */
final class ErrorLine {
    private static final int MAX = 1000;

    private ErrorLine() {}

    static String of(Throwable e) {
        String line = firstLine(e instanceof FileSystemException f ? fileSystem(f) : message(e));
        return line.isBlank() ? e.getClass().getSimpleName() : line;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) return e.getClass().getSimpleName() + (e.getCause() == null ? ""
                : ": " + message(e.getCause()));
        return e instanceof OutOfMemoryError ? "out of memory (" + m + ")" : m;
    }

    private static String fileSystem(FileSystemException e) {
        String path = e.getFile() == null ? "" : e.getFile();
        String what = e instanceof FileAlreadyExistsException ? "already exists (as a file where a folder is needed?)"
                : e instanceof NoSuchFileException ? "does not exist"
                : e instanceof NotDirectoryException ? "is not a folder"
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof DirectoryNotEmptyException ? "is a folder that is not empty"
                : e.getReason() != null ? e.getReason() : "cannot be used";
        String other = e.getOtherFile() == null ? "" : " (with " + e.getOtherFile() + ")";
        return path + other + ": " + what;
    }

    /** The first line, at most {@link #MAX} characters (a message may quote a whole hostile input). */
    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = (nl < 0 ? s : s.substring(0, nl)).strip();
        return line.length() <= MAX ? line : line.substring(0, MAX - 3) + "...";
    }
}
