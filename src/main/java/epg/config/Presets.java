// Spec §2.3: the named presets (EPG-S … EPG-G, RCM-S/B/L at 256 px/patch 16 and 512 px/patch 32) and small CPU ones.
package epg.config;

import epg.config.ModelConfig.Kind;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The named model presets (`epg models` lists them), by case-insensitive name. */
public final class Presets {
    private static final Map<String, ModelConfig> ALL = new LinkedHashMap<>();

    static {
        // spec §2.3 table: encoder depth, width D, heads; decoder depth, width D', heads
        released(epg("EPG-S").encoder(6, 768, 12).decoder(6, 768, 12));
        released(epg("EPG-B").encoder(12, 768, 12).decoder(12, 768, 12));
        released(epg("EPG-L").encoder(16, 1024, 16).decoder(16, 1024, 16));
        released(epg("EPG-XL").encoder(12, 768, 12).decoder(12, 1584, 22));
        released(epg("EPG-XXL").encoder(12, 768, 12).decoder(12, 1920, 16));
        released(epg("EPG-G").encoder(12, 768, 12).decoder(12, 2688, 21));
        released(rcm("RCM-S").encoder(6, 768, 12));
        released(rcm("RCM-B").encoder(12, 768, 12));
        released(rcm("RCM-L").encoder(16, 1024, 16));
        // CPU presets for 32 px data (Fashion-MNIST, CIFAR-like): patch 4, 64 tokens, 10 classes.
        put(epg("EPG-T").image(32, 4).encoder(4, 128, 4).decoder(4, 128, 4).classes(10).build());
        put(rcm("RCM-T").image(32, 4).encoder(4, 128, 4).projector(512, 128, 3).classes(10).build());
        // The same with patch 8 (16 tokens, ~2.8x the images per second): the demo's short-run presets.
        put(epg("EPG-T/8").image(32, 8).encoder(4, 128, 4).decoder(4, 128, 4).classes(10).build());
        put(rcm("RCM-T/8").image(32, 8).encoder(4, 128, 4).projector(512, 128, 3).classes(10).build());
        put(epg("EPG-M").image(32, 4).encoder(6, 256, 4).decoder(6, 256, 4).classes(10).build());
        put(rcm("RCM-M").image(32, 4).encoder(6, 256, 4).projector(1024, 256, 3).classes(10).build());
    }

    private Presets() {}

    private static ModelConfig.Builder epg(String name) { return ModelConfig.builder(name, Kind.EPG); }

    /** An RCM encoder with the released projector: hidden width 4096, output 256, 3 layers. */
    private static ModelConfig.Builder rcm(String name) {
        return ModelConfig.builder(name, Kind.RCM).projector(4096, 256, 3);
    }

    /** The released variants of a shape: 256 px at patch 16 ("/16") and 512 px at patch 32 ("/32"), 1000 classes. */
    private static void released(ModelConfig.Builder shape) {
        String base = shape.name();
        put(shape.name(base + "/16").image(256, 16).build());
        put(shape.name(base + "/32").image(512, 32).build());
    }

    private static void put(ModelConfig c) { ALL.put(c.name(), c); }

    /** Every preset, in table order. */
    public static Map<String, ModelConfig> all() { return Collections.unmodifiableMap(ALL); }

    /** A preset by name; "EPG-XL" alone means the 256 px model "EPG-XL/16". Case-insensitive. */
    public static ModelConfig get(String name) {
        for (String key : new String[]{name, name + "/16"})
            for (Map.Entry<String, ModelConfig> e : ALL.entrySet())
                if (e.getKey().equalsIgnoreCase(key)) return e.getValue();
        throw new IllegalArgumentException("unknown preset '" + name + "'; known presets: "
                + String.join(", ", ALL.keySet())
                + " (run `epg models` for their sizes)");
    }
}
