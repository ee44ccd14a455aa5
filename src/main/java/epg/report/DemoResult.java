// Spec §7 at demo scale: everything `epg demo` measured, written as RUN/demo.json and rendered as RUN/report.html.
package epg.report;

import java.util.List;

/**
 * A plain record: the report reads nothing else but the stages' logs and images in the run directory.
 *
 * @param budgetMinutes   the wall-clock budget the plan was sized for
 * @param smoke           the test-suite run (a few steps per stage; the numbers only show that every stage ran)
 * @param plan            the plan's counts, in words, in order
 * @param referenceImages test images in the reference set
 * @param threads         libtorch threads
 * @param bf16            whether training and sampling ran under bf16 autocast
 * @param rcmEncoder      the RCM encoder defining FD_RCM, relative to the run directory
 * @param inception       the Inception weights used for FID, null when none were given
 * @param stages          every stage in order, with its estimate and wall time
 * @param metrics         one row per sampled model
 * @param totalSeconds    wall time of the whole demo
 * @param cpuSeconds      CPU time of the whole demo (all threads)
 * @param loadAverage     the machine's 1-minute load average at the end (wall times mean little above the core count)
 * @param finished        when the demo ended (ISO-8601)
 * @param notes           caveats the reader needs (stages that could not run, what the numbers mean)
 */
public record DemoResult(double budgetMinutes, boolean smoke, List<PlanItem> plan, int referenceImages, int threads,
                         boolean bf16, String rcmEncoder, String inception, List<StageRecord> stages,
                         List<MetricRow> metrics, double totalSeconds, double cpuSeconds, double loadAverage,
                         String finished, List<String> notes) {
    /** One count of the plan: what it is and its value. */
    public record PlanItem(String name, String value) {}

    /** The sum of the stages' estimates (seconds; stages without one count 0). */
    public double estimateSeconds() {
        return stages.stream().mapToDouble(s -> s.estimateSeconds() == null ? 0 : s.estimateSeconds()).sum();
    }
}
