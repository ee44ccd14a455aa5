// The named presets of spec §2.3 (EPG-S … EPG-G, RCM-S/B/L at 256 px/patch 16 and 512 px/patch 32) and small CPU presets.
package epg.config;

import epg.config.ModelConfig.Kind;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

public final class Presets {
    private static final Map<String, ModelConfig> ALL = new LinkedHashMap<>();

    static {
        // name, encoder depth×D/heads, decoder depth×D'/heads (spec §2.3 table)
        epg("EPG-S", 6, 768, 12, 6, 768, 12);
        epg("EPG-B", 12, 768, 12, 12, 768, 12);
        epg("EPG-L", 16, 1024, 16, 16, 1024, 16);
        epg("EPG-XL", 12, 768, 12, 12, 1584, 22);
        epg("EPG-XXL", 12, 768, 12, 12, 1920, 16);
        epg("EPG-G", 12, 768, 12, 12, 2688, 21);
        rcm("RCM-S", 6, 768, 12);
        rcm("RCM-B", 12, 768, 12);
        rcm("RCM-L", 16, 1024, 16);
        // CPU presets for 32 px data (Fashion-MNIST, CIFAR-like): patch 4, 64 tokens.
        put(new ModelConfig("EPG-T", Kind.EPG, 32, 4, 3, 4, 128, 4, 4, 128, 4, 10, 4, 0, 0, 0, 0, 0, true));
        put(new ModelConfig("RCM-T", Kind.RCM, 32, 4, 3, 4, 128, 4, 0, 0, 0, 10, 4, 512, 128, 3, 0, 0, true));
        put(new ModelConfig("EPG-M", Kind.EPG, 32, 4, 3, 6, 256, 4, 6, 256, 4, 10, 4, 0, 0, 0, 0, 0, true));
        put(new ModelConfig("RCM-M", Kind.RCM, 32, 4, 3, 6, 256, 4, 0, 0, 0, 10, 4, 1024, 256, 3, 0, 0, true));
    }

    private Presets() {}

    private static void epg(String base, int depth, int dim, int heads, int dDepth, int dDim, int dHeads) {
        put(new ModelConfig(base + "/16", Kind.EPG, 256, 16, 3, depth, dim, heads, dDepth, dDim, dHeads, 1000, 4, 0, 0, 0, 0, 0, true));
        put(new ModelConfig(base + "/32", Kind.EPG, 512, 32, 3, depth, dim, heads, dDepth, dDim, dHeads, 1000, 4, 0, 0, 0, 0, 0, true));
    }

    private static void rcm(String base, int depth, int dim, int heads) {
        put(new ModelConfig(base + "/16", Kind.RCM, 256, 16, 3, depth, dim, heads, 0, 0, 0, 1000, 4, 4096, 256, 3, 0, 0, true));
        put(new ModelConfig(base + "/32", Kind.RCM, 512, 32, 3, depth, dim, heads, 0, 0, 0, 1000, 4, 4096, 256, 3, 0, 0, true));
    }

    private static void put(ModelConfig c) { ALL.put(c.name(), c); }

    /** Every preset, in table order. */
    public static Map<String, ModelConfig> all() { return Collections.unmodifiableMap(ALL); }

    /** A preset by name; "EPG-XL" alone means the 256 px model "EPG-XL/16". Case-insensitive. */
    public static ModelConfig get(String name) {
        for (String key : new String[]{name, name + "/16"})
            for (Map.Entry<String, ModelConfig> e : ALL.entrySet())
                if (e.getKey().equalsIgnoreCase(key)) return e.getValue();
        throw new IllegalArgumentException("unknown preset '" + name + "'; known presets: " + String.join(", ", ALL.keySet())
                + " (run `epg models` for their sizes)");
    }
}
