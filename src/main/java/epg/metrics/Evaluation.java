// `epg evaluate`'s work (spec §7, ADM evaluator's main): features of samples and reference, then every metric.
package epg.metrics;

import epg.tensor.DType;
import epg.tensor.Npz;
import epg.tensor.Scope;
import epg.tensor.Sha256;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * As ADM: the reference's mu/sigma (and mu_s/sigma_s) are used when the file has them and the features are
 * Inception's; otherwise they are computed from its arr_0 images, which precision/recall always need.
 */
public final class Evaluation {
    private Evaluation() {}

    public static EvaluationResult run(FeatureExtractor extractor, Path samples, Path reference, int batch,
            PrintWriter log) throws IOException {
        RefStats file = RefStats.read(reference);
        boolean inception = InceptionV3.ID.equals(extractor.id()), fileStats = inception && file.pool() != null;
        if (!file.hasImages() && !fileStats)
            throw new IOException(reference + " has neither arr_0 images nor "
                    + (inception ? "mu/sigma statistics" : "images to compute " + extractor.id() + " statistics from"));
        List<String> notes = new ArrayList<>();
        if (!inception)
            notes.add("sFID and Inception Score need Inception features (pass --inception "
                    + InceptionV3.WEIGHTS_FILE + ")");
        if (!file.hasImages())
            notes.add("precision/recall need the reference images (arr_0), which " + reference.getFileName()
                    + " lacks");
        try (Scope s = Scope.open()) {
            FeatureSet sam = features(extractor, samples, batch, log);
            FeatureSet ref = file.hasImages() ? features(extractor, reference, batch, log) : null;
            FeatureStats refPool = fileStats ? file.pool() : FeatureStats.of(ref.pool());
            Double sfid = sfid(sam, ref, file, notes);
            PrecisionRecall pr = precisionRecall(sam, ref, notes);
            Path weights = extractor.file();
            return new EvaluationResult(extractor.id(), weights == null ? null : weights.toAbsolutePath().toString(),
                    weights == null ? null : Sha256.of(weights), samples.toString(), sam.count(), reference.toString(),
                    ref == null ? 0 : ref.count(), fileStats ? "file" : "arr_0",
                    inception ? EvaluationResult.FID : EvaluationResult.FD_RCM,
                    FrechetDistance.between(FeatureStats.of(sam.pool()), refPool), sfid, inceptionScore(sam, notes),
                    pr == null ? null : pr.precision(), pr == null ? null : pr.recall(), notes);
        }
    }

    /** sFID against the file's mu_s/sigma_s (Inception features only, as the file's are), else the reference's. */
    private static Double sfid(FeatureSet sam, FeatureSet ref, RefStats file, List<String> notes) {
        if (sam.spatial() == null) return null;
        FeatureStats refSpatial = file.spatial() != null ? file.spatial()
                : ref != null ? FeatureStats.of(ref.spatial()) : null;
        if (refSpatial == null) notes.add("sFID needs mu_s/sigma_s or arr_0 in the reference");
        return refSpatial == null ? null : FrechetDistance.between(FeatureStats.of(sam.spatial()), refSpatial);
    }

    private static Double inceptionScore(FeatureSet sam, List<String> notes) {
        if (sam.logits() == null) return null;
        if (sam.count() >= InceptionScore.SPLITS) return InceptionScore.of(sam.logits());
        notes.add("the Inception Score needs at least " + InceptionScore.SPLITS + " samples (one per split)");
        return null;
    }

    private static PrecisionRecall precisionRecall(FeatureSet sam, FeatureSet ref, List<String> notes) {
        if (ref == null) return null;
        if (Math.min(sam.count(), ref.count()) > PrecisionRecall.K) return PrecisionRecall.of(ref.pool(), sam.pool());
        notes.add("precision/recall need more than k = " + PrecisionRecall.K + " samples and reference images");
        return null;
    }

    private static FeatureSet features(FeatureExtractor extractor, Path images, int batch, PrintWriter log)
            throws IOException {
        try (ImageSource source = ImageSource.open(images)) {
            log.println(images + ":");
            return FeatureSet.collect(extractor, source, batch, null, log);
        }
    }

    /**
     * Writes an ADM-style reference batch: arr_0 (the images, uint8 NHWC) and, with the Inception extractor, mu, sigma,
     * mu_s, sigma_s. Other extractors' statistics depend on their checkpoint and are computed from arr_0 when
     * evaluating.
     */
    public static long makeReference(FeatureExtractor extractor, Path data, Path out, int batch, PrintWriter log)
            throws IOException {
        boolean inception = extractor != null && InceptionV3.ID.equals(extractor.id());
        try (ImageSource source = ImageSource.open(data); Scope s = Scope.open()) {
            long[] shape = source.imageShape();
            Npz.write(out, w -> {
                FeatureSet f;
                try (Npz.RowWriter images = w.begin("arr_0", DType.U8, source.count(), shape[0], shape[1], shape[2])) {
                    f = FeatureSet.collect(inception ? extractor : null, source, batch, images::write, log);
                }
                if (!inception) return;
                var stats = RefStats.arrays(FeatureStats.of(f.pool()), FeatureStats.of(f.spatial()));
                for (var e : stats.entrySet()) w.put(e.getKey(), e.getValue());
            });
            return source.count();
        }
    }
}
