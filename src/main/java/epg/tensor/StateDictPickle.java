// The data.pkl of torch.save(state_dict): pickle protocol 2 opcodes (Python's Lib/pickletools.py documents each one).
package epg.tensor;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Writes the pickle torch.save produces for an OrderedDict of tensors, with only the opcodes it needs:
 * <pre>
 * OrderedDict() then SETITEMS of  key -> torch._utils._rebuild_tensor_v2(
 *     persistent_load(('storage', torch.FloatStorage, '0', 'cpu', numel)), offset, size, stride, False, OrderedDict())
 * </pre>
 * Every tensor refers to its own storage (the key names the archive's data/ entry). No memo is used: repeated
 * globals are written again, which pickle readers accept (torch's weights_only loader included).
 */
final class StateDictPickle {
    /** One tensor of the state dict: its storage entry, element type and contiguous layout. */
    record Item(String key, String storageKey, DType dtype, long numel, long[] size, long[] stride) {}

    private static final int PROTO = 0x80, GLOBAL = 'c', EMPTY_TUPLE = ')', REDUCE = 'R', MARK = '(', BINUNICODE = 'X',
            BININT1 = 'K', BININT = 'J', LONG1 = 0x8a, TUPLE = 't', NEWFALSE = 0x89, BINPERSID = 'Q', SETITEMS = 'u',
            STOP = '.';
    private static final int BATCH = 1000; // items per SETITEMS, as Python's pickler batches them

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private StateDictPickle() {}

    static byte[] of(Iterable<Item> items) {
        StateDictPickle p = new StateDictPickle();
        p.op(PROTO).op(2);
        p.emptyOrderedDict();
        int inBatch = 0;
        for (Item it : items) {
            if (inBatch == 0) p.op(MARK);
            p.string(it.key()).tensor(it);
            if (++inBatch == BATCH) { p.op(SETITEMS); inBatch = 0; }
        }
        if (inBatch > 0) p.op(SETITEMS);
        p.op(STOP);
        return p.out.toByteArray();
    }

    private StateDictPickle tensor(Item it) {
        global("torch._utils", "_rebuild_tensor_v2").op(MARK);
        op(MARK).string("storage").global("torch", it.dtype().storage).string(it.storageKey()).string("cpu")
                .integer(it.numel()).op(TUPLE);
        op(BINPERSID);
        // offset, size, stride, requires_grad, backward hooks
        integer(0).tuple(it.size()).tuple(it.stride()).op(NEWFALSE).emptyOrderedDict();
        return op(TUPLE).op(REDUCE);
    }

    private StateDictPickle emptyOrderedDict() {
        return global("collections", "OrderedDict").op(EMPTY_TUPLE).op(REDUCE);
    }

    private StateDictPickle global(String module, String name) {
        op(GLOBAL);
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    private StateDictPickle string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op(BINUNICODE).int32(b.length);
        out.writeBytes(b);
        return this;
    }

    private StateDictPickle tuple(long[] xs) {
        op(MARK);
        for (long x : xs) integer(x);
        return op(TUPLE);
    }

    /** BININT1 for 0..255, BININT for other 32-bit values, LONG1 (little-endian two's complement) beyond. */
    private StateDictPickle integer(long v) {
        if (v >= 0 && v < 256) return op(BININT1).op((int) v);
        if (v == (int) v) return op(BININT).int32((int) v);
        byte[] be = BigInteger.valueOf(v).toByteArray();
        op(LONG1).op(be.length);
        for (int i = be.length - 1; i >= 0; i--) out.write(be[i]);
        return this;
    }

    private StateDictPickle int32(int v) {
        for (int i = 0; i < 4; i++) out.write(v >>> (8 * i));
        return this;
    }

    private StateDictPickle op(int code) {
        out.write(code);
        return this;
    }
}
