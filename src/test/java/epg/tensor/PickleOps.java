// Python's pickle opcodes (Lib/pickletools.py), written one by one: the hostile pickles of the fault suite.
package epg.tensor;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/** A pickle assembled opcode by opcode, so that a test can write what no pickler would. */
final class PickleOps {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleOps() { op(0x80).op(2); }

    PickleOps op(int code) { out.write(code); return this; }

    PickleOps raw(byte[] b) { out.writeBytes(b); return this; }

    PickleOps global(String module, String name) {
        return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    PickleOps str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op('X').int32(b.length).raw(b);
    }

    /** BININT1 / BININT / LONG1 as a pickler would choose. */
    PickleOps integer(long v) {
        if (v >= 0 && v < 256) return op('K').op((int) v);
        if (v == (int) v) return op('J').int32((int) v);
        return big(BigInteger.valueOf(v));
    }

    PickleOps big(BigInteger v) {
        byte[] be = v.toByteArray();
        op(0x8a).op(be.length);
        for (int i = be.length - 1; i >= 0; i--) out.write(be[i]);
        return this;
    }

    PickleOps ints(long... xs) {
        op('(');
        for (long x : xs) integer(x);
        return op('t');
    }

    PickleOps int32(int v) {
        for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
        return this;
    }

    PickleOps mark() { return op('('); }

    PickleOps tuple() { return op('t'); }

    PickleOps emptyDict() { return op('}'); }

    PickleOps orderedDict() { return global("collections", "OrderedDict").op(')').op('R'); }

    PickleOps setItem() { return op('s'); }

    PickleOps setItems() { return op('u'); }

    PickleOps put(int i) { return op('r').int32(i); }

    PickleOps get(int i) { return op('j').int32(i); }

    PickleOps pop() { return op('0'); }

    /** persistent_load(('storage', torch.<type>, key, 'cpu', numel)) with numel written by {@code numel}. */
    PickleOps storage(String type, String key, Runnable numel) {
        mark().str("storage").global("torch", type).str(key).str("cpu");
        numel.run();
        return tuple().op('Q');
    }

    /** _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()), arguments written by the caller. */
    PickleOps tensor(Runnable storage, Runnable offset, Runnable size, Runnable stride) {
        global("torch._utils", "_rebuild_tensor_v2").mark();
        storage.run();
        offset.run();
        size.run();
        stride.run();
        op(0x89).orderedDict();
        return tuple().op('R');
    }

    byte[] stop() { op('.'); return out.toByteArray(); }
}
