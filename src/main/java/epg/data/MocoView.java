// Spec §3.1: one view of MoCo v3's asymmetric augmentation pair (crop, jitter, grey, blur, solarize, flip).
package epg.data;

import java.util.SplittableRandom;

/**
 * The sampled parameters of one view; {@code jitter} is null when ColorJitter is not applied and
 * {@code blurSigma} is 0 when there is no blur. View 1: blur p 1.0, no solarize; view 2: blur p 0.1,
 * solarize p 0.2. Both: jitter p 0.8, grey-scale p 0.2, flip p 0.5.
 */
public record MocoView(RandomResizedCrop crop, ColorJitter jitter, boolean grey, double blurSigma, boolean solarize,
        boolean flip) {
    public static final double JITTER_P = 0.8, GREY_P = 0.2, FLIP_P = 0.5, SOLARIZE_P = 0.2;
    public static final int SOLARIZE_THRESHOLD = 128;

    public static double blurP(int view) { return view == 1 ? 1.0 : 0.1; }

    public static double solarizeP(int view) { return view == 1 ? 0.0 : SOLARIZE_P; }

    /** Draws in the order the transforms run; {@code view} is 1 or 2. */
    public static MocoView sample(SplittableRandom r, int view, int imgW, int imgH) {
        if (view != 1 && view != 2) throw new IllegalArgumentException("view must be 1 or 2, got " + view);
        RandomResizedCrop crop = RandomResizedCrop.sample(r, imgW, imgH);
        ColorJitter jitter = r.nextDouble() < JITTER_P ? ColorJitter.sample(r) : null;
        boolean grey = r.nextDouble() < GREY_P;
        double sigma = r.nextDouble() < blurP(view) ? GaussianBlur.sampleSigma(r) : 0;
        boolean solarize = r.nextDouble() < solarizeP(view);
        return new MocoView(crop, jitter, grey, sigma, solarize, r.nextDouble() < FLIP_P);
    }

    /** The view of {@code img} at size x size, still in uint8 (normalisation comes after). */
    public ByteImage apply(ByteImage img, int size) {
        ByteImage out = crop.apply(img, size);
        if (jitter != null) out = jitter.apply(out);
        if (grey) out = out.greyscaleKeepChannels();
        if (blurSigma > 0) out = GaussianBlur.apply(out, blurSigma);
        if (solarize) out = out.solarize(SOLARIZE_THRESHOLD);
        return flip ? out.flip() : out;
    }
}
