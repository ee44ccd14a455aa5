// docs/view.md (playground): the EPG model files under the served directories, and the loaded ones kept warm.
package epg.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import epg.config.Json;
import epg.config.ModelConfig;
import epg.diffusion.Preconditioning;
import epg.metrics.FashionClassifier;
import epg.nn.ModelFile;
import epg.sample.ModelDenoiser;
import epg.tensor.Safetensors;
import epg.train.RunDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model file is a safetensors file at the top of a run (or of a served directory) whose header carries an EPG
 * configuration; only the header is read to list it, so a file still being written shows with its problem instead
 * of failing the list. Loaded models are kept, newest {@link #KEPT}, keyed by file, size and time (a retrained file
 * is loaded again); {@link #load} is called from the sampling thread only.
 */
public final class ModelCatalog {
    public static final int KEPT = 3;
    private final Map<String, ModelDenoiser> loaded = new LinkedHashMap<>(8, 0.75f, true);

    /** The model files directly in {@code dir}, each with its configuration or the problem that prevents its use. */
    public static JsonArray modelsIn(RootDirs.Root root, Path dir) throws IOException {
        JsonArray a = new JsonArray();
        for (Path p : RunDetails.list(dir)) {
            if (p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p)) {
                JsonObject m = describe(root, p);
                if (m != null) a.add(m);
            }
        }
        return a;
    }

    /** Every model file of every run in {@code runs}, plus those at the top of each root. */
    public static JsonArray all(RootDirs roots, List<RunEntry> runs) throws IOException {
        JsonArray a = new JsonArray();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (RunEntry r : runs) {
            RootDirs.Root root = roots.all().get(r.root());
            Path dir = r.path().isEmpty() ? root.real() : root.real().resolve(r.path());
            for (var m : modelsIn(root, dir)) if (seen.add(r.root() + ":" + key(m.getAsJsonObject()))) a.add(m);
        }
        return a;
    }

    private static String key(JsonObject m) { return m.get("path").getAsString(); }

    /**
     * What the playground needs to know of {@code file}: null for a safetensors file that is not an EPG model (an RCM
     * encoder, a checkpoint's optimiser state); a "problem" for one that cannot be read as it stands.
     */
    static JsonObject describe(RootDirs.Root root, Path file) throws IOException {
        JsonObject o = new JsonObject();
        String rel = RootDirs.relative(root, file);
        o.addProperty("root", root.index());
        o.addProperty("path", rel);
        o.addProperty("name", RootDirs.shown(root, rel));
        o.addProperty("bytes", Files.size(file));
        o.addProperty("modified", Files.getLastModifiedTime(file).toMillis());
        Map<String, String> meta;
        ModelConfig cfg;
        try {
            meta = Safetensors.metadata(file);
            String json = meta.get(ModelFile.CONFIG_KEY);
            if (json == null) return null;
            cfg = Json.parse(json, ModelConfig.class, "the configuration stored in " + file.getFileName());
        } catch (IOException | RuntimeException e) {
            o.addProperty("problem", oneLine(e).replace(file.toString(), file.getFileName().toString()));
            return o;
        }
        if (cfg.kind() != ModelConfig.Kind.EPG) return null;
        o.addProperty("preset", cfg.name());
        o.addProperty("imageSize", cfg.imageSize());
        o.addProperty("channels", cfg.channels());
        o.addProperty("numClasses", cfg.numClasses());
        String kind = meta.get(Preconditioning.METADATA_KEY);
        if (kind != null) o.addProperty("parameterisation", kind);
        if (meta.containsKey("step")) o.addProperty("step", meta.get("step"));
        o.add("classNames", classNames(file.getParent(), cfg.numClasses()));
        return o;
    }

    /** Fashion-MNIST's class names when the model's run trained on it, else "class k". */
    private static JsonArray classNames(Path dir, int numClasses) {
        JsonObject config = RunIndex.readObject(dir.resolve(RunDir.CONFIG));
        boolean fashion = config != null && config.has("data") && config.get("data").isJsonPrimitive()
                && config.get("data").getAsString().equals("fashion-mnist")
                && numClasses == FashionClassifier.CLASS_NAMES.length;
        JsonArray a = new JsonArray();
        for (int c = 0; c < numClasses; c++) a.add(fashion ? FashionClassifier.CLASS_NAMES[c] : "class " + c);
        return a;
    }

    /**
     * The model in {@code file} as a clamped denoiser (sampling thread only); {@code fallback} is the
     * parameterisation when the file names none, as `epg sample` decides it from the sampler.
     */
    public ModelDenoiser load(Path file, Preconditioning.Kind fallback) throws IOException {
        String key = file + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis() + "|" + fallback;
        ModelDenoiser m = loaded.get(key);
        if (m != null) return m;
        m = ModelDenoiser.load(file, null, null, fallback);
        loaded.put(key, m);
        while (loaded.size() > KEPT) loaded.remove(loaded.keySet().iterator().next());
        return m;
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
