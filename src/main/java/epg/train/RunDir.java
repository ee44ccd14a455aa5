// The self-describing run directory (docs/architecture.md): config.json, log.jsonl, checkpoints/step-N/, latest.
package epg.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import epg.config.Json;
import epg.nn.Module;
import epg.tensor.AtomicFile;
import epg.tensor.Checkpoints;
import epg.tensor.FaultPoints;
import epg.tensor.FolderLock;
import epg.tensor.Rng;
import epg.tensor.Safetensors;
import epg.tensor.TensorSource;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Layout: {@code config.json} (the resolved configuration), {@code log.jsonl} (one JSON object per logged step),
 * {@code checkpoints/step-N/} holding {@code NAME.safetensors} per module, {@code optimizer.safetensors},
 * {@code rng.safetensors} and {@code state.json}, and {@code checkpoints/latest} naming the newest complete one.
 * Every file is written atomically and {@code latest} only after the whole step directory, so a crash at any
 * moment leaves the previous checkpoint usable.
 */
public final class RunDir {
    public static final String CONFIG = "config.json", LOG = "log.jsonl", CHECKPOINTS = "checkpoints",
            LATEST = "latest";
    /** A checkpoint's scalar state, written last: a step directory is complete exactly when it holds this file. */
    private static final String STATE = "state.json", STEP_PREFIX = "step-";
    /** Top-level configuration keys that only steer the process (not the result): a resumed run may change them. */
    private static final Set<String> RUN_CONTROL = RunControl.keys();
    /** config.json's list of the command lines, versions and machines that ran this directory, oldest first. */
    public static final String INVOCATIONS = "invocations";
    /** Top-level keys that describe a run rather than set it: never compared on resume. */
    private static final Set<String> DESCRIPTIVE = Set.of(INVOCATIONS, "effectiveLr");
    private final Path root;

    public RunDir(Path root) { this.root = root; }

    public Path root() { return root; }

    public Path file(String name) { return root.resolve(name); }

    public Path checkpoints() { return root.resolve(CHECKPOINTS); }

    /**
     * Writes {@code config.json}, or, when the directory already holds a run, checks that it is the same
     * configuration apart from its {@link RunControl} settings (a resumed run must not silently change its settings).
     * A setting the stored file lacks (added by a later version) matches when it holds its neutral value
     * (0, false, null) or the value its record gives a missing key (the documented default, which is the behaviour
     * of the versions before it), so an upgrade does not strand a run half-way.
     */
    public void writeConfig(Object config) throws IOException { writeConfig(config, Set.of(), new JsonObject(), null); }

    /**
     * {@link #writeConfig(Object)} where the settings named in {@code mayChange} may differ from the stored ones too
     * ({@code epg train --resume RUN --steps N}), with {@code derived} (values computed from the settings, such as
     * the effective learning rate) at the top level and {@code invocation} appended to the file's "invocations" list.
     * Neither is compared. A mismatch names every differing setting with its stored and its new value.
     */
    public void writeConfig(Object config, Set<String> mayChange, JsonObject derived, Invocation invocation)
            throws IOException {
        requireUsable(root);
        Path f = file(CONFIG);
        String text = Json.pretty(config);
        JsonElement tree = JsonParser.parseString(text);
        JsonElement stored = Files.exists(f) ? stored(f) : null;
        if (!tree.isJsonObject() || stored != null && !stored.isJsonObject()) {
            if (stored != null && !stored.equals(tree))
                throw new IllegalArgumentException(root + " holds a run with another configuration (see " + f + ")");
            AtomicFile.writeString(f, text + "\n");
            return;
        }
        JsonObject now = tree.getAsJsonObject();
        JsonArray invocations = new JsonArray();
        if (stored != null) {
            JsonObject old = stored.getAsJsonObject();
            List<String> differ = new ArrayList<>(), reread = new ArrayList<>();
            differences("", comparable(old, mayChange), comparable(now, mayChange), differ);
            if (!differ.isEmpty()) // keys an earlier version lacks: compare what its record makes of them
                differences("", comparable(reread(old, config.getClass()), mayChange), comparable(now, mayChange),
                        reread);
            if (!differ.isEmpty() && !reread.isEmpty())
                throw new IllegalArgumentException(root + " holds a run with other settings: " + String.join("; ",
                        differ) + " (stored in " + f + "); resume it as it was (epg train|pretrain --resume " + root
                        + ", where --steps N extends it), or use a new --out directory");
            if (old.has(INVOCATIONS) && old.get(INVOCATIONS).isJsonArray())
                invocations = old.getAsJsonArray(INVOCATIONS);
        }
        derived.entrySet().forEach(e -> now.add(e.getKey(), e.getValue()));
        if (invocation != null) invocations.add(JsonParser.parseString(Json.compact(invocation)));
        if (!invocations.isEmpty()) now.add(INVOCATIONS, invocations);
        AtomicFile.writeString(f, Json.pretty(now) + "\n");
    }

