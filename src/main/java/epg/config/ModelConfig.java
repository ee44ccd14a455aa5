// The network's shape (spec §2.3): an RCM encoder (with projector) or an EPG model (encoder + adaLN-Zero decoder).
package epg.config;

/**
 * An immutable network description. Every field is validated here; presets live in {@link Presets}.
 *
 * @param name            preset name, for logs and reports (e.g. "EPG-XL/16")
 * @param kind            RCM (pre-training encoder with projector) or EPG (encoder + decoder)
 * @param imageSize       input height = width in pixels (256 for the /16 presets, 512 for /32)
 * @param patchSize       patch size p; imageSize must be a multiple of it
 * @param channels        image channels C (3 for RGB, 1 for grey data)
 * @param depth           encoder blocks
 * @param dim             encoder width D
 * @param heads           encoder attention heads (D must be divisible by it)
 * @param decoderDepth    decoder blocks (EPG only; 0 for RCM)
 * @param decoderDim      decoder width D' (EPG only)
 * @param decoderHeads    decoder attention heads (EPG only)
 * @param numClasses      class count; the class table has numClasses + 1 rows (the last is unconditional)
 * @param mlpRatio        MLP hidden width over block width (4 in every released model)
 * @param projHidden      projector hidden width (RCM only; 4096 released)
 * @param projOut         projector output width (RCM only; 256 released config, 768 released launch script)
 * @param projLayers      projector Linear layers (RCM only; 3 released)
 * @param decoderDropout  dropout after the decoder attention projection (0; 0.5 in consistency fine-tuning)
 * @param attnDropout     dropout on the decoder attention weights (0 released)
 * @param fusedAttention  use libtorch's fused scaled_dot_product_attention (true; only outside bf16 autocast, where the
 *                        plain path is faster) or always matmul-softmax-matmul (false)
 */
public record ModelConfig(String name, Kind kind, int imageSize, int patchSize, int channels,
                          int depth, int dim, int heads, int decoderDepth, int decoderDim, int decoderHeads,
                          int numClasses, double mlpRatio, int projHidden, int projOut, int projLayers,
                          double decoderDropout, double attnDropout, boolean fusedAttention) {

    public enum Kind { RCM, EPG }

    public ModelConfig {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("model name must not be empty");
        if (kind == null) throw new IllegalArgumentException("model kind must be RCM or EPG");
        positive("imageSize", imageSize); positive("patchSize", patchSize); positive("channels", channels);
        positive("depth", depth); positive("dim", dim); positive("heads", heads);
        if (imageSize % patchSize != 0) throw new IllegalArgumentException("imageSize " + imageSize + " is not a multiple of patchSize " + patchSize);
        if (dim % heads != 0) throw new IllegalArgumentException("dim " + dim + " is not divisible by heads " + heads);
        if (mlpRatio <= 0) throw new IllegalArgumentException("mlpRatio must be > 0, got " + mlpRatio);
        if (numClasses < 0) throw new IllegalArgumentException("numClasses must be >= 0, got " + numClasses);
        if (kind == Kind.EPG) {
            positive("decoderDepth", decoderDepth); positive("decoderDim", decoderDim); positive("decoderHeads", decoderHeads);
            if (decoderDim % decoderHeads != 0) throw new IllegalArgumentException("decoderDim " + decoderDim + " is not divisible by decoderHeads " + decoderHeads);
            if (numClasses < 1) throw new IllegalArgumentException("an EPG model needs numClasses >= 1");
        } else {
            positive("projHidden", projHidden); positive("projOut", projOut);
            if (projLayers < 1) throw new IllegalArgumentException("projLayers must be >= 1, got " + projLayers);
        }
        probability("decoderDropout", decoderDropout); probability("attnDropout", attnDropout);
    }

    /** Patch tokens L = (H/p)². */
    public int tokens() { int g = imageSize / patchSize; return g * g; }

    public int mlpHidden(int width) { return (int) (width * mlpRatio); }

    /** The resolution shift s = H/64 of spec §1. */
    public double shift() { return imageSize / 64.0; }

    public ModelConfig withData(int imageSize, int channels, int numClasses) {
        return new ModelConfig(name, kind, imageSize, patchSize, channels, depth, dim, heads, decoderDepth, decoderDim, decoderHeads,
                numClasses, mlpRatio, projHidden, projOut, projLayers, decoderDropout, attnDropout, fusedAttention);
    }

    public ModelConfig withDropout(double decoderDropout, double attnDropout) {
        return new ModelConfig(name, kind, imageSize, patchSize, channels, depth, dim, heads, decoderDepth, decoderDim, decoderHeads,
                numClasses, mlpRatio, projHidden, projOut, projLayers, decoderDropout, attnDropout, fusedAttention);
    }

    public ModelConfig withFusedAttention(boolean fused) {
        return new ModelConfig(name, kind, imageSize, patchSize, channels, depth, dim, heads, decoderDepth, decoderDim, decoderHeads,
                numClasses, mlpRatio, projHidden, projOut, projLayers, decoderDropout, attnDropout, fused);
    }

    /** The RCM encoder whose weights an EPG model of this shape takes (same encoder, projector as given). */
    public ModelConfig encoderOnly(int projHidden, int projOut) {
        return new ModelConfig(name.replace("EPG", "RCM"), Kind.RCM, imageSize, patchSize, channels, depth, dim, heads, 0, 0, 0,
                numClasses, mlpRatio, projHidden, projOut, 3, 0, 0, fusedAttention);
    }

    private static void positive(String field, int v) {
        if (v <= 0) throw new IllegalArgumentException(field + " must be > 0, got " + v);
    }

    private static void probability(String field, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(field + " must be in [0, 1), got " + v);
    }
}
