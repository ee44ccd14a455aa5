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
        byte p = (byte) clip8((int) Math.round(v * (1.0 - s / 255.0)));
        byte q = (byte) clip8((int) Math.round(v * (1.0 - fs / 255.0)));
        byte t = (byte) clip8((int) Math.round(v * (1.0 - (s - fs) / 255.0)));
        byte vv = (byte) v;
        byte[] rgb = switch (i % 6) {
            case 0 -> new byte[]{vv, t, p};
            case 1 -> new byte[]{q, vv, p};
            case 2 -> new byte[]{p, vv, t};
            case 3 -> new byte[]{p, q, vv};
            case 4 -> new byte[]{t, p, vv};
            default -> new byte[]{vv, p, q};
        };
        System.arraycopy(rgb, 0, out, o, 3);
    }
}
