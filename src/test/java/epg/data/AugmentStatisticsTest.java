// Spec §3.1: sampled augmentation parameters over 10k draws against torchvision's rule and MoCo v3's probabilities.
package epg.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AugmentStatisticsTest {
    static final int N = 10_000;

    /** Mean of f over draws must lie within 3 standard errors of {@code expected}. */
    static void assertMean(String what, double expected, double sd, double[] xs) {
        double mean = 0;
        for (double x : xs) mean += x / xs.length;
        double se = sd / Math.sqrt(xs.length);
        assertTrue(Math.abs(mean - expected) <= 3 * se,
                what + ": mean " + mean + " vs expected " + expected + " (3 SE = " + 3 * se + ")");
    }

    static void assertProbability(String what, double p, boolean[] hits) {
        double[] xs = new double[hits.length];
        for (int i = 0; i < hits.length; i++) xs[i] = hits[i] ? 1 : 0;
        if (p == 0 || p == 1) for (double x : xs) assertEquals(p, x, what);
        else assertMean(what, p, Math.sqrt(p * (1 - p)), xs);
    }

    static MocoView[] views(int view, int w, int h, long seed) {
        MocoView[] out = new MocoView[N];
        for (int i = 0; i < N; i++) out[i] = MocoView.sample(Seeds.rng(seed, i, view), view, w, h);
        return out;
    }

    static double[] map(MocoView[] v, ToDoubleFunction<MocoView> f) {
        double[] xs = new double[v.length];
        for (int i = 0; i < v.length; i++) xs[i] = f.applyAsDouble(v[i]);
        return xs;
    }

    @Test
    void randomResizedCropFollowsTorchvision() {
        for (JsonElement e : Fixtures.manifest().getAsJsonArray("rrcStats")) {
            JsonObject s = e.getAsJsonObject();
            int w = s.get("width").getAsInt(), h = s.get("height").getAsInt();
            double[] area = new double[N], logRatio = new double[N];
            SplittableRandom r = new SplittableRandom(w * 1000L + h);
            for (int i = 0; i < N; i++) {
                RandomResizedCrop c = RandomResizedCrop.sample(r, w, h);
                assertTrue(c.left() >= 0 && c.top() >= 0 && c.left() + c.width() <= w && c.top() + c.height() <= h,
                        c.toString());
                area[i] = (double) c.width() * c.height() / (w * h);
                logRatio[i] = Math.log((double) c.width() / c.height());
            }
            // the reference means carry their own sampling error (200k draws): add it in quadrature
            double refDraws = s.get("draws").getAsDouble();
            double sdA = s.get("areaStd").getAsDouble() * Math.sqrt(1 + N / refDraws);
            double sdR = s.get("logRatioStd").getAsDouble() * Math.sqrt(1 + N / refDraws);
            assertMean(w + "x" + h + " area fraction", s.get("areaMean").getAsDouble(), sdA, area);
            assertMean(w + "x" + h + " log aspect", s.get("logRatioMean").getAsDouble(), sdR, logRatio);
        }
    }

    @Test
    void fallbackIsTheCentralCropOfTheAllowedRatio() {
        // hand-derived: on a 200x2 strip every try needs h >= round(sqrt(0.08*400/(4/3))) = 5 > 2 rows, so all ten
        // fail;
        // in_ratio 100 > 4/3 gives h = 2, w = round(2*4/3) = 3, top 0, left (200-3)//2 = 98; likewise for the tall
        // strip
        for (long seed = 0; seed < 20; seed++) {
            assertEquals(new RandomResizedCrop(0, 98, 2, 3), RandomResizedCrop.sample(new SplittableRandom(seed), 200,
                    2));
            assertEquals(new RandomResizedCrop(98, 0, 3, 2), RandomResizedCrop.sample(new SplittableRandom(seed), 2,
                    200));
        }
    }

    @Test
    void colourJitterFactorsAndOrder() {
        MocoView[] v = views(1, 64, 64, 7);
        boolean[] applied = new boolean[N];
        int jittered = 0;
        double[][] factors = new double[4][N];
        int[] firstOp = new int[4];
        for (int i = 0; i < N; i++) {
            ColorJitter j = v[i].jitter();
            applied[i] = j != null;
            if (j == null) continue;
            factors[0][jittered] = j.brightness();
            factors[1][jittered] = j.contrast();
            factors[2][jittered] = j.saturation();
            factors[3][jittered] = j.hue();
            firstOp[j.order()[0]]++;
            jittered++;
        }
        assertProbability("jitter applied", MocoView.JITTER_P, applied);
        double[] lo = {0.6, 0.6, 0.8, -0.1}, hi = {1.4, 1.4, 1.2, 0.1};
        for (int k = 0; k < 4; k++) {
            double[] xs = java.util.Arrays.copyOf(factors[k], jittered);
            for (double x : xs) assertTrue(x >= lo[k] && x <= hi[k], "factor " + k + " = " + x);
            assertMean("factor " + k, (lo[k] + hi[k]) / 2, (hi[k] - lo[k]) / Math.sqrt(12), xs);
            double min = java.util.Arrays.stream(xs).min().orElseThrow(),
                    max = java.util.Arrays.stream(xs).max().orElseThrow();
            assertTrue(min < lo[k] + 0.01 * (hi[k] - lo[k]) && max > hi[k] - 0.01 * (hi[k] - lo[k]), "factor " + k
                    + " range [" + min + ", " + max + "]");
            boolean[] first = new boolean[jittered];
            for (int i = 0; i < firstOp[k]; i++) first[i] = true;
            assertProbability("operation " + k + " first", 0.25, first);
        }
    }

    @Test
    void viewProbabilities() {
        for (int view = 1; view <= 2; view++) {
            MocoView[] v = views(view, 64, 64, 11 + view);
            boolean[] grey = new boolean[N], flip = new boolean[N], blur = new boolean[N], sol = new boolean[N];
            for (int i = 0; i < N; i++) {
                grey[i] = v[i].grey();
                flip[i] = v[i].flip();
                blur[i] = v[i].blurSigma() > 0;
                sol[i] = v[i].solarize();
            }
            assertProbability("view " + view + " grey", 0.2, grey);
            assertProbability("view " + view + " flip", 0.5, flip);
            assertProbability("view " + view + " blur", view == 1 ? 1.0 : 0.1, blur);
            assertProbability("view " + view + " solarize", view == 1 ? 0.0 : 0.2, sol);
            double[] sigmas = java.util.Arrays.stream(map(v, MocoView::blurSigma)).filter(s -> s > 0).toArray();
            for (double s : sigmas) assertTrue(s >= 0.1 && s <= 2.0, "sigma " + s);
            assertMean("view " + view + " sigma", 1.05, 1.9 / Math.sqrt(12), sigmas);
        }
    }
}
