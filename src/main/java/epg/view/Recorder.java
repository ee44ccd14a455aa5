// Spec §6: the guided denoiser as the samplers see it; each call checks for cancellation and keeps the x̂₀ trajectory.
package epg.view;

import epg.data.BatchTensors;
import epg.data.ByteImage;
import epg.data.Normalization;
import epg.sample.Denoiser;
import org.bytedeco.pytorch.Tensor;

import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Forwards both {@code denoise} methods to {@code inner} unchanged (so the images are bit for bit those of the
 * unwrapped denoiser); records nothing when {@code rows} is 0. A later call at the same σ replaces the earlier one
 * (Heun's corrector at σ_{i+1} is followed by the next step's prediction there, which lies on the path).
 */
final class Recorder implements Denoiser {
    private final Denoiser inner;
    private final BooleanSupplier cancelled;
    private final IntConsumer calls;
    private final Normalization normalization;
    private final int rows;
    /** σ (shifted) → the predictions of the first {@code rows} images, largest σ first. */
    private final TreeMap<Double, List<ByteImage>> predictions = new TreeMap<>(java.util.Comparator.reverseOrder());
    private int count;

    Recorder(Denoiser inner, BooleanSupplier cancelled, IntConsumer calls, Normalization normalization, int rows) {
        this.inner = inner;
        this.cancelled = cancelled;
        this.calls = calls;
        this.normalization = normalization;
        this.rows = rows;
    }

    @Override
    public Tensor denoise(Tensor x, double sigma, Tensor labels) {
        check();
        Tensor d = inner.denoise(x, sigma, labels);                                              // [B, C, H, W]
        if (rows > 0) predictions.put(sigma, BatchTensors.toImages(d.narrow(0, 0, Math.min(rows, d.size(0))),
                normalization));
        return d;
    }

    @Override
    public Tensor denoise(Tensor x, Tensor sigma, Tensor labels) {
        check();
        return inner.denoise(x, sigma, labels);                                                   // [B, C, H, W]
    }

    private void check() {
        if (cancelled.getAsBoolean()) throw new CancellationException("cancelled");
        calls.accept(++count);
    }

    /** The kept predictions, largest σ first. */
    TreeMap<Double, List<ByteImage>> predictions() { return predictions; }
}
