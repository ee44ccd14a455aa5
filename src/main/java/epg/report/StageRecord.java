// Spec §7 at demo scale: what one stage of `epg demo` did, what it was budgeted and how long it took.
package epg.report;

/**
 * @param key             short name (also the stage's folder where it has one)
 * @param title           what the stage is, in words
 * @param estimateSeconds the plan's estimate for the stage (its share of the budget); null where none was made
 * @param seconds         wall-clock time of the stage
 * @param cpuSeconds      CPU time the process spent in it, all threads (wall time grows on a busy machine; this not)
 * @param status          "done", "skipped" or "failed"
 * @param detail          one line: the stage's product, or why it was skipped or failed
 */
public record StageRecord(String key, String title, Double estimateSeconds, double seconds, double cpuSeconds,
                          String status, String detail) {
    public static final String DONE = "done", SKIPPED = "skipped", FAILED = "failed";
}
