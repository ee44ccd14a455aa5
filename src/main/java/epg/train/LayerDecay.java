// Paper Table 13 ("Lrd=0.5"): layer-wise learning-rate decay of the release's param_groups_lrd (BEiT's scheme).
package epg.train;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Each parameter gets a layer id and the learning rate lr·decay^(T − id), T the number of layers counted. "encoder"
 * (the released default): T = depth + 1; cls_token, pos_embed and patch_embed.* are layer 0, blocks.i layer i + 1,
 * everything else (the encoder's last norm, the decoder, class table, output) layer T, at the full rate. "all":
 * T = depth + decoder depth + 1; as "encoder" for the embedding and blocks, norm.* takes the last encoder block's
 * rate, decoder_blocks.j is layer depth + j + 1, the rest layer T.
 *
 * @param decay the factor per layer, in (0, 1]
 * @param mode  ENCODER or ALL
 */
public record LayerDecay(double decay, Mode mode) {
    /** ENCODER: the encoder's layers decay, the rest trains at the full rate (released); ALL: the decoder's too. */
    public enum Mode {
        ENCODER, ALL;

        public static Mode parse(String name) {
            return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
                case "encoder" -> ENCODER;
                case "all" -> ALL;
                default -> throw new IllegalArgumentException("unknown --lrd-mode '" + name + "'; use encoder or all");
            };
        }

        public String id() { return name().toLowerCase(Locale.ROOT); }
    }

    public LayerDecay {
        if (!(decay > 0 && decay <= 1))
            throw new IllegalArgumentException("layer-wise lr decay must be in (0, 1], got " + decay);
        if (mode == null) throw new IllegalArgumentException("layer-wise lr decay mode must be encoder or all");
    }

    /** The learning-rate factor of every named parameter of a network of {@code depth} encoder blocks. */
    public Map<String, Double> scales(Collection<String> names, int depth, int decoderDepth) {
        int total = mode == Mode.ENCODER ? depth + 1 : depth + decoderDepth + 1;
        Map<String, Double> out = new LinkedHashMap<>();
        for (String n : names) out.put(n, Math.pow(decay, total - layer(n, depth, total)));
        return out;
    }

    /** The release's layer id of a parameter ({@code encoder_lrd} / {@code all_lrd}). */
    int layer(String name, int depth, int total) {
        if (name.equals("cls_token") || name.equals("pos_embed") || name.startsWith("patch_embed.")) return 0;
        if (name.startsWith("blocks.")) return index(name) + 1;
        if (mode == Mode.ALL && name.startsWith("norm.")) return depth;
        if (mode == Mode.ALL && name.startsWith("decoder_blocks.")) return index(name) + 1 + depth;
        return total;
    }

    /** The block number of "blocks.I.…" or "decoder_blocks.I.…". */
    private static int index(String name) { return Integer.parseInt(name.split("\\.")[1]); }
}
