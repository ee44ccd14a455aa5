// docs/view.md: how `epg view` serves: which directories, on which address, with which limits.
package epg.view;

import java.nio.file.Path;
import java.util.List;

/**
 * @param dirs         the directories to serve (runs, demos, sample folders below them)
 * @param host         the address to bind; loopback unless the user says otherwise
 * @param port         the port (0: any free one)
 * @param queue        sampling jobs that may wait or run at once
 * @param leaseMillis  how long a sampling job lives with nobody watching or asking about it
 */
public record ViewOptions(List<Path> dirs, String host, int port, int queue, long leaseMillis) {
    public static final String LOOPBACK = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080, DEFAULT_QUEUE = 8;
    public static final long DEFAULT_LEASE_MILLIS = 15_000;

    public ViewOptions {
        dirs = List.copyOf(dirs);
        if (dirs.isEmpty()) throw new IllegalArgumentException("give at least one directory to serve");
        if (host == null || host.isBlank()) throw new IllegalArgumentException("--host must name an address");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in 0..65535, got " + port);
        if (queue < 1 || queue > 64) throw new IllegalArgumentException("--queue must be in 1..64, got " + queue);
        if (leaseMillis < 1) throw new IllegalArgumentException("the job lease must be positive");
    }

    public static ViewOptions local(List<Path> dirs, int port) {
        return new ViewOptions(dirs, LOOPBACK, port, DEFAULT_QUEUE, DEFAULT_LEASE_MILLIS);
    }

    /** Whether the address is this machine only (then requests must also name it in their Host header). */
    public boolean loopback() {
        return host.equals(LOOPBACK) || host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
    }
}
