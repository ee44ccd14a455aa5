// Spec §6 (seeding, class balance): an image depends only on its own seed and label, never on its batch.
package epg.sample;

import epg.data.Normalization;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeedingTest {
    @Test
    void eachImagesNoiseComesFromItsOwnSeed() {
        try (Scope s = Scope.open()) {
            long[] shape = {3, 4, 4};
            SeedNoise noise = new SeedNoise(new long[]{11, 5}, shape);
            float[] all = Torch.toFloats(noise.initial()), step = Torch.toFloats(noise.step(2, noise.initial()));
            float[] own = Torch.toFloats(torch.randn(shape, new GeneratorOptional(torch.make_generator_cpu(5)),
                    Torch.options(torch.ScalarType.Float)));
            float[] ownStep = Torch.toFloats(torch.randn(shape,
                    new GeneratorOptional(torch.make_generator_cpu(Rng.derive(5, 3))),
                    Torch.options(torch.ScalarType.Float)));
            assertArrayEquals(own, Arrays.copyOfRange(all, 48, 96), 0f);
            assertArrayEquals(ownStep, Arrays.copyOfRange(step, 48, 96), 0f);
            assertFalse(Arrays.equals(Arrays.copyOfRange(all, 0, 48), Arrays.copyOfRange(step, 0, 48)));
        }
    }

    /** 8 images sampled in batches of {@code batch} with {@code sampler} against a point-mass denoiser. */
    static float[] sampleInBatches(Sampler sampler, int batch) {
        SampleRun run = new SampleRun(Analytic.pointMasses(new double[][]{{-0.5, 0.5, 0, 0.2}, {0.6, -0.1, 0.3, 0}},
                new double[]{0.5, 0.5}),
                10, new long[]{1, 2, 2}, 1, Normalization.SIMPLE, new SampleOptions(sampler, 12, 2.0, 0.19, 1.61,
                        batch));
        long[] seeds = {9, 3, 100, 4, 5, 6, 70, 8};
        int[] labels = Labels.balanced(8, 4);
        Guidance g = run.guidance();
        float[] out = new float[8 * 4];
        for (int from = 0; from < 8; from += batch) {
            int to = Math.min(8, from + batch);
            try (Scope s = Scope.open()) {
                float[] b = Torch.toFloats(run.batch(Arrays.copyOfRange(seeds, from, to),
                        Arrays.copyOfRange(labels, from, to), g));
                System.arraycopy(b, 0, out, from * 4, b.length);
            }
        }
        return out;
    }

    @Test
    void batchSizeChangesNothingForStochasticSamplers() {
        for (Sampler sampler : List.of(EdmStochastic.RELEASED, new EulerAncestral(1), new EulerSde(),
                new TwoStep(0.821))) {
            float[] eight = sampleInBatches(sampler, 8), three = sampleInBatches(sampler, 3),
                    one = sampleInBatches(sampler, 1);
            assertArrayEquals(eight, three, 0f, sampler + ": batch 8 vs 3");
            assertArrayEquals(eight, one, 0f, sampler + ": batch 8 vs 1");
        }
    }

    @Test
    void labelsBalancedByFrequencyOrGiven() {
        assertArrayEquals(new int[]{0, 0, 1, 1, 2, 2, 3, 3, 4, 4}, Labels.balanced(10, 5));
        assertArrayEquals(new int[]{0, 0, 0, 1, 1, 1, 2, 2}, Labels.balanced(8, 3)); // 8/3: floor(i·3/8)
        assertArrayEquals(new int[]{0, 1, 1, 1, 2, 2, 2, 2, 2, 2}, Labels.frequency(10, new long[]{10, 30, 60}));
        // 7/3 each: leftover to the first
        assertArrayEquals(new int[]{0, 0, 0, 1, 1, 2, 2}, Labels.frequency(7, new long[]{5, 5, 5}));
        assertArrayEquals(new int[]{1, 1, 2, 2, 2}, Labels.frequency(5, new long[]{0, 10, 14}));       // 2.08 and 2.92
        assertArrayEquals(new int[]{1, 5, 7, 1, 5}, Labels.cycle(5, List.of(1, 5, 7), 10));
        assertEquals(10, Labels.cycle(1, List.of(10), 10)[0]); // the unconditional class may be asked for
    }

    /**
     * --labels random as released (torch.multinomial over the class counts, with replacement): i.i.d., each label a
     * pure function of its image's seed. 10,000 seeds over 10 equal classes: every class within 5 standard deviations
     * of 1000 (σ = 30); weights {0, 1, 3}: class 0 never, class 2 three times as often as class 1.
     */
    @Test
    void randomLabelsAreIidAndAFunctionOfTheSeed() {
        long[] seeds = java.util.stream.LongStream.range(0, 10_000).toArray();
        int[] labels = Labels.random(seeds, 10);
        int[] count = new int[10];
        for (int l : labels) count[l]++;
        for (int c = 0; c < 10; c++) assertTrue(Math.abs(count[c] - 1000) < 150, "class " + c + ": " + count[c]);
        assertEquals(labels[4321], Labels.random(new long[]{4321}, 10)[0], "a label depends on its seed alone");
        assertEquals(labels[7], Labels.random(new long[]{99, 7, 3}, 10)[1]);
        assertFalse(java.util.Arrays.equals(Labels.balanced(10_000, 10), labels), "not the balanced list");
        int[] weighted = Labels.random(seeds, new long[]{0, 1, 3});
        int[] w = new int[3];
        for (int l : weighted) w[l]++;
        assertEquals(0, w[0]);
        assertTrue(Math.abs(w[2] / (double) weighted.length - 0.75) < 0.02, "class 2 share " + w[2]);
        assertThrows(IllegalArgumentException.class, () -> Labels.random(seeds, new long[]{0, 0}));
    }
}
