// Spec §8: ADM's center_crop_arr (guided_diffusion/image_datasets.py) on PIL semantics.
package epg.data;

/** Box-halve while the short side is at least 2R, bicubic so the short side is R, crop the centre R x R. */
public final class CenterCrop {
    private CenterCrop() {}

    public static ByteImage adm(ByteImage img, int r) {
        if (r <= 0) throw new IllegalArgumentException("resolution must be positive, got " + r);
        if (img.width() == r && img.height() == r) return img;
        while (Math.min(img.width(), img.height()) >= 2 * r)
            img = Resample.resize(img, img.width() / 2, img.height() / 2, Resample.Filter.BOX);
        double scale = (double) r / Math.min(img.width(), img.height());
        // Python's round() rounds halves to even, as Math.rint does
        img = Resample.resize(img, (int) Math.rint(img.width() * scale), (int) Math.rint(img.height() * scale),
                Resample.Filter.BICUBIC);
        return img.crop((img.width() - r) / 2, (img.height() - r) / 2, r, r);
    }
}
