// Spec §3 and §4: the adapter from a Batch to libtorch tensors (float32 [B, C, H, W], int64 labels).
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
        if (t.numel() != data.length) throw new IllegalArgumentException(data.length + " values for shape " + java.util.Arrays.toString(shape));
        new FloatPointer(t.data_ptr()).put(data);
        return t;
    }

    /** An int64 tensor [B] of class ids. */
    public static Tensor labels(int[] labels) {
        Tensor t = torch.empty(new long[]{labels.length}, new TensorOptions(torch.ScalarType.Long), new MemoryFormatOptional());
        LongPointer p = new LongPointer(t.data_ptr());
        for (int i = 0; i < labels.length; i++) p.put(i, labels[i]);
        return t;
    }
}
