// Paper Table 13 (flexibility of the pre-trained encoder): frozen, layer-wise lr decay ("Lrd=0.5") or the default.
package epg.train;

import epg.config.Flattened;

import java.util.Collection;
import java.util.Map;

/**
 * How fine-tuning updates the pre-trained encoder. A key missing from an earlier run's config.json reads as the
 * default: trained with the decoder at the full rate.
 *
 * @param freezeEncoder the encoder (cls_token, pos_embed, patch_embed.*, blocks.*, norm.*: what the stage-1 file
 *                      provides) takes no update; only the decoder, class table and output layers train (off)
 * @param lrd           layer-wise learning-rate decay factor of the release's {@code param_groups_lrd}; 0 = off
 *                      (the released default); Table 13 uses 0.5 (see {@link LayerDecay})
 * @param lrdMode       which layers decay: "encoder" (the released default) or "all" (encoder and decoder blocks)
 */
public record EncoderTraining(boolean freezeEncoder, double lrd, String lrdMode) implements Flattened {
    /** The released setting: the encoder trains with the decoder at one learning rate. */
    public static final EncoderTraining DEFAULT = new EncoderTraining(false, 0, null);

    public EncoderTraining {
        if (!(lrd >= 0 && lrd <= 1))
            throw new IllegalArgumentException("--lrd must be in (0, 1] (0 = off), got " + lrd);
        lrdMode = LayerDecay.Mode.parse(lrdMode == null ? "encoder" : lrdMode).id();
        if (freezeEncoder && lrd > 0)
            throw new IllegalArgumentException("--freeze-encoder and --lrd exclude each other: a frozen encoder "
                    + "takes no update at any rate");
    }

    public EncoderTraining withFreezeEncoder(boolean freezeEncoder) {
        return new EncoderTraining(freezeEncoder, lrd, lrdMode);
    }

    public EncoderTraining withLrd(double lrd, String lrdMode) {
        return new EncoderTraining(freezeEncoder, lrd, lrdMode);
    }

    /** The learning-rate factor of each named parameter (empty when lrd is off: every factor is 1). */
    public Map<String, Double> lrScales(Collection<String> names, int depth, int decoderDepth) {
        if (lrd == 0) return Map.of();
        return new LayerDecay(lrd, LayerDecay.Mode.parse(lrdMode)).scales(names, depth, decoderDepth);
    }

    /** Whether a parameter of the EPG network belongs to the pre-trained encoder (what --freeze-encoder holds). */
    public static boolean inEncoder(String name) {
        return name.equals("cls_token") || name.equals("pos_embed") || name.startsWith("patch_embed.")
                || name.startsWith("blocks.") || name.startsWith("norm.");
    }
}
