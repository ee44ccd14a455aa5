// Spec §6 sampling driver: an output folder holds one sampling only (sampling.json names its model and settings).
package epg.sample;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.tensor.AtomicFile;
import epg.tensor.FolderLock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Before a sampling writes into a folder: the folder is locked, temporary files of a killed sampling go, and the
 * folder must be empty or hold an earlier sampling of the same model file (path, size, modification time) and the
 * same settings, seeds and labels ({@value #RECORD}), which the new one then rewrites image for image. Anything else
 * is refused unless {@code overwrite}, which deletes the earlier sampling's files first; files a sampling never
 * writes are never deleted (their folder is refused).
 */
public final class SampleFolder {
    public static final String RECORD = "sampling.json";
    /** The record's description of the last sampling into the folder (not compared). */
    public static final String RUN = "run";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
            .serializeSpecialFloatingPointValues().create();
    /** What a sampling writes: SEED.png, grid.png, samples.npz, samples.npy (--save-float) and the record. */
    private static final Pattern OURS = Pattern.compile("-?\\d+\\.png|" + Pattern.quote(SampleRun.GRID) + "|"
            + Pattern.quote(SampleRun.NPZ) + "|" + Pattern.quote(SampleRun.FLOATS) + "|" + Pattern.quote(RECORD));

    private SampleFolder() {}

    /**
     * The record of a sampling: the model file's identity, {@code settings} (what changes the images; not the batch
     * size) and a digest of the (seed, label) list.
     */
    public static JsonObject record(Path model, Map<String, ?> settings, long[] seeds, int[] labels)
            throws IOException {
        JsonObject o = new JsonObject();
        BasicFileAttributes a = Files.readAttributes(model, BasicFileAttributes.class);
        JsonObject m = new JsonObject();
        m.addProperty("file", model.toAbsolutePath().normalize().toString());
        m.addProperty("size", a.size());
        m.addProperty("modified", a.lastModifiedTime().toString());
        o.add("model", m);
        o.add("settings", GSON.toJsonTree(settings));
        o.addProperty("images", seeds.length);
        o.addProperty("seedsLabelsSha256", digest(seeds, labels));
        return o;
    }

    /**
     * Locks {@code out} for this sampling and checks it as the class comment says; the caller samples while holding
     * the returned lock.
     */
    public static FolderLock claim(Path out, JsonObject record, boolean overwrite) throws IOException {
        FolderLock lock = FolderLock.acquire(out, "--out");
        try {
            AtomicFile.deleteTemporaries(out);
            List<Path> ours = new ArrayList<>(), others = new ArrayList<>();
            try (Stream<Path> files = Files.list(out)) {
                files.filter(p -> !p.getFileName().toString().equals(FolderLock.FILE))
                        .forEach(p -> (Files.isRegularFile(p) && OURS.matcher(p.getFileName().toString()).matches()
                                ? ours : others).add(p));
            }
            boolean same = sameRecord(out.resolve(RECORD), record);
            if (!others.isEmpty() && !same)
                throw new IllegalArgumentException("--out " + out + " holds files a sampling does not write ("
                        + names(others) + "); give an empty or new folder");
            if (!ours.isEmpty() && !same) {
                if (!overwrite)
                    throw new IllegalArgumentException("--out " + out + " holds " + describe(out.resolve(RECORD))
                            + "; use a new folder, or --overwrite to delete those samples first");
                for (Path p : ours) Files.delete(p);
            }
            AtomicFile.writeString(out.resolve(RECORD), GSON.toJson(record) + "\n");
            return lock;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Adds {@code run} (how the sampling ran: batch, seconds, the invocation's command line, version and machine) to
     * the record of {@code out} under "run", which the sameness check ignores.
     */
    public static void recordRun(Path out, JsonObject run) throws IOException {
        JsonObject o = JsonParser.parseString(Files.readString(out.resolve(RECORD))).getAsJsonObject();
        o.add(RUN, run);
        AtomicFile.writeString(out.resolve(RECORD), GSON.toJson(o) + "\n");
    }

    private static boolean sameRecord(Path file, JsonObject record) {
        if (!Files.isRegularFile(file)) return false;
        try {
            JsonElement stored = JsonParser.parseString(Files.readString(file));
            if (stored.isJsonObject()) stored.getAsJsonObject().remove(RUN);
            return stored.equals(JsonParser.parseString(GSON.toJson(record)));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String describe(Path record) {
        if (!Files.isRegularFile(record)) return "samples of an unknown model and settings (no " + RECORD + ")";
        return "the samples of another model or other settings (see " + record + ")";
    }

    private static String names(List<Path> files) {
        List<String> n = files.stream().map(p -> p.getFileName().toString()).sorted().limit(3).toList();
        return String.join(", ", n) + (files.size() > 3 ? " and " + (files.size() - 3) + " more" : "");
    }

    private static String digest(long[] seeds, int[] labels) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(12);
            for (int i = 0; i < seeds.length; i++) {
                md.update(b.clear().putLong(seeds[i]).putInt(labels[i]).array());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
