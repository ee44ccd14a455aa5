// Issue 8: what one stage of `epg demo` did and how long it took (report.html's stage table, demo.json).
package epg.demo;

/**
 * @param key     short name (also the stage's folder where it has one)
 * @param title   what the stage is, in words
 * @param seconds wall-clock time of the stage
 * @param cpuSeconds CPU time the process spent in it, all threads (wall time is inflated on a busy machine; this is not)
 * @param status  "done", "skipped" or "failed"
 * @param detail  one line: the stage's product, or why it was skipped or failed
 */
public record StageRecord(String key, String title, double seconds, double cpuSeconds, String status, String detail) {
    public static final String DONE = "done", SKIPPED = "skipped", FAILED = "failed";
}
