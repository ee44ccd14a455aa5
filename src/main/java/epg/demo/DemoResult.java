// Issue 8: everything `epg demo` measured, written as RUN/demo.json and rendered as RUN/report.html.
package epg.demo;

import java.util.List;

/**
 * @param plan         the counts the run used
 * @param threads      libtorch threads
 * @param bf16         whether training ran under bf16 autocast
 * @param rcmEncoder   the RCM encoder defining FD_RCM, relative to the run directory
 * @param inception    the Inception weights used for FID, null when none were given
 * @param stages       every stage in order, with its wall time
 * @param metrics      one row per sampled model
 * @param totalSeconds wall time of the whole demo
 * @param cpuSeconds   CPU time of the whole demo (all threads)
 * @param loadAverage  the machine's 1-minute load average at the end (wall times mean little when it exceeds the core count)
 * @param finished     when the demo ended (ISO-8601)
 * @param notes        caveats the reader needs (stages that could not run, what the numbers mean)
 */
public record DemoResult(DemoPlan plan, int threads, boolean bf16, String rcmEncoder, String inception, List<StageRecord> stages,
                         List<MetricRow> metrics, double totalSeconds, double cpuSeconds, double loadAverage, String finished, List<String> notes) {}
