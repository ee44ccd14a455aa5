// Spec §6 (class-balanced sampling): the label of every image, fixed by its position in the run, never by batching.
package epg.sample;

import epg.tensor.Npy;
import epg.tensor.Rng;
import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Label lists for {@code num} images: balanced, weighted by class frequency, i.i.d. random, or a given list. */
public final class Labels {
    private Labels() {}

    /** num/numClasses images of every class in class order (image i gets class ⌊i·numClasses/num⌋). */
    public static int[] balanced(int num, int numClasses) {
        int[] out = new int[num];
        for (int i = 0; i < num; i++) out[i] = (int) ((long) i * numClasses / num);
        return out;
    }

    /** Classes in order, each with a share of num proportional to its count (largest remainders get the leftovers). */
    public static int[] frequency(int num, long[] counts) {
        long total = Arrays.stream(counts).sum();
        if (total <= 0) throw new IllegalArgumentException("class counts must sum to more than 0");
        int[] share = new int[counts.length];
        double[] remainder = new double[counts.length];
        int given = 0;
        for (int c = 0; c < counts.length; c++) {
            double exact = (double) num * counts[c] / total;
            share[c] = (int) Math.floor(exact);
            remainder[c] = exact - share[c];
            given += share[c];
        }
        for (int k = given; k < num; k++) share[takeLargest(remainder)]++;
        int[] out = new int[num];
        for (int c = 0, i = 0; c < counts.length; c++) for (int j = 0; j < share[c]; j++) out[i++] = c;
        return out;
    }

    /** The stream of {@link Rng#derive} that draws an image's random label (SeedNoise's streams are 1, 2, …). */
    public static final long LABEL_STREAM = 0x4c4142454cL;

    /**
     * I.i.d. labels as the released sampler draws them (torch.multinomial over the training set's class counts, with
     * replacement): class c with probability counts[c]/Σcounts, each image's label a pure function of its own seed
     * (a uniform from {@code Rng.derive(seed, LABEL_STREAM)}, then the inverse of the cumulative counts).
     */
    public static int[] random(long[] seeds, long[] counts) {
        long total = Arrays.stream(counts).sum();
        if (total <= 0 || Arrays.stream(counts).anyMatch(c -> c < 0))
            throw new IllegalArgumentException("class counts must be >= 0 and sum to more than 0");
        int[] out = new int[seeds.length];
        for (int k = 0; k < seeds.length; k++) {
            double u = new SplittableRandom(Rng.derive(seeds[k], LABEL_STREAM)).nextDouble() * total;
            int c = 0;
            long below = counts[0];                           // images of the classes up to c
            while (below <= u && c < counts.length - 1) below += counts[++c];
            out[k] = c;
        }
        return out;
    }

    /** {@link #random(long[], long[])} with equal counts: uniform over the classes. */
    public static int[] random(long[] seeds, int numClasses) {
        long[] equal = new long[numClasses];
        Arrays.fill(equal, 1);
        return random(seeds, equal);
    }

    /** The given classes repeated in order until num labels: [1, 5, 7] → 1, 5, 7, 1, 5, … */
    public static int[] cycle(int num, List<Integer> classes, int numClasses) {
        if (classes.isEmpty()) throw new IllegalArgumentException("no classes given");
        for (int c : classes)
            if (c < 0 || c > numClasses)
                throw new IllegalArgumentException("class " + c + " outside 0.." + numClasses + " (" + numClasses
                        + " = unconditional)");
        int[] out = new int[num];
        for (int i = 0; i < num; i++) out[i] = classes.get(i % classes.size());
        return out;
    }

    private static int takeLargest(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        v[best] = -1; // each class takes at most one leftover
        return best;
    }

    /** The classes in a .npy of one integer per image ([num]), each in 0..numClasses (numClasses = unconditional). */
    public static int[] fromNpy(Path file, int num, int numClasses) throws IOException {
        if (!Files.isRegularFile(file))
            throw new IllegalArgumentException("--labels " + file + " does not exist: give a .npy of class ids, a "
                    + "class list such as 1,5,7, or balanced");
        try (Scope s = Scope.open()) {
            Tensor t = Npy.read(file);
            if (t.dim() != 1 || t.size(0) != num || t.is_floating_point())
                throw new IllegalArgumentException(file + " must hold " + num + " integer class ids, shape [" + num
                        + "]; it has shape " + Torch.shapeString(t) + (t.is_floating_point() ? " of floats" : ""));
            int[] out = Arrays.stream(Torch.toLongs(t)).mapToInt(Math::toIntExact).toArray();
            for (int c : out)
                if (c < 0 || c > numClasses)
                    throw new IllegalArgumentException(file + " holds class " + c + ", outside 0.." + numClasses
                            + " (" + numClasses + " = unconditional)");
            return out;
        }
    }
}
