// The classes samples were drawn for (spec §6 class-balanced sampling), as class accuracy needs them.
package epg.metrics;

import epg.sample.Labels;
import epg.tensor.Npy;
import epg.tensor.Npz;
import epg.tensor.Scope;
import epg.tensor.Torch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * @param labels one class per sample, in sample order
 * @param source where they came from: an array of the samples' .npz, a .npy file, or "balanced"
 */
public record SampleLabels(int[] labels, String source) {
    /** The arrays of a samples .npz that hold labels: ours, then ADM's class-conditional samples (arr_0, arr_1). */
    public static final List<String> NPZ_ARRAYS = List.of("labels", "arr_1");

    /**
     * {@code spec} "balanced": {@code epg sample}'s default (image i drawn for class ⌊i·10/N⌋); a path: a .npy of
     * integer classes; null: the samples .npz's {@code labels} or {@code arr_1} array, else balanced.
     */
    public static SampleLabels of(Path samples, String spec, long count) throws IOException {
        SampleLabels l = spec == null ? fromSamples(samples, count)
                : spec.equals("balanced") ? balanced(count)
                : read(Path.of(spec), spec);
        if (l.labels.length != count)
            throw new IllegalArgumentException(l.source + " holds " + l.labels.length + " labels for " + count
                    + " samples: give one class per sample (--labels FILE.npy or --labels balanced)");
        return l;
    }

    private static SampleLabels fromSamples(Path samples, long count) throws IOException {
        if (Files.isRegularFile(samples)) {
            List<String> names = Npz.names(samples);
            for (String name : NPZ_ARRAYS) if (names.contains(name)) return read(samples, name);
        }
        return balanced(count);
    }

    private static SampleLabels balanced(long count) {
        return new SampleLabels(Labels.balanced(Math.toIntExact(count), FashionClassifier.CLASSES), "balanced");
    }

    /** {@code name}: an array of the .npz {@code file}, or the .npy file itself. */
    private static SampleLabels read(Path file, String name) throws IOException {
        boolean npy = name.equals(file.toString());
        if (npy && !Files.isRegularFile(file))
            throw new IOException("--labels " + file + " does not exist: give a .npy of classes or 'balanced'");
        try (Scope s = Scope.open()) {
            long[] v = Torch.toLongs(npy ? Npy.read(file) : Npz.read(file, name));
            int[] out = new int[v.length];
            for (int i = 0; i < v.length; i++) out[i] = Math.toIntExact(v[i]);
            return new SampleLabels(out, npy ? file.toString() : file.getFileName() + ":" + name);
        }
    }
}
