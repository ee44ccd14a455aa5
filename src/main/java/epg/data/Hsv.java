// Spec §3.1: PIL 9.4's byte HSV conversions (libImaging/Convert.c rgb2hsv_row, hsv2rgb), used by the hue jitter.
package epg.data;

final class Hsv {
    private Hsv() {}

    static int clip8(int v) { return v < 0 ? 0 : Math.min(v, 255); }

    static void fromRgb(int r, int g, int b, int[] hsv) {
        int max = Math.max(r, Math.max(g, b)), min = Math.min(r, Math.min(g, b));
        hsv[2] = max;
        if (max == min) { hsv[0] = hsv[1] = 0; return; }
        float cr = max - min, s = cr / max, rc = (max - r) / cr, gc = (max - g) / cr, bc = (max - b) / cr;
        float h = r == max ? bc - gc : g == max ? (float) (2.0 + rc - bc) : (float) (4.0 + gc - rc);
        h = (float) ((h / 6.0 + 1.0) % 1.0);
        hsv[0] = clip8((int) (h * 255.0));
        hsv[1] = clip8((int) (s * 255.0));
    }

    static void toRgb(int h, int s, int v, byte[] out, int o) {
        if (s == 0) { out[o] = out[o + 1] = out[o + 2] = (byte) v; return; }
        int i = (int) Math.floor((float) h * 6.0 / 255.0);
        float f = (float) ((float) h * 6.0 / 255.0 - (float) i), fs = f * s;
        int p = clip8((int) Math.round(v * (1.0 - s / 255.0)));
        int q = clip8((int) Math.round(v * (1.0 - fs / 255.0)));
        int t = clip8((int) Math.round(v * (1.0 - (s - fs) / 255.0)));
        int r, g, b;
        switch (i % 6) {
            case 0 -> { r = v; g = t; b = p; }
            case 1 -> { r = q; g = v; b = p; }
            case 2 -> { r = p; g = v; b = t; }
            case 3 -> { r = p; g = q; b = v; }
            case 4 -> { r = t; g = p; b = v; }
            default -> { r = v; g = p; b = q; }
        }
        out[o] = (byte) r;
        out[o + 1] = (byte) g;
        out[o + 2] = (byte) b;
    }
}