    /** The stored config.json, parsed with bounded nesting; a damaged one is an error saying what to do. */
    private static JsonElement stored(Path f) throws IOException {
        try {
            return Json.tree(Files.readString(f), f.toString());
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(ex.getMessage() + "; restore it or use a new --out directory", ex);
        }
    }

    /** The stored settings read into their record and written again (missing keys take their defaults). */
    private static JsonObject reread(JsonObject stored, Class<?> type) {
        try {
            JsonElement e = JsonParser.parseString(Json.pretty(Json.parse(stored.toString(), type, CONFIG)));
            return e.isJsonObject() ? e.getAsJsonObject() : stored;
        } catch (RuntimeException e) { // not readable as this record: compare the file as it is
            return stored;
        }
    }

    /** A run directory must be a folder or not exist yet: an existing file is refused before any work starts. */
    public static void requireUsable(Path root) {
        if (Files.exists(root) && !Files.isDirectory(root))
            throw new IllegalArgumentException(root + " is an existing file, not a run directory; give --out a "
                    + "folder (new, or an earlier run to resume)");
    }

    /** Adds "key stored -> now" to {@code out} for every setting that differs (nested keys joined by dots). */
    private static void differences(String key, JsonElement stored, JsonElement now, List<String> out) {
        if (!stored.isJsonObject() || !now.isJsonObject()) {
            if (!stored.equals(now)) out.add((key.isEmpty() ? "the configuration" : key) + " " + stored + " -> " + now);
            return;
        }
        JsonObject a = stored.getAsJsonObject(), b = now.getAsJsonObject();
        for (String k : a.keySet()) {
            String name = key.isEmpty() ? k : key + "." + k;
            if (!b.has(k)) out.add(name + " " + a.get(k) + " -> (absent)");
            else differences(name, a.get(k), b.get(k), out);
        }
        for (String k : b.keySet())
            if (!a.has(k) && !neutral(b.get(k)))
                out.add((key.isEmpty() ? k : key + "." + k) + " (absent) -> " + b.get(k));
    }

    private static boolean neutral(JsonElement e) {
        if (e.isJsonNull()) return true;
        if (!e.isJsonPrimitive()) return false;
        JsonPrimitive p = e.getAsJsonPrimitive();
        return p.isBoolean() ? !p.getAsBoolean() : p.isNumber() && p.getAsDouble() == 0;
    }

    /** The settings of a config.json object: without run control, derived values, invocations and {@code skip}. */
    private static JsonObject comparable(JsonObject config, Set<String> skip) {
        JsonObject o = config.deepCopy();
        RUN_CONTROL.forEach(o::remove);
        DESCRIPTIVE.forEach(o::remove);
        skip.forEach(o::remove);
        return o;
    }

    /**
     * Takes the directory's lock (created when absent) for this process; a second process is refused with the PID and
     * host of the first. Hold it while anything in the directory is written.
     */
    public FolderLock lock() throws IOException { return FolderLock.acquire(root, "--out"); }

