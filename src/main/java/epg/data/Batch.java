// Spec §3 and §4: one ready batch: planar float images [B, C, H, W], labels, and where it sits in the epoch.
package epg.data;

/**
 * Pre-training batches carry {@code view1}, {@code view2} (MoCo v3 views) and {@code clean} (centre
 * crop + random flip); fine-tuning batches carry {@code clean} only (view1 = view2 = null).
 * {@code indices} are the dataset indices of the samples, {@code position} the batch's place in the stream.
 */
public record Batch(Loader.Position position, int size, int channels, int resolution, int[] labels, int[] indices,
                    float[] clean, float[] view1, float[] view2) {
    public int sampleLength() { return channels * resolution * resolution; }

    public long[] shape() { return new long[]{size, channels, resolution, resolution}; }
}
