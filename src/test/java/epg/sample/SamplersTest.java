// Spec §6: samplers against closed-form denoisers — hand-computed steps, point-mass and Gaussian data, one/two-step.
package epg.sample;

import epg.data.BatchTensors;
import epg.diffusion.KarrasGrid;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplersTest {
    private static final double[][] POINTS = {{-0.8, -0.8, 0.5, 0}, {0.7, 0.2, -0.6, 0.3}, {0, 0.9, 0.9, -0.9}};
    private static final double[] WEIGHTS = {0.5, 0.3, 0.2};

    static long[] seeds(int n) { return LongStream.range(0, n).toArray(); }

    static Tensor zeroLabels(int n) { return BatchTensors.labels(new int[n]); }

    @Test
    void oneEulerAndOneHeunStepMatchHandComputation() {
        try (Scope s = Scope.open()) {
            // Data N(0, 1): D(x, σ) = x/(1 + σ²). From x = 3 at σ = 2 to σ = 1:
            // Euler: d = (3 − 0.6)/2 = 1.2, x' = 3 − 1.2 = 1.8; Heun: D(1.8, 1) = 0.9, d' = 0.9, x' = 3 − (1.2 + 0.9)/2
            // = 1.95.
            Denoiser d = Analytic.gaussian(0, 1);
            Tensor x = Torch.fromDoubles(new double[]{3}, 1, 1, 1, 1);
            assertEquals(1.8, Torch.toDoubles(Euler.step(d, x, zeroLabels(1), 2, 1))[0], 1e-12);
            assertEquals(1.95, Torch.toDoubles(Heun.step(d, x, zeroLabels(1), 2, 1))[0], 1e-12);
        }
    }

    @Test
    void aWalkOverScopedStepsEndsAtNoiseTimesTheLastSigmaForAZeroDenoiser() {
        // D = 0: d = x/σ and every Euler step gives x·σ_{i+1}/σ_i, so the walk telescopes to x_0·σ_last/σ_0 = ε·σ_last.
        try (Scope s = Scope.open()) {
            Denoiser zero = (x, sigma, y) -> torch.zeros_like(x);
            KarrasGrid grid = new KarrasGrid(32, 4);
            Tensor eps = Torch.fromDoubles(new double[]{1.5, -2}, 2, 1, 1, 1);
            double[] out = Torch.toDoubles(new Euler().sample(zero, eps, zeroLabels(2), grid, null));
            assertEquals(1.5 * grid.sigma(31), out[0], 1e-12);
            assertEquals(-2 * grid.sigma(31), out[1], 1e-12);
            assertEquals(2.5, Torch.toDoubles(eps)[0] + 1, 0); // the caller's noise is left untouched
        }
    }

    @Test
    void heun32LandsOnThePointMassesWithTheirWeights() {
        for (double shift : new double[]{1, 4}) {
            try (Scope s = Scope.open()) {
                int n = 3000;
                Tensor noise = new SeedNoise(seeds(n), new long[]{1, 2, 2}).initial().to(torch.ScalarType.Double);
                Tensor x = new Heun().sample(Analytic.pointMasses(POINTS, WEIGHTS), noise, zeroLabels(n),
                        new KarrasGrid(32, shift), null);
                double[] v = Torch.toDoubles(x);
                int[] nearest = new int[POINTS.length];
                double worst = 0;
                for (int b = 0; b < n; b++) {
                    int best = 0;
                    double bestD = Double.MAX_VALUE;
                    for (int k = 0; k < POINTS.length; k++) {
                        double dist = 0;
                        for (int j = 0; j < 4; j++) dist += Math.pow(v[b * 4 + j] - POINTS[k][j], 2);
                        if (dist < bestD) { bestD = dist; best = k; }
                    }
                    nearest[best]++;
                    worst = Math.max(worst, Math.sqrt(bestD));
                }
                for (int k = 0; k < POINTS.length; k++)
                    assertEquals(WEIGHTS[k], nearest[k] / (double) n, 0.03, "shift " + shift + ", fraction at point "
                            + k);
                assertTrue(worst < 0.02 * shift, "shift " + shift + ": a sample lies " + worst + " from every point");
            }
        }
    }

    /**
     * Mean and standard deviation of all pixels of {@code sampler}'s output for data N(0.3, 0.4²), n images of 4
     * pixels.
     */
    static double[] gaussianMoments(Sampler sampler, int n, int steps, double shift) {
        try (Scope s = Scope.open()) {
            SeedNoise noise = new SeedNoise(seeds(n), new long[]{1, 2, 2});
            double[] v = Torch.toDoubles(sampler.sample(Analytic.gaussian(0.3, 0.4),
                    noise.initial().to(torch.ScalarType.Double),
                    zeroLabels(n), new KarrasGrid(steps, shift), noise));
            double mean = 0, sq = 0;
            for (double a : v) mean += a / v.length;
            for (double a : v) sq += (a - mean) * (a - mean) / (v.length - 1);
            return new double[]{mean, Math.sqrt(sq)};
        }
    }

    @Test
    void heun32MatchesGaussianMeanAndVariance() {
        // 12000 values: the standard error of the mean is 0.4/sqrt(12000) = 0.0037, of the std about 0.0026.
        for (double shift : new double[]{1, 4}) {
            double[] m = gaussianMoments(new Heun(), 3000, 32, shift);
            assertEquals(0.3, m[0], 0.015, "mean, shift " + shift);
            assertEquals(0.4, m[1], 0.012, "std, shift " + shift);
        }
    }

    /**
     * For data N(μ, v) every first-order sampler is linear in x − μ: x' − μ = a_i·(x − μ) + sqrt(q_i)·z. Its exact
     * output standard deviation follows from Var' = a_i²·Var + q_i, starting at Var = σ_0² (computed here in doubles).
     */
    static double recursionStd(String sampler, KarrasGrid grid, double v) {
        double var = grid.sigma(0) * grid.sigma(0);
        for (int i = 0; i + 1 < grid.n(); i++) {
            double s = grid.sigma(i), t = grid.sigma(i + 1), k = v / (v + s * s), a, q;
            switch (sampler) {
                case "euler" -> { a = 1 + (1 - k) * (t - s) / s; q = 0; }
                case "euler-sde" -> { a = 1 + 2 * (1 - k) * (t - s) / s; q = 2 * s * (s - t); }
                default -> { // ancestral, η = 1
                    double up = Math.min(t, t * Math.sqrt(s * s - t * t) / s), down = Math.sqrt(t * t - up * up);
                    a = 1 + (1 - k) * (down - s) / s; q = up * up;
                }
            }
            var = a * a * var + q;
        }
        return Math.sqrt(var);
    }

    @Test
    void firstOrderSamplersFollowTheirExactGaussianRecursion() {
        KarrasGrid grid = new KarrasGrid(32, 1);
        String[] names = {"euler", "euler-sde", "euler-ancestral"};
        for (String name : names) {
            double expected = recursionStd(name, grid, 0.16);
            double[] m = gaussianMoments(Sampler.named(name, 0), 1000, 32, 1);
            assertEquals(0.3, m[0], 0.02, name + " mean");
            assertEquals(expected, m[1], 0.015, name + " std");
            // first order: far off at 32 points (0.33 to 0.44), but converging to the data's 0.4
            assertEquals(0.4, recursionStd(name, new KarrasGrid(1024, 1), 0.16), 0.005, name + " with 1024 points");
        }
    }

    @Test
    void edmStochasticSamplerReachesTheGaussian() {
        double[] m = gaussianMoments(EdmStochastic.RELEASED, 1000, 32, 1);
        assertEquals(0.3, m[0], 0.02, "mean");
        assertEquals(0.4, m[1], 0.02, "std");
    }

    @Test
    void oneStepAndTwoStepMatchHandComputation() {
        try (Scope s = Scope.open()) {
            // A consistency-like function D(x, σ) = x/(1 + σ); seed 3, two pixels, shift 4.
            Denoiser d = (x, sigma, y) -> x.div(sigma.add(new org.bytedeco.pytorch.Scalar(1.0))
                    .reshape(x.size(0), 1, 1, 1));
            long[] shape = {1, 1, 2};
            float[] eps = Torch.toFloats(torch.randn(shape, new GeneratorOptional(torch.make_generator_cpu(3)),
                    Torch.options(torch.ScalarType.Float)));
            float[] z = Torch.toFloats(torch.randn(shape, new GeneratorOptional(torch.make_generator_cpu(Rng.derive(3,
                    1))), Torch.options(torch.ScalarType.Float)));
            SeedNoise noise = new SeedNoise(new long[]{3}, shape);
            KarrasGrid grid = new KarrasGrid(32, 4);
            float[] one = Torch.toFloats(new OneStep().sample(d, noise.initial(), zeroLabels(1), grid, noise));
            float[] two = Torch.toFloats(new TwoStep(0.821).sample(d, noise.initial(), zeroLabels(1), grid, noise));
            for (int j = 0; j < 2; j++) {
                double first = eps[j] * 320.0 / 321.0;
                assertEquals(first, one[j], 1e-5);
                assertEquals((first + 0.821 * 4 * z[j]) / (1 + 0.821 * 4), two[j], 1e-5);
            }
        }
    }
}
