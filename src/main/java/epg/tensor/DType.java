// Element types shared by the checkpoint formats (safetensors names, PyTorch storage names, libtorch scalar types).
package epg.tensor;

import org.bytedeco.pytorch.global.torch.ScalarType;

/** Element types, with their PyTorch storage names, libtorch scalar types and sizes in bytes. */
public enum DType {
    F64("DoubleStorage", ScalarType.Double, 8), F32("FloatStorage", ScalarType.Float, 4),
    F16("HalfStorage", ScalarType.Half, 2), BF16("BFloat16Storage", ScalarType.BFloat16, 2),
    I64("LongStorage", ScalarType.Long, 8), I32("IntStorage", ScalarType.Int, 4),
    I16("ShortStorage", ScalarType.Short, 2), I8("CharStorage", ScalarType.Char, 1),
    U8("ByteStorage", ScalarType.Byte, 1), BOOL("BoolStorage", ScalarType.Bool, 1);

    public final String storage;
    public final ScalarType scalarType;
    public final int bytes;

    DType(String storage, ScalarType scalarType, int bytes) {
        this.storage = storage;
        this.scalarType = scalarType;
        this.bytes = bytes;
    }

    /** Compares by value: libtorch hands out non-canonical enum instances (Tensor.scalar_type() != ScalarType.Byte). */
    public static DType of(ScalarType t) {
        for (DType d : values()) if (d.scalarType.value == t.value) return d;
        throw new IllegalArgumentException("unsupported tensor element type " + t);
    }

    public static DType ofSafetensors(String name) {
        try {
            return valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unsupported safetensors dtype '" + name + "'");
        }
    }
}
