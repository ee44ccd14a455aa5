// Spec §1, §3 and §4: batches <-> libtorch tensors (float32 [B, C, H, W], int64 labels), and back to images.
package epg.data;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * CPU tensors holding copies of a batch; view1 and view2 are null for fine-tuning batches. Create
 * inside the caller's {@code PointerScope}: the tensors are freed with it.
 */
public record BatchTensors(Tensor clean, Tensor view1, Tensor view2, Tensor labels) {
    public static BatchTensors of(Batch b) {
        return new BatchTensors(images(b.clean(), b.shape()), b.view1() == null ? null : images(b.view1(), b.shape()),
                b.view2() == null ? null : images(b.view2(), b.shape()), labels(b.labels()));
    }

    /** A float32 tensor of the given shape holding a copy of {@code data}. */
    public static Tensor images(float[] data, long... shape) {
        Tensor t = torch.empty(shape, new TensorOptions(torch.ScalarType.Float), new MemoryFormatOptional());
        if (t.numel() != data.length)
            throw new IllegalArgumentException(data.length + " values for shape " + java.util.Arrays.toString(shape));
        new FloatPointer(t.data_ptr()).put(data);
        return t;
    }

    /** An int64 tensor [B] of class ids. */
    public static Tensor labels(int[] labels) {
        Tensor t = torch.empty(new long[]{labels.length}, new TensorOptions(torch.ScalarType.Long),
                new MemoryFormatOptional());
        LongPointer p = new LongPointer(t.data_ptr());
        for (int i = 0; i < labels.length; i++) p.put(i, labels[i]);
        return t;
    }

    /**
     * Model output [B, C, H, W] (any device, any floating dtype) back to 8-bit images through the
     * inverse of {@code norm}; values outside the normalised range are clamped.
     */
    public static java.util.List<ByteImage> toImages(Tensor images, Normalization norm) {
        Tensor t = images.cpu().to(torch.ScalarType.Float).contiguous();
        long[] s = t.sizes().vec().get();
        if (s.length != 4)
            throw new IllegalArgumentException("expected [B, C, H, W], got " + java.util.Arrays.toString(s));
        float[] data = new float[Math.toIntExact(t.numel())];
        new FloatPointer(t.data_ptr()).get(data);
        int len = (int) (s[1] * s[2] * s[3]);
        return java.util.stream.IntStream.range(0, (int) s[0])
                .mapToObj(i -> norm.forChannels((int) s[1]).denormalize(data, i * len, (int) s[1], (int) s[2],
                (int) s[3])).toList();
    }
}
