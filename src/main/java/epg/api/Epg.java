// The library's front door (docs/library.md): load a model, sample, evaluate, in one call each.
package epg.api;

import epg.metrics.Evaluation;
import epg.metrics.EvaluationResult;
import epg.metrics.FeatureExtractor;
import epg.metrics.ImageSource;
import epg.metrics.InceptionV3;
import epg.metrics.RcmExtractor;
import epg.tensor.Natives;
import epg.tensor.Torch;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;

/**
 * One-call entry points over the packages below (epg.nn, epg.sample, epg.metrics, epg.train). Every call loads the
 * native libraries first ({@link Natives#load}: unpacked before the first is loaded, JavaCPP's memory settings);
 * start the JVM with {@link Natives#RECOMMENDED_ENVIRONMENT} as ./epg does for its speed.
 */
public final class Epg {
    private Epg() {}

    /** Loads the natives and libtorch (threads: EPG_THREADS, else every core); optional, every entry point does it. */
    public static void init() {
        Natives.load();
        Torch.init();
    }

    /** Sets libtorch's intra-op threads (and the BLAS's, {@link epg.tensor.Blas}) for this process. */
    public static void threads(int n) {
        init();
        Torch.setThreads(n);
    }

    /** A safetensors model file of {@code epg train}, with the configuration it carries. */
    public static Generator load(Path modelFile) throws IOException { return load(modelFile, null); }

    /** A model file or a released {@code .pth}, with the preset that shapes it (e.g. "EPG-XL/16"; null: the file's). */
    public static Generator load(Path modelFile, String preset) throws IOException {
        init();
        return Generator.load(modelFile, preset);
    }

    /**
     * A feature extractor, as {@code epg evaluate} names them: "inception:FILE" (pytorch-fid's weights: FID, sFID,
     * Inception Score) or "rcm:FILE" (an RCM encoder or EPG model file: a Fréchet distance in its feature space).
     */
    public static FeatureExtractor features(String spec) throws IOException {
        init();
        if (spec.startsWith("inception:")) return InceptionV3.load(Path.of(spec.substring("inception:".length())));
        if (spec.startsWith("rcm:")) return RcmExtractor.load(Path.of(spec.substring("rcm:".length())), null);
        throw new IllegalArgumentException("unknown features '" + spec + "': use inception:FILE or rcm:FILE");
    }

    /**
     * Evaluates {@code samples} (an {@code epg sample} folder, a PNG folder or an .npz with arr_0) against an ADM
     * reference batch, 50 images per network call; the result names its metric and the extractor's file.
     */
    public static EvaluationResult evaluate(Path samples, Path reference, FeatureExtractor features)
            throws IOException {
        init();
        return Evaluation.run(features, ImageSource.resolve(samples), reference, 50,
                new PrintWriter(Writer.nullWriter()));
    }
}
