// Spec §3.1: torchvision's RandomResizedCrop (0.14) sampling rule, resized with PIL bilinear as torchvision does.
package epg.data;

import java.util.SplittableRandom;

/** The crop box (top, left, height, width) of torchvision's {@code RandomResizedCrop.get_params}. */
public record RandomResizedCrop(int top, int left, int height, int width) {
    public static final double SCALE_MIN = 0.08, SCALE_MAX = 1.0, RATIO_MIN = 3.0 / 4, RATIO_MAX = 4.0 / 3;

    /** Ten tries of (area fraction uniform in scale, log-uniform aspect), then the central-crop fallback. */
    public static RandomResizedCrop sample(SplittableRandom r, int imgW, int imgH) {
        double area = (double) imgW * imgH, logMin = Math.log(RATIO_MIN), logMax = Math.log(RATIO_MAX);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * Seeds.uniform(r, SCALE_MIN, SCALE_MAX),
                    aspect = Math.exp(Seeds.uniform(r, logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(target * aspect)), h = (int) Math.rint(Math.sqrt(target / aspect));
            if (0 < w && w <= imgW && 0 < h && h <= imgH)
                return new RandomResizedCrop(r.nextInt(imgH - h + 1), r.nextInt(imgW - w + 1), h, w);
        }
        double inRatio = (double) imgW / imgH;
        int w = imgW, h = imgH;
        if (inRatio < RATIO_MIN) h = (int) Math.rint(w / RATIO_MIN);
        else if (inRatio > RATIO_MAX) w = (int) Math.rint(h * RATIO_MAX);
        return new RandomResizedCrop((imgH - h) / 2, (imgW - w) / 2, h, w);
    }

    /** The crop resized to size x size with PIL's bilinear filter (antialiased when shrinking). */
    public ByteImage apply(ByteImage img, int size) {
        return Resample.resize(img, left, top, width, height, size, size, Resample.Filter.BILINEAR);
    }
}
