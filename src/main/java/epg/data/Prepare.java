// Spec §8: `epg prepare` — ADM centre crop of every source image to a lossless PNG, in parallel, resumable.
package epg.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes DEST/&lt;relative path&gt;.png for every file of the source listing, then DEST/dataset.json.
 * Outputs already present are kept (they are written atomically, so present means finished);
 * a file that cannot be decoded is reported and skipped.
 */
public final class Prepare {
    private Prepare() {}

    /** A skipped file; {@code reason} names it. */
    public record Failure(Path file, String reason) {
        public Failure {
            if (!reason.startsWith(file.toString())) reason = file + ": " + reason;
        }
    }

    /** What `epg prepare` did: images written, reused from an earlier run, failed, and the manifest. */
    public record Report(int written, int reused, List<Failure> failures, DatasetManifest manifest) {}

    private enum Outcome { WRITTEN, REUSED }

    public static Report run(Path src, Path dest, int resolution, int threads, Runnable onFile) {
        return run(ImageListing.scan(src), dest, resolution, threads, onFile);
    }

    /** {@code onFile} runs once per source file, from the worker threads (a progress bar's step). */
    public static Report run(ImageListing listing, Path dest, int resolution, int threads, Runnable onFile) {
        if (resolution <= 0) throw new IllegalArgumentException("--resolution must be positive, got " + resolution);
        List<ImageListing.Entry> entries = listing.entries();
        List<String> outputs = entries.stream().map(e -> e.relative().replaceFirst("(\\.[^./]*)?$", ".png")).toList();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            Set<String> seen = new HashSet<>();
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                Path in = entries.get(i).file(), out = dest.resolve(outputs.get(i));
                futures.add(seen.add(outputs.get(i)) ? pool.submit(() -> prepareOne(in, out, resolution, onFile))
                        : java.util.concurrent.CompletableFuture.failedFuture(new DataException(in,
                        "has the same output name as another file (" + outputs.get(i) + "); rename it")));
            }
            int written = 0, reused = 0;
            List<Failure> failures = new ArrayList<>();
            List<DatasetManifest.Item> items = new ArrayList<>();
            Map<String, Integer> counts = new LinkedHashMap<>();
            listing.classes().forEach(c -> counts.put(c, 0));
            for (int i = 0; i < entries.size(); i++) {
                try {
                    if (futures.get(i).get() == Outcome.WRITTEN) written++; else reused++;
                    items.add(new DatasetManifest.Item(outputs.get(i), entries.get(i).label()));
                    counts.merge(listing.classes().get(entries.get(i).label()), 1, Integer::sum);
                } catch (ExecutionException e) {
                    failures.add(new Failure(entries.get(i).file(), String.valueOf(e.getCause().getMessage())));
                }
            }
            DatasetManifest manifest = new DatasetManifest(resolution, listing.classes(), counts, items);
            manifest.write(dest.resolve(DatasetManifest.FILE_NAME));
            return new Report(written, reused, failures, manifest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome prepareOne(Path in, Path out, int resolution, Runnable onFile) {
        try {
            if (Files.isRegularFile(out)) {
                int[] size = ImageDecoder.size(out);
                if (size != null && size[0] == resolution && size[1] == resolution) return Outcome.REUSED;
                throw new DataException(out, "already exists but is not a " + resolution + "x" + resolution
                        + " PNG (another resolution?); use a fresh destination or delete it");
            }
            ImageDecoder.writePng(CenterCrop.adm(ImageDecoder.readRgb(in), resolution), out);
            return Outcome.WRITTEN;
        } finally {
            onFile.run();
        }
    }
}
