// The network's shape (spec §2.3): an RCM encoder (with projector) or an EPG model (encoder + adaLN-Zero decoder).
package epg.config;

/**
 * An immutable network description, built by name with {@link #builder}. Every field is validated here; presets
 * live in {@link Presets}.
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

    /** An RCM encoder (with projector) or an EPG model (encoder and adaLN-Zero decoder). */
    public enum Kind { RCM, EPG }

    /** Sanity limits far above every released model, so that a corrupt or hostile description fails before use. */
    public static final int MAX_IMAGE_SIZE = 4096, MAX_CHANNELS = 64, MAX_DEPTH = 256, MAX_WIDTH = 65536,
            MAX_CLASSES = 100_000, MAX_TOKENS = 65536, MAX_PROJECTOR_LAYERS = 64;
    public static final double MAX_MLP_RATIO = 64;

    public ModelConfig {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("model name must not be empty");
        if (kind == null) throw new IllegalArgumentException("model kind must be RCM or EPG");
        limited("imageSize", imageSize, MAX_IMAGE_SIZE); limited("patchSize", patchSize, imageSize);
        limited("channels", channels, MAX_CHANNELS);
        limited("depth", depth, MAX_DEPTH); limited("dim", dim, MAX_WIDTH); limited("heads", heads, dim);
        if (imageSize % patchSize != 0)
            throw new IllegalArgumentException("imageSize " + imageSize + " is not a multiple of patchSize "
                    + patchSize);
        if ((long) (imageSize / patchSize) * (imageSize / patchSize) > MAX_TOKENS)
            throw new IllegalArgumentException("imageSize " + imageSize + " at patchSize " + patchSize + " gives more "
                    + "than " + MAX_TOKENS + " tokens");
        if (dim % heads != 0) throw new IllegalArgumentException("dim " + dim + " is not divisible by heads " + heads);
        if (!(mlpRatio > 0 && mlpRatio <= MAX_MLP_RATIO))
            throw new IllegalArgumentException("mlpRatio must be in (0, " + MAX_MLP_RATIO + "], got " + mlpRatio);
        if (numClasses < 0 || numClasses > MAX_CLASSES)
            throw new IllegalArgumentException("numClasses must be in [0, " + MAX_CLASSES + "], got " + numClasses);
        if (kind == Kind.EPG) {
            limited("decoderDepth", decoderDepth, MAX_DEPTH); limited("decoderDim", decoderDim, MAX_WIDTH);
            limited("decoderHeads", decoderHeads, decoderDim);
            if (decoderDim % decoderHeads != 0)
                throw new IllegalArgumentException("decoderDim " + decoderDim + " is not divisible by decoderHeads "
                        + decoderHeads);
            if (numClasses < 1) throw new IllegalArgumentException("an EPG model needs numClasses >= 1");
        } else {
            limited("projHidden", projHidden, MAX_WIDTH); limited("projOut", projOut, MAX_WIDTH);
            limited("projLayers", projLayers, MAX_PROJECTOR_LAYERS);
        }
        probability("decoderDropout", decoderDropout); probability("attnDropout", attnDropout);
    }

    /** Patch tokens L = (H/p)². */
    public int tokens() { int g = imageSize / patchSize; return g * g; }

    public int mlpHidden(int width) { return (int) (width * mlpRatio); }

    /** The resolution shift s = H/64 of spec §1. */
    public double shift() { return imageSize / 64.0; }

    public ModelConfig withData(int imageSize, int channels, int numClasses) {
        return toBuilder().image(imageSize, patchSize).channels(channels).classes(numClasses).build();
    }

    public ModelConfig withDropout(double decoderDropout, double attnDropout) {
        return toBuilder().dropout(decoderDropout, attnDropout).build();
    }

    public ModelConfig withFusedAttention(boolean fused) { return toBuilder().fusedAttention(fused).build(); }

    /** The RCM encoder whose weights an EPG model of this shape takes (same encoder, projector as given). */
    public ModelConfig encoderOnly(int projHidden, int projOut) {
        Builder b = builder(name.replace("EPG", "RCM"), Kind.RCM).image(imageSize, patchSize).channels(channels)
                .encoder(depth, dim, heads).classes(numClasses).mlpRatio(mlpRatio).projector(projHidden, projOut, 3);
        return b.fusedAttention(fusedAttention).build();
    }

    /** A description to fill in by name: 3 channels, 1000 classes, MLP ratio 4, no dropout, fused attention. */
    public static Builder builder(String name, Kind kind) { return new Builder(name, kind); }

    /** This description, to change by name. */
    public Builder toBuilder() {
        return builder(name, kind).image(imageSize, patchSize).channels(channels).encoder(depth, dim, heads)
                .decoder(decoderDepth, decoderDim, decoderHeads).classes(numClasses).mlpRatio(mlpRatio)
                .projector(projHidden, projOut, projLayers).dropout(decoderDropout, attnDropout)
                .fusedAttention(fusedAttention);
    }

    /** Named settings of a {@link ModelConfig}; {@link #build} validates them. */
    public static final class Builder {
        private String name;
        private final Kind kind;
        private int imageSize, patchSize, channels = 3, depth, dim, heads, decoderDepth, decoderDim, decoderHeads;
        private int numClasses = 1000, projHidden, projOut, projLayers;
        private double mlpRatio = 4, decoderDropout, attnDropout;
        private boolean fusedAttention = true;

        private Builder(String name, Kind kind) {
            this.name = name;
            this.kind = kind;
        }

        public String name() { return name; }

        public Builder name(String name) { this.name = name; return this; }

        /** Resolution in pixels and patch size. */
        public Builder image(int imageSize, int patchSize) {
            this.imageSize = imageSize;
            this.patchSize = patchSize;
            return this;
        }

        public Builder channels(int channels) { this.channels = channels; return this; }

        /** Encoder blocks, width D and attention heads. */
        public Builder encoder(int depth, int dim, int heads) {
            this.depth = depth;
            this.dim = dim;
            this.heads = heads;
            return this;
        }

        /** Decoder blocks, width D' and attention heads (EPG). */
        public Builder decoder(int depth, int dim, int heads) {
            this.decoderDepth = depth;
            this.decoderDim = dim;
            this.decoderHeads = heads;
            return this;
        }

        public Builder classes(int numClasses) { this.numClasses = numClasses; return this; }

        public Builder mlpRatio(double mlpRatio) { this.mlpRatio = mlpRatio; return this; }

        /** Projector hidden width, output width and Linear layers (RCM). */
        public Builder projector(int hidden, int out, int layers) {
            this.projHidden = hidden;
            this.projOut = out;
            this.projLayers = layers;
            return this;
        }

        /** Decoder dropout after the attention projection and on the attention weights. */
        public Builder dropout(double decoder, double attention) {
            this.decoderDropout = decoder;
            this.attnDropout = attention;
            return this;
        }

        public Builder fusedAttention(boolean fused) { this.fusedAttention = fused; return this; }

        public ModelConfig build() {
            return new ModelConfig(name, kind, imageSize, patchSize, channels, depth, dim, heads, decoderDepth,
                    decoderDim, decoderHeads, numClasses, mlpRatio, projHidden, projOut, projLayers, decoderDropout,
                    attnDropout, fusedAttention);
        }
    }

    private static void limited(String field, int v, int max) {
        if (v <= 0 || v > max) throw new IllegalArgumentException(field + " must be in [1, " + max + "], got " + v);
    }

    private static void probability(String field, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(field + " must be in [0, 1), got " + v);
    }
}
