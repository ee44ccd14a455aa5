// docs/view.md (playground): one sampling request, checked against the server's limits, and its `epg sample` line.
package epg.view;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.sample.Guidance;
import epg.sample.Labels;
import epg.sample.SampleOptions;
import epg.sample.SeedList;
import epg.sample.Samplers;
import epg.sample.TwoStep;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The images are those of `epg sample` with the same flags ({@link #command}): each depends on its seed and label
 * only, labels cycle through {@code classes} (empty: balanced over all classes; numClasses: unconditional), and the
 * playground samples in batches of {@link #BATCH}, the command's default, so that even the last bits agree.
 *
 * @param root    the served directory holding the model
 * @param model   the model file's path inside it
 * @param seeds   one per image
 * @param classes the classes to cycle through (checked against the model by {@link #labels})
 */
public record SampleRequest(int root, String model, long[] seeds, List<Integer> classes, Samplers sampler, int steps,
                            double cfg, double cfgLow, double cfgHigh, double midSigma) {
    public static final int MAX_IMAGES = 64, MAX_STEPS = 128, BATCH = 16;
    public static final double MAX_CFG = 20, MAX_SIGMA = 1000;
    private static final Set<String> FIELDS = Set.of("root", "model", "seeds", "classes", "sampler", "steps", "cfg",
            "cfgLow", "cfgHigh", "midSigma");

    public SampleRequest {
        if (seeds.length < 1 || seeds.length > MAX_IMAGES)
            throw HttpError.badRequest("seeds: between 1 and " + MAX_IMAGES + " images, got " + seeds.length);
        if (classes.size() > MAX_IMAGES) throw HttpError.badRequest("classes: at most " + MAX_IMAGES + " entries");
        if (steps < 2 || steps > MAX_STEPS)
            throw HttpError.badRequest("steps must be in 2.." + MAX_STEPS + ", got " + steps);
        if (!(cfg >= 0 && cfg <= MAX_CFG)) throw HttpError.badRequest("cfg must be in 0.." + MAX_CFG + ", got " + cfg);
        if (!(cfgLow >= 0 && cfgLow < cfgHigh && cfgHigh <= MAX_SIGMA))
            throw HttpError.badRequest("guidance interval needs 0 <= low < high <= " + MAX_SIGMA + ", got "
                    + cfgLow + ", " + cfgHigh);
        if (!(midSigma > 0 && midSigma <= MAX_SIGMA))
            throw HttpError.badRequest("midSigma must be in (0, " + MAX_SIGMA + "], got " + midSigma);
        classes = List.copyOf(classes);
        seeds = seeds.clone();
    }

    /** Reads the JSON body of POST /api/sample; unknown fields and wrong types are 400s naming the field. */
    public static SampleRequest parse(String body) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(body);
            if (!e.isJsonObject()) throw new IllegalStateException();
            o = e.getAsJsonObject();
        } catch (RuntimeException e) {
            throw HttpError.badRequest("the request body must be a JSON object");
        }
        for (String k : o.keySet())
            if (!FIELDS.contains(k)) throw HttpError.badRequest("unknown field '" + k + "'; known: " + FIELDS);
        long[] seeds;
        try {
            seeds = SeedList.parse(text(o, "seeds", "0-15"), MAX_IMAGES);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("seeds: " + e.getMessage());
        }
        Samplers sampler;
        try {
            sampler = Samplers.named(text(o, "sampler", "heun"));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        return new SampleRequest((int) number(o, "root", 0), text(o, "model", null), seeds, classes(o), sampler,
                (int) number(o, "steps", 32), number(o, "cfg", 1), number(o, "cfgLow", Guidance.RELEASED_LOW),
                number(o, "cfgHigh", Guidance.RELEASED_HIGH), number(o, "midSigma", TwoStep.ECT_MID_SIGMA));
    }

    private static String text(JsonObject o, String key, String fallback) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            if (fallback == null) throw HttpError.badRequest("missing field '" + key + "'");
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString() || e.getAsString().length() > 1024)
            throw HttpError.badRequest(key + " must be a string of at most 1024 characters");
        return e.getAsString();
    }

    private static double number(JsonObject o, String key, double fallback) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) return fallback;
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber())
            throw HttpError.badRequest(key + " must be a number");
        double v = e.getAsDouble();
        if (!Double.isFinite(v) || Math.abs(v) > 1e9) throw HttpError.badRequest(key + " is out of range");
        return v;
    }

    private static List<Integer> classes(JsonObject o) {
        JsonElement e = o.get("classes");
        if (e == null || e.isJsonNull()) return List.of();
        if (!e.isJsonArray() || e.getAsJsonArray().size() > MAX_IMAGES)
            throw HttpError.badRequest("classes must be an array of at most " + MAX_IMAGES + " class ids");
        List<Integer> out = new ArrayList<>();
        for (JsonElement c : e.getAsJsonArray()) {
            if (!c.isJsonPrimitive() || !c.getAsJsonPrimitive().isNumber() || c.getAsDouble() != Math.rint(
                    c.getAsDouble()) || Math.abs(c.getAsDouble()) > 1e6)
                throw HttpError.badRequest("classes must hold integer class ids, got " + c);
            out.add(c.getAsInt());
        }
        return out;
    }

    /** One label per image for a model of {@code numClasses} classes; a class outside 0..numClasses is a 400. */
    public int[] labels(int numClasses) {
        if (classes.isEmpty()) return Labels.balanced(seeds.length, numClasses);
        for (int c : classes)
            if (c < 0 || c > numClasses)
                throw HttpError.badRequest("class " + c + " outside 0.." + numClasses + " (" + numClasses
                        + " = unconditional)");
        return Labels.cycle(seeds.length, classes, numClasses);
    }

    public SampleOptions options() {
        return new SampleOptions(sampler.make(new Samplers.Options(midSigma)), steps, cfg, cfgLow, cfgHigh, BATCH);
    }

    /** The `epg sample` command line that writes the same images (as SEED.png) and grid.png into {@code out}. */
    public String command(String modelShown, String out) {
        StringBuilder b = new StringBuilder("epg sample ").append(quoted(modelShown));
        b.append(" --seeds ").append(SeedList.format(seeds));
        if (!classes.isEmpty())
            b.append(" --labels ").append(classes.stream().map(String::valueOf).collect(Collectors.joining(",")));
        b.append(" --sampler ").append(sampler.cliName()).append(" --points ").append(steps);
        b.append(" --cfg ").append(number(cfg)).append(" --cfg-interval ").append(number(cfgLow)).append(',')
                .append(number(cfgHigh));
        if (sampler == Samplers.TWOSTEP) b.append(" --mid-sigma ").append(number(midSigma));
        return b.append(" --batch ").append(BATCH).append(" --out ").append(quoted(out)).toString();
    }

    /** The shortest text that reads back as exactly {@code v}. */
    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** {@code s} as one shell word. */
    static String quoted(String s) {
        if (s.matches("[A-Za-z0-9_./:=@%+-]+")) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The request as the page shows it back. */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("root", root);
        o.addProperty("model", model);
        o.addProperty("seeds", SeedList.format(seeds));
        JsonArray c = new JsonArray();
        classes.forEach(c::add);
        o.add("classes", c);
        o.addProperty("sampler", sampler.cliName());
        o.addProperty("steps", steps);
        o.addProperty("cfg", cfg);
        o.addProperty("cfgLow", cfgLow);
        o.addProperty("cfgHigh", cfgHigh);
        o.addProperty("midSigma", midSigma);
        return o;
    }
}
