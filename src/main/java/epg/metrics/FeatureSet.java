// The features of a whole image set (spec §7: 50k samples, or a reference batch), extracted batch by batch.
package epg.metrics;

import epg.tensor.Scope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Row i of every tensor belongs to image i; spatial and logits are null when the extractor has none, and all three
 * when images were read without an extractor.
 */
public record FeatureSet(long count, Tensor pool, Tensor spatial, Tensor logits) {
    /** Receives each batch of images as it is read (e.g. to copy them into a reference file). */
    public interface ImageSink { void accept(Tensor images) throws IOException; }

    /**
     * Reads every image of {@code source} in batches of {@code batch}, hands each batch to {@code sink} (may be null)
     * and, when {@code extractor} is not null, extracts its features; reports progress on {@code log} (may be null).
     */
    public static FeatureSet collect(FeatureExtractor extractor, ImageSource source, int batch, ImageSink sink,
            PrintWriter log) throws IOException {
        List<Tensor> pool = new ArrayList<>(), spatial = new ArrayList<>(), logits = new ArrayList<>();
        long done = 0, total = source.count(), reportEvery = Math.max(1, total / 10);
        while (done < total) {
            try (Scope s = Scope.open()) {
                Tensor images = source.next(batch);
                if (images.size(0) == 0)
                    throw new IOException("the image set ended after " + done + " of " + total + " images");
                if (sink != null) sink.accept(images);
                if (extractor != null) add(extractor.extract(images), pool, spatial, logits);
                long before = done;
                done += images.size(0);
                if (log != null && extractor != null && (done / reportEvery != before / reportEvery || done == total))
                    log.printf("  %s: %d/%d images%n", extractor.id(), done, total).flush();
            }
        }
        return new FeatureSet(total, cat(pool), cat(spatial), cat(logits));
    }

    private static void add(Features f, List<Tensor> pool, List<Tensor> spatial, List<Tensor> logits) {
        pool.add(Scope.keep(f.pool().clone()));
        if (f.spatial() != null) spatial.add(Scope.keep(f.spatial().clone()));
        if (f.logits() != null) logits.add(Scope.keep(f.logits().clone()));
    }

    private static Tensor cat(List<Tensor> parts) {
        if (parts.isEmpty()) return null;
        try (Scope s = Scope.open()) {
            return Scope.keep(torch.cat(new TensorVector(parts.toArray(new Tensor[0])), 0));
        }
    }
}
