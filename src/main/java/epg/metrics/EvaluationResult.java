// One `epg evaluate` result (spec §7 metrics), serialised as the command's JSON report.
package epg.metrics;

import java.util.List;

/**
 * Metrics are null when the extractor or the reference cannot give them; {@code notes} says why.
 *
 * @param extractor           the feature space: "inception-v3-fid" or "rcm:&lt;file&gt;"
 * @param referenceStatistics where the reference μ/Σ came from: "file" (ADM's mu/sigma) or "arr_0" (computed)
 */
public record EvaluationResult(String extractor, String samples, long sampleCount, String reference,
                               long referenceCount, String referenceStatistics, Double fid, Double sfid,
                               Double inceptionScore, Double precision, Double recall, List<String> notes) {}
