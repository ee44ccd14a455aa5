// Spec §1 (pixel normalisation): "imagenet" (x - mean)/(2 std) and "simple" 2x - 1, x in [0, 1], and their inverses.
package epg.data;

/** Per-channel affine map v = (x - mean_c) / scale_c of x = byte / 255. */
public enum Normalization {
    IMAGENET(new float[]{0.485f, 0.456f, 0.406f}, new float[]{2 * 0.229f, 2 * 0.224f, 2 * 0.225f}),
    SIMPLE(new float[]{0.5f, 0.5f, 0.5f}, new float[]{0.5f, 0.5f, 0.5f});

    private final float[] mean, scale;

    Normalization(float[] mean, float[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    /** The mode to use for data with {@code channels} channels: grey-scale data always uses SIMPLE. */
    public Normalization forChannels(int channels) { return channels == 1 ? SIMPLE : this; }

    public static Normalization parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "imagenet" -> IMAGENET;
            case "simple" -> SIMPLE;
            default -> throw new IllegalArgumentException("unknown normalisation '" + name
                    + "'; use imagenet or simple");
        };
    }

    public float mean(int channel) { return mean[channel]; }

    public float scale(int channel) { return scale[channel]; }

    /** Writes {@code img} as planar [C, H, W] floats at {@code dst[offset...]}. */
    public void normalize(ByteImage img, float[] dst, int offset) {
        int c = img.channels(), hw = img.width() * img.height();
        byte[] p = img.pixels();
        for (int ch = 0; ch < c; ch++) {
            float m = mean[ch], inv = 1f / scale[ch];
            for (int i = 0, o = offset + ch * hw; i < hw; i++, o++) dst[o] = ((p[i * c + ch] & 0xFF) / 255f - m) * inv;
        }
    }

    /** The inverse: planar [C, H, W] model output to bytes, clamped to [0, 1] first and rounded. */
    public ByteImage denormalize(float[] src, int offset, int channels, int height, int width) {
        int hw = width * height;
        byte[] out = new byte[hw * channels];
        for (int ch = 0; ch < channels; ch++)
            for (int i = 0, o = offset + ch * hw; i < hw; i++, o++) {
                float x = Math.min(1f, Math.max(0f, src[o] * scale[ch] + mean[ch]));
                out[i * channels + ch] = (byte) Math.round(x * 255f);
            }
        return new ByteImage(width, height, channels, out);
    }
}
