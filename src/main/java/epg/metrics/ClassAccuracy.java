// Class accuracy (beside spec §7): the share of samples an independent classifier assigns to the class drawn for.
package epg.metrics;

import epg.tensor.Scope;
import epg.tensor.Torch;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.util.Arrays;

/**
 * Counts per class c: samples drawn for c, and those {@link FashionClassifier} assigns to c. {@code overall} is the
 * share of all samples assigned to their class; {@code perClass[c]} that share among class c's samples (null when
 * none).
 *
 * @param classifier   what judged: the classifier's resource and its own test-split accuracy
 * @param count        samples judged
 * @param overall      correct / count
 * @param classMean    mean of perClass over the classes with samples (= overall for class-balanced samples)
 * @param perClass     share per class, in class order; null where a class has no samples
 * @param perClassCount samples drawn for each class
 */
public record ClassAccuracy(String classifier, long count, double overall, double classMean, Double[] perClass,
                            long[] perClassCount) {
    /** The images per classifier call when a whole tensor is judged. */
    public static final int BATCH = 500;

    /** The accuracy of {@code predicted} classes against the {@code labels} the samples were drawn for (0..9). */
    public static ClassAccuracy of(String classifier, long[] predicted, int[] labels) {
        if (predicted.length != labels.length)
            throw new IllegalArgumentException(predicted.length + " images but " + labels.length + " labels");
        if (labels.length == 0) throw new IllegalArgumentException("no samples to judge");
        int n = FashionClassifier.CLASSES;
        long[] total = new long[n], right = new long[n];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= n)
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " is not "
                        + "a Fashion-MNIST class 0.." + (n - 1) + " (unconditional samples have no class to judge)");
            total[labels[i]]++;
            if (predicted[i] == labels[i]) right[labels[i]]++;
        }
        Double[] share = new Double[n];
        for (int c = 0; c < n; c++) share[c] = total[c] == 0 ? null : (double) right[c] / total[c];
        double mean = Arrays.stream(share).filter(v -> v != null).mapToDouble(Double::doubleValue).average()
                .orElseThrow();
        double overall = (double) Arrays.stream(right).sum() / labels.length;
        return new ClassAccuracy(classifier, labels.length, overall, mean, share, total);
    }

    /** Judges images (uint8 [N, H, W, C], or float [N, C, H, W] in [−1, 1]) drawn for {@code labels}. */
    public static ClassAccuracy measure(FashionClassifier net, Tensor images, int[] labels) {
        long n = images.size(0);
        long[] predicted = new long[(int) n];
        for (long from = 0; from < n; from += BATCH) {
            long to = Math.min(n, from + BATCH);
            try (Scope s = Scope.open()) {
                long[] p = net.predict(images.narrow(0, from, to - from));
                System.arraycopy(p, 0, predicted, (int) from, p.length);
            }
        }
        return of(id(net), predicted, labels);
    }

    /** Judges the images of {@code source} (streamed, {@code batch} at a time) drawn for {@code labels}. */
    public static ClassAccuracy measure(FashionClassifier net, ImageSource source, int[] labels, int batch)
            throws IOException {
        if (source.count() != labels.length)
            throw new IllegalArgumentException(source.count() + " images but " + labels.length + " labels");
        long[] predicted = new long[labels.length];
        for (int done = 0; done < labels.length; ) {
            try (Scope s = Scope.open()) {
                long[] p = net.predict(source.next(Math.min(batch, labels.length - done)));
                System.arraycopy(p, 0, predicted, done, p.length);
                done += p.length;
            }
        }
        return of(id(net), predicted, labels);
    }

    private static String id(FashionClassifier net) {
        return "fashion-mnist-cnn (test split " + net.testAccuracy() + ")";
    }

    /** Two lines: the class names and the shares, then the overall share. */
    public String table() {
        StringBuilder names = new StringBuilder(), values = new StringBuilder();
        for (int c = 0; c < perClass.length; c++) {
            String name = FashionClassifier.CLASS_NAMES[c];
            int w = Math.max(5, name.length());
            names.append(String.format(" %" + w + "s", name));
            String v = perClass[c] == null ? "-" : String.format("%.3f", perClass[c]);
            values.append(String.format(" %" + w + "s", v));
        }
        return String.format("class accuracy (%s), %d samples:%n%s%n%s%noverall %.4f, class mean %.4f", classifier,
                count, names, values, overall, classMean);
    }
}
