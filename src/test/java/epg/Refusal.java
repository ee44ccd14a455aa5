// docs/robustness.md (fault suite): a hostile input is refused with one line, quickly and without a big allocation.
package epg;

import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a reader on a hostile input and checks how it fails: it must throw (not return, crash the JVM or hang), within
 * {@link #TIME_LIMIT} (a guard against hangs set far above the expected milliseconds, not a timing), with a
 * one-line message holding the expected text, having allocated at most {@link #HEAP_LIMIT} on the Java heap (counted
 * per thread by the JVM), at most {@code nativeLimit} bytes through the readers' native allocations, and having grown
 * the process's peak resident memory by at most {@link #RSS_LIMIT} (Linux; skipped where /proc cannot be reset).
 */
public final class Refusal {
    public static final Duration TIME_LIMIT = Duration.ofSeconds(10);
    public static final long HEAP_LIMIT = 64L << 20, RSS_LIMIT = 256L << 20;

    /** What a refusal cost. */
    public record Cost(String message, long millis, long heapBytes, long nativeBytes, long rssGrowth) {}

    private Refusal() {}

    /**
     * Asserts that {@code reader} refuses the input with a one-line message containing every one of {@code expected}
     * (case-insensitive), within the limits; {@code allocated} counts native bytes allocated so far (or null).
     */
    public static Cost check(String name, Executable reader, LongSupplier allocated, long nativeLimit,
                             String... expected) {
        Cost c = assertTimeoutPreemptively(TIME_LIMIT, () -> run(reader, allocated), name + ": not refused within "
                + TIME_LIMIT.toSeconds() + " s (a hang?)");
        assertFalse(c.message().contains("\n"), name + ": the message has more than one line:\n" + c.message());
        assertTrue(c.message().length() <= 1000, name + ": the message is " + c.message().length() + " characters");
        for (String e : expected)
            assertTrue(c.message().toLowerCase().contains(e.toLowerCase()), name + ": the message lacks '" + e
                    + "': " + c.message());
        assertTrue(c.heapBytes() <= HEAP_LIMIT, name + ": allocated " + c.heapBytes() + " heap bytes before refusing");
        assertTrue(c.nativeBytes() <= nativeLimit, name + ": allocated " + c.nativeBytes() + " native bytes before "
                + "refusing");
        assertTrue(c.rssGrowth() <= RSS_LIMIT, name + ": peak resident memory grew by " + c.rssGrowth() + " bytes");
        return c;
    }

    private static Cost run(Executable reader, LongSupplier allocated) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long rss = resetPeak(), nat = allocated == null ? 0 : allocated.getAsLong();
        long heap = threads.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
        String message = null;
        try {
            reader.execute();
        } catch (StackOverflowError | OutOfMemoryError e) {
            fail("crashed with " + e);
        } catch (Throwable e) {
            message = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        long millis = (System.nanoTime() - t0) / 1_000_000, heapUsed = threads.getCurrentThreadAllocatedBytes() - heap;
        long natUsed = allocated == null ? 0 : allocated.getAsLong() - nat;
        long rssGrowth = rss < 0 ? 0 : Math.max(0, peak() - rss);
        if (message == null) fail("the input was accepted; it must be refused");
        return new Cost(message, millis, heapUsed, natUsed, rssGrowth);
    }

    /** Resets the process's peak resident set to its current size (Linux clear_refs 5); -1 where that fails. */
    private static long resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return status("VmRSS:");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long peak() {
        try {
            return status("VmHWM:");
        } catch (IOException e) {
            return 0;
        }
    }

    private static long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith(key)) return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
        throw new IOException(key + " not in /proc/self/status");
    }
}
