// One `epg evaluate` result (spec §7 metrics), serialised as the command's JSON report.
package epg.metrics;

import java.util.List;

/**
 * Metrics are null when the extractor or the reference cannot give them; {@code notes} says why.
 *
 * @param extractor           the feature space: "inception-v3-fid" or "rcm:&lt;file&gt;"
 * @param extractorFile       the absolute path of the extractor's weights (null: built in memory)
 * @param extractorSha256     their SHA-256 (null with no file)
 * @param samples             the image set evaluated (an {@code epg sample} folder resolves to its samples.npz)
 * @param sampleCount         its number of images
 * @param reference           the reference batch
 * @param referenceCount      its number of images (0 when only its statistics were used)
 * @param referenceStatistics where the reference μ/Σ came from: "file" (ADM's mu/sigma) or "arr_0" (computed)
 * @param fdMetric            what {@code fd} is: "fid" (Inception-v3 features) or "fd_rcm" (an RCM encoder's)
 * @param fd                  the Fréchet distance between the two feature distributions
 * @param sfid                sFID (Inception only)
 * @param inceptionScore      Inception Score, 10 splits (Inception only)
 * @param precision           improved precision, k = 3
 * @param recall              improved recall, k = 3
 * @param notes               why a metric is missing
 */
public record EvaluationResult(String extractor, String extractorFile, String extractorSha256, String samples,
                               long sampleCount, String reference, long referenceCount, String referenceStatistics,
                               String fdMetric, Double fd, Double sfid, Double inceptionScore, Double precision,
                               Double recall, List<String> notes) {
    /** The names {@code fdMetric} takes. */
    public static final String FID = "fid", FD_RCM = "fd_rcm";

    /** The FID: {@code fd} when the features are Inception's, else null. */
    public Double fid() { return FID.equals(fdMetric) ? fd : null; }
}