    /** Appends one line to log.jsonl; a failed append (a full disk) names the file. */
    public void log(JsonObject line) throws IOException {
        Files.createDirectories(root);
        Path f = file(LOG);
        byte[] bytes = (Json.compact(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            FaultPoints.handler().beforeAppend(f, bytes);
            Files.write(f, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IOException("could not append to " + f + " (" + e.getMessage() + "); the run resumes from its "
                    + "last checkpoint once it can write again", e);
        }
    }

    /**
     * Repairs log.jsonl for a run resuming at {@code step}: drops the lines of later steps (written after that
     * checkpoint; step 0: every step line) and every line that is not a JSON object (a tail torn by a crash or a full
     * disk). The file is rewritten only when a line goes; returns how many went.
     */
    public int truncateLog(long step) throws IOException {
        Path f = file(LOG);
        if (!Files.exists(f)) return 0;
        StringBuilder kept = new StringBuilder();
        int dropped = 0;
        String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8); // a torn character: U+FFFD
        for (String line : text.split("\n", -1)) {
            if (line.isBlank()) continue;
            if (keep(line, step)) kept.append(line).append('\n');
            else dropped++;
        }
        if (dropped > 0 || !text.isEmpty() && !text.endsWith("\n")) AtomicFile.writeString(f, kept.toString());
        return dropped;
    }

    /** A whole JSON object of a step up to {@code step} (or without a step); false for anything torn. */
    private static boolean keep(String line, long step) {
        try {
            JsonElement e = JsonParser.parseString(line);
            if (!e.isJsonObject()) return false;
            JsonObject o = e.getAsJsonObject();
            return !o.has("step") || o.get("step").getAsLong() <= step;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The newest complete checkpoint directory, if any. */
    public Optional<Path> latest() throws IOException {
        Path pointer = checkpoints().resolve(LATEST);
        if (!Files.exists(pointer)) return Optional.empty();
        Path dir = checkpoints().resolve(Files.readString(pointer).trim());
        if (!isComplete(dir))
            throw new IOException(pointer + " names " + dir + ", which is not a complete checkpoint");
        return Optional.of(dir);
    }

    /**
     * Writes the full training state of step {@code state.step()} and points {@code latest} at it; keeps the newest
     * {@code keep}.
     */
    public Path saveCheckpoint(TrainState state, Map<String, Module> modules, AdamW optimizer, Map<String,
            Rng> generators, int keep)
            throws IOException {
        String name = STEP_PREFIX + state.step();
        Path dir = checkpoints().resolve(name);
        Files.createDirectories(dir);
        for (Map.Entry<String, Module> m : modules.entrySet())
            Safetensors.write(dir.resolve(m.getKey() + ".safetensors"), m.getValue().stateDict(), Map.of());
        Safetensors.write(dir.resolve("optimizer.safetensors"), optimizer.state(), Map.of());
        Map<String, Tensor> rng = new TreeMap<>(); // by name: the same state gives the same bytes
        generators.forEach((k, g) -> rng.put(k, g.state()));
        Safetensors.write(dir.resolve("rng.safetensors"), rng, Map.of());
        AtomicFile.writeString(dir.resolve(STATE), Json.pretty(state) + "\n");
        AtomicFile.writeString(checkpoints().resolve(LATEST), name + "\n");
        prune(keep, dir);
        return dir;
    }

    /** Loads a checkpoint written by {@link #saveCheckpoint} into the given objects; returns its scalar state. */
    public static TrainState loadCheckpoint(Path dir, Map<String, Module> modules, AdamW optimizer, Map<String,
            Rng> generators)
            throws IOException {
        for (Map.Entry<String, Module> m : modules.entrySet())
            m.getValue().load(dir.resolve(m.getKey() + ".safetensors"), true);
        try (TensorSource s = Checkpoints.open(dir.resolve("optimizer.safetensors"))) {
            optimizer.loadState(s);
        }
        try (Safetensors.Contents rng = Checkpoints.read(dir.resolve("rng.safetensors"))) {
            for (Map.Entry<String, Rng> g : generators.entrySet()) {
                Tensor s = rng.tensors().get(g.getKey());
                if (s == null) throw new IOException(dir + " holds no state for generator '" + g.getKey() + "'");
                try (NoGradGuard ng = new NoGradGuard()) { g.getValue().setState(s.contiguous()); }
            }
        }
        return readState(dir);
    }

    /** The scalar state (step, skips, data position, loss scale) of a checkpoint directory. */
    public static TrainState readState(Path dir) throws IOException {
        return Json.parse(Files.readString(dir.resolve(STATE)), TrainState.class, dir.resolve(STATE).toString());
    }

    /** The complete checkpoint of step {@code step}; an error names the steps that are kept. */
    public Path checkpoint(long step) throws IOException {
        Path dir = checkpoints().resolve(STEP_PREFIX + step);
        if (isComplete(dir)) return dir;
        List<Path> kept = stepDirectories();
        throw new IOException(root + " holds no complete checkpoint of step " + step + "; kept: "
                + (kept.isEmpty() ? "none" : kept.stream().map(RunDir::stepOf).toList())
                + " (--keep 0 keeps every checkpoint)");
    }

    /** The steps of the complete checkpoints kept, oldest first. */
    public List<Long> steps() throws IOException {
        return stepDirectories().stream().filter(RunDir::isComplete).map(RunDir::stepOf).toList();
    }

    /** The step-N directories, oldest first (none when there is no checkpoints folder). */
    private List<Path> stepDirectories() throws IOException {
        List<Path> steps = new ArrayList<>();
        if (!Files.isDirectory(checkpoints())) return steps;
        try (Stream<Path> s = Files.list(checkpoints())) {
            s.filter(p -> p.getFileName().toString().matches(STEP_PREFIX + "\\d+") && Files.isDirectory(p))
                    .forEach(steps::add);
        }
        steps.sort(Comparator.comparingLong(RunDir::stepOf));
        return steps;
    }

    private static long stepOf(Path stepDirectory) {
        return Long.parseLong(stepDirectory.getFileName().toString().substring(STEP_PREFIX.length()));
    }

    private static boolean isComplete(Path stepDirectory) { return Files.isRegularFile(stepDirectory.resolve(STATE)); }

    /** Deletes all but the newest {@code keep} step directories (never {@code current}). */
    private void prune(int keep, Path current) throws IOException {
        if (keep <= 0) return;
        List<Path> steps = stepDirectories();
        for (int i = 0; i < steps.size() - keep; i++) if (!steps.get(i).equals(current)) deleteTree(steps.get(i));
    }

    /**
     * Clears what a process killed in this directory left (call it holding the {@link #lock}): temporary files of
     * unfinished writes, step directories without their state (half written or half pruned), and step directories
     * beyond the newest {@code keep} that pruning had not reached. Returns how many files and directories went.
     */
    public int tidy(int keep) throws IOException {
        int removed = AtomicFile.deleteTemporaries(root) + AtomicFile.deleteTemporaries(checkpoints())
                + AtomicFile.deleteTemporaries(file(FinetunedModel.PREVIEWS));
        for (Path step : stepDirectories()) {
            if (isComplete(step)) removed += AtomicFile.deleteTemporaries(step);
            else removed += deleteTree(step);
        }
        Optional<Path> latest = latest();
        if (latest.isPresent()) {
            int before = stepDirectories().size();
            prune(keep, latest.get());
            removed += before - stepDirectories().size();
        }
        return removed;
    }

    /** Deletes a step directory, its state file first, so that a crash half-way leaves it incomplete. */
    private static int deleteTree(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        if (Files.exists(dir.resolve(STATE))) files.add(dir.resolve(STATE));
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir.resolve(STATE))).forEach(files::add);
        }
        for (Path p : files) {
            FaultPoints.handler().beforeDelete(p);
            Files.delete(p);
        }
        return 1;
    }
}
