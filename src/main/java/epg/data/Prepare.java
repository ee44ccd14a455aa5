// Spec §8: `epg prepare` — ADM centre crop of every source image to a lossless PNG, in parallel, resumable.
package epg.data;

import epg.tensor.AtomicFile;
import epg.tensor.FolderLock;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.stream.Stream;

/**
 * Writes DEST/&lt;relative path&gt;.png for every file of the source listing, then DEST/dataset.json.
 * Outputs already present are kept when they carry their source's size and modification time ({@link PreparedPng});
 * a source changed since is prepared again. A file that cannot be decoded is reported and skipped (a stale output of
 * it is deleted); a failed write (a full disk) stops the run, naming the file. DEST is locked while the run writes,
 * and temporary files of an earlier, killed run are deleted first.
 */
public final class Prepare {
    private Prepare() {}

    /** A skipped file; {@code reason} names it. */
    public record Failure(Path file, String reason) {
        public Failure {
            if (!reason.startsWith(file.toString())) reason = file + ": " + reason;
        }
    }

    /**
     * What `epg prepare` did: images written, reused from an earlier run, failed, and the manifest; {@code redone}: of
     * the {@code written}, those that replaced the output of a source changed since.
     */
    public record Report(int written, int redone, int reused, List<Failure> failures, DatasetManifest manifest) {}

    private enum Outcome { WRITTEN, REDONE, REUSED }

    /** A write into DEST failed: the whole run stops (unlike a bad source file, which is skipped). */
    private static final class WriteFailed extends RuntimeException {
        WriteFailed(UncheckedIOException e) { super(e.getMessage(), e); }
    }

    public static Report run(Path src, Path dest, int resolution, int threads, Runnable onFile) {
        return run(ImageListing.scan(src), dest, resolution, threads, onFile);
    }

    /** {@code onFile} runs once per source file, from the worker threads (a progress bar's step). */
    public static Report run(ImageListing listing, Path dest, int resolution, int threads, Runnable onFile) {
        if (resolution <= 0) throw new IllegalArgumentException("--resolution must be positive, got " + resolution);
        if ((long) resolution * resolution > ImageDecoder.maxPixels())
            throw new IllegalArgumentException("--resolution " + resolution + " makes images of more than the "
                    + ImageDecoder.maxPixels() + " pixels images may have (" + ImageDecoder.MAX_PIXELS_ENV + ")");
        try (FolderLock lock = FolderLock.acquire(dest, "destination folder")) {
            deleteTemporaries(dest);
            return runLocked(listing, dest, resolution, threads, onFile);
        } catch (IOException e) {
            throw new UncheckedIOException(dest + ": " + e.getMessage(), e);
        }
    }

    /** Temporary files that writes of a killed run left anywhere under DEST. */
    private static void deleteTemporaries(Path dest) throws IOException {
        try (Stream<Path> dirs = Files.walk(dest)) {
            for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) AtomicFile.deleteTemporaries(d);
        }
    }

    private static Report runLocked(ImageListing listing, Path dest, int resolution, int threads, Runnable onFile) {
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
            int written = 0, redone = 0, reused = 0;
            List<Failure> failures = new ArrayList<>();
            List<DatasetManifest.Item> items = new ArrayList<>();
            Map<String, Integer> counts = new LinkedHashMap<>();
            listing.classes().forEach(c -> counts.put(c, 0));
            for (int i = 0; i < entries.size(); i++) {
                try {
                    Outcome o = futures.get(i).get();
                    if (o == Outcome.REUSED) reused++; else written++;
                    if (o == Outcome.REDONE) redone++;
                    items.add(new DatasetManifest.Item(outputs.get(i), entries.get(i).label()));
                    counts.merge(listing.classes().get(entries.get(i).label()), 1, Integer::sum);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof WriteFailed w) throw (UncheckedIOException) w.getCause();
                    failures.add(new Failure(entries.get(i).file(), String.valueOf(e.getCause().getMessage())));
                }
            }
            DatasetManifest manifest = new DatasetManifest(resolution, listing.classes(), counts, items);
            manifest.write(dest.resolve(DatasetManifest.FILE_NAME));
            return new Report(written, redone, reused, failures, manifest);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Outcome prepareOne(Path in, Path out, int resolution, Runnable onFile) {
        try {
            String stamp = PreparedPng.stampOf(in);
            boolean stale = Files.isRegularFile(out);
            if (stale) {
                int[] size = ImageDecoder.size(out);
                if (size != null && (size[0] != resolution || size[1] != resolution))
                    throw new DataException(out, "already exists but is not a " + resolution + "x" + resolution
                            + " PNG (another resolution?); use a fresh destination or delete it");
                if (stamp.equals(PreparedPng.stamp(out))) return Outcome.REUSED;
            }
            ByteImage crop;
            try {
                crop = CenterCrop.adm(ImageDecoder.readRgb(in), resolution);
            } catch (RuntimeException e) {
                if (stale) deleteStale(out);
                throw e;
            }
            try {
                PreparedPng.write(crop, out, stamp);
            } catch (UncheckedIOException e) {
                throw new WriteFailed(e);
            }
            return stale ? Outcome.REDONE : Outcome.WRITTEN;
        } finally {
            onFile.run();
        }
    }

    /** The output of a source that changed and no longer decodes: it shows the old image, so it goes. */
    private static void deleteStale(Path out) {
        try {
            Files.deleteIfExists(out);
        } catch (IOException e) {
            throw new WriteFailed(new UncheckedIOException(out + ": cannot delete the output of a changed source ("
                    + e.getMessage() + ")", e));
        }
    }
}
