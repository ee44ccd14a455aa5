// Tensors to and from raw little-endian bytes, the common ground of the checkpoint formats.
package epg.tensor;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.ByteBuffer;

final class RawTensor {
    private RawTensor() {}

    /** A new tensor (owning its memory) holding {@code data}'s remaining bytes as {@code dtype} of {@code shape}. */
    static Tensor fromBytes(ByteBuffer data, DType dtype, long[] shape) {
        Torch.init();
        long n = Torch.numel(shape) * dtype.bytes;
        if (data.remaining() != n)
            throw new IllegalArgumentException("tensor data holds " + data.remaining() + " bytes, expected " + n);
        Tensor t = torch.empty(shape, Torch.options(dtype.scalarType), null);
        if (n > 0) new BytePointer(t.data_ptr()).capacity(n).asByteBuffer().put(data.duplicate());
        return t;
    }

    /** A view of a contiguous CPU tensor's bytes (valid while {@code contiguousCpu} lives). */
    static ByteBuffer bytes(Tensor contiguousCpu) {
        long n = contiguousCpu.numel() * contiguousCpu.element_size();
        if (n == 0) return ByteBuffer.allocate(0);
        return new BytePointer(contiguousCpu.data_ptr()).capacity(n).asByteBuffer();
    }
}
