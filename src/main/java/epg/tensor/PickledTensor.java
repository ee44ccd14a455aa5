// PyTorch's torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...): a strided view of a storage.
package epg.tensor;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;

/**
 * A tensor as its pickle describes it, kept as the raw arguments until the reader knows its state-dict key: then
 * {@link #layout} checks every argument (types, signs, overflow, the view inside its storage) so that an error names
 * the key, and only then is anything allocated.
 *
 * @param args the arguments of _rebuild_tensor_v2: storage, offset, size, stride, requires_grad, hooks[, metadata]
 */
record PickledTensor(Object[] args) {
    /** A checked view: element {@code offset + Σ i_k·stride_k} of the storage for index (i_0, i_1, ...). */
    record Layout(PickledStorage storage, long offset, long[] size, long[] stride) {
        /** The view, copied into a tensor of its own. */
        Tensor of(Tensor flatStorage) {
            return torch.as_strided(flatStorage, size, stride, new LongOptional(offset)).contiguous().clone();
        }
    }

    /** The arguments checked against each other and against the storage; {@code where} names the tensor. */
    Layout layout(String where) {
        if (args.length < 4) throw new IllegalArgumentException(where + " is rebuilt from " + args.length
                + " arguments; _rebuild_tensor_v2 takes at least 4");
        if (!(args[0] instanceof PickledStorage s))
            throw new IllegalArgumentException(where + ": its storage argument is no storage reference");
        Long offset = BoundedUnpickler.whole(args[1]);
        if (offset == null || offset < 0)
            throw new IllegalArgumentException(where + ": storage offset must be a whole number >= 0");
        long[] size = sizes(args[2], "size", where, -1), stride = sizes(args[3], "stride", where, size.length);
        long last = lastIndex(offset, size, stride, where);
        if (last >= s.numel())
            throw new IllegalArgumentException(where + ": size " + Arrays.toString(size) + ", stride "
                    + Arrays.toString(stride) + " at offset " + offset + " reach element " + last + " of storage '"
                    + s.key() + "', which holds " + s.numel());
        return new Layout(s, offset, size, stride);
    }

    /** A tuple of at most 64 whole numbers >= 0 ({@code length} of them unless negative). */
    private static long[] sizes(Object tuple, String name, String where, int length) {
        if (!(tuple instanceof Object[] t))
            throw new IllegalArgumentException(where + ": " + name + " must be a tuple of whole numbers");
        if (t.length > Npy.MAX_DIMS || (length >= 0 && t.length != length))
            throw new IllegalArgumentException(where + ": " + name + " has " + t.length + " entries; expected "
                    + (length >= 0 ? length + " (one per dimension)" : "at most " + Npy.MAX_DIMS));
        long[] out = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            Long v = BoundedUnpickler.whole(t[i]);
            if (v == null || v < 0)
                throw new IllegalArgumentException(where + ": " + name + " must hold whole numbers >= 0, entry " + i
                        + " is " + (v == null ? "not one" : v));
            out[i] = v;
        }
        return out;
    }

    /** offset + Σ (size_k - 1)·stride_k, the last element the view reads (-1 when empty), checked for overflow. */
    private static long lastIndex(long offset, long[] size, long[] stride, String where) {
        try {
            long elements = 1, last = offset;
            for (int i = 0; i < size.length; i++) {
                elements = Math.multiplyExact(elements, size[i]);
                if (size[i] > 0) last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
            }
            return elements == 0 ? -1 : last;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(where + ": size " + Arrays.toString(size) + " with stride "
                    + Arrays.toString(stride) + " overflows 64-bit indexing");
        }
    }
}
