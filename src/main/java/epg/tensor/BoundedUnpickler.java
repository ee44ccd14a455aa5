// The data.pkl of a torch.save checkpoint read safely: Python's pickle opcodes (Lib/pickletools.py) under limits.
package epg.tensor;

import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * razorvine's unpickler with every way a hostile pickle could run code, hang or exhaust memory closed before the
 * opcode runs: only the globals a state dict needs may be named ({@link #ALLOWED}); instance-building and set
 * opcodes, out-of-band buffers and text persistent ids are refused; every length an opcode claims must fit in the
 * bytes that remain, text numbers are short (parsing a huge decimal is quadratic), and dict keys are plain values
 * (hashing a list that contains itself never ends). Objects are only built, never traversed here: the reader
 * bounds depth and breadth when it walks the result.
 */
final class BoundedUnpickler extends Unpickler {
    /** The globals torch.save writes for a state dict (the storage types are added by the reader). */
    static final Set<String> ALLOWED = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state");
    /** The longest text line of a numeric opcode (INT, LONG, FLOAT) and the longest LONG4 payload, in bytes. */
    static final int MAX_NUMBER_TEXT = 4096;

    private static final short MARK = '(', DICT = 'd', EMPTY_DICT = '}', SETITEM = 's', SETITEMS = 'u',
            GLOBAL = 'c', STACK_GLOBAL = 0x93, INST = 'i', OBJ = 'o', PERSID = 'P', INT = 'I', LONG = 'L',
            FLOAT = 'F', BINSTRING = 'T', BINUNICODE = 'X', BINBYTES = 'B', LONG4 = 0x8b, BINUNICODE8 = 0x8d,
            BINBYTES8 = 0x8e, BYTEARRAY8 = 0x96, EMPTY_SET = 0x8f, ADDITEMS = 0x90, FROZENSET = 0x91,
            NEXT_BUFFER = 0x97, READONLY_BUFFER = 0x98;

    private final Set<String> allowed;
    private final Function<Object, Object> persistent;
    private ByteArrayInputStream in;

    /** {@code allowed}: the globals that may be named; {@code persistent}: resolves persistent ids (storages). */
    BoundedUnpickler(Set<String> allowed, Function<Object, Object> persistent) {
        this.allowed = allowed;
        this.persistent = persistent;
    }

    /** The object {@code pickle} describes; PickleException (one line) for anything refused or malformed. */
    Object read(byte[] pickle) throws IOException {
        in = new ByteArrayInputStream(pickle);
        return load(in);
    }

    @Override
    protected Object persistentLoad(Object pid) { return persistent.apply(pid); }

    @Override
    protected Object dispatch(short key) throws PickleException, IOException {
        switch (key) {
            case GLOBAL -> checkGlobal(peekLine(0), peekLine(1));
            case STACK_GLOBAL -> {
                Object name = stack.pop(), module = stack.pop();
                checkGlobal(String.valueOf(module), String.valueOf(name));
                stack.add(module);
                stack.add(name);
            }
            case INST, OBJ -> throw new PickleException("opcode '" + (char) key + "' builds an arbitrary class "
                    + "instance; a state dict has none");
            case EMPTY_SET, ADDITEMS, FROZENSET -> throw new PickleException("holds a set; a state dict has none");
            case NEXT_BUFFER, READONLY_BUFFER -> throw new PickleException("uses out-of-band buffers (protocol 5)");
            case PERSID -> throw new PickleException("uses a text persistent id; torch.save writes binary ones");
            case INT, LONG, FLOAT -> peekLine(0);
            case BINSTRING, BINUNICODE, BINBYTES -> claimed(peekLength(4), key);
            case BINUNICODE8, BINBYTES8, BYTEARRAY8 -> claimed(peekLength(8), key);
            case LONG4 -> {
                long n = peekLength(4);
                if (n < 0 || n > MAX_NUMBER_TEXT)
                    throw new PickleException("holds an integer of " + (n < 0 ? "impossible length" : n + " bytes"));
            }
            case EMPTY_DICT -> {
                stack.add(new LinkedHashMap<>());
                return NO_RETURN_VALUE;
            }
            case DICT -> {
                Map<Object, Object> dict = new LinkedHashMap<>();
                putAll(dict, stack.pop_all_since_marker());
                stack.add(dict);
                return NO_RETURN_VALUE;
            }
            case SETITEM -> {
                Object value = stack.pop(), k = stack.pop();
                putAll(dict(stack.peek()), List.of(k, value));
                return NO_RETURN_VALUE;
            }
            case SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker(); // key, value, key, value, ... in pickled order
                putAll(dict(stack.peek()), items);
                return NO_RETURN_VALUE;
            }
            default -> { }
        }
        return super.dispatch(key);
    }

    private void checkGlobal(String module, String name) {
        String g = module + "." + name;
        if (!allowed.contains(g))
            throw new PickleException("names the global '" + brief(g) + "', which a state dict does not need; "
                    + "refused (nothing was run)");
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dict(Object o) {
        if (!(o instanceof Map<?, ?> m)) throw new PickleException("sets items on a " + typeName(o) + ", not a dict");
        return (Map<Object, Object>) m;
    }

    /** Pairs in order; a key must be a plain value (hashing a self-containing list or map never ends). */
    private static void putAll(Map<Object, Object> dict, List<Object> items) {
        if (items.size() % 2 != 0) throw new PickleException("holds a dict with an odd number of keys and values");
        for (int i = 0; i < items.size(); i += 2) {
            Object k = items.get(i);
            if (!(k == null || k instanceof String || k instanceof Number || k instanceof Boolean))
                throw new PickleException("holds a dict key of type " + typeName(k) + "; state dict keys are names");
            dict.put(k, items.get(i + 1));
        }
    }

    /** A length field of {@code bytes} little-endian bytes after the opcode, without consuming it. */
    private long peekLength(int bytes) {
        in.mark(bytes);
        try {
            byte[] b = new byte[bytes];
            if (in.read(b, 0, bytes) < bytes) throw new PickleException("ends inside a length field");
            long v = 0;
            for (int i = bytes - 1; i >= 0; i--) v = (v << 8) | (b[i] & 0xFF);
            return bytes == 4 && v > Integer.MAX_VALUE ? -1 : v; // a negative 32-bit length is impossible too
        } finally {
            in.reset();
        }
    }

    /** An opcode's payload of {@code n} bytes must fit in what follows its length field. */
    private void claimed(long n, short key) {
        int field = key == BINSTRING || key == BINUNICODE || key == BINBYTES ? 4 : 8;
        if (n < 0 || n > in.available() - field)
            throw new PickleException("opcode 0x" + Integer.toHexString(key) + " claims " + Long.toUnsignedString(n)
                    + " bytes but only " + Math.max(0, in.available() - field) + " remain");
    }

    /** Line {@code index} (0 or 1) after the opcode, at most {@link #MAX_NUMBER_TEXT} bytes, without consuming it. */
    private String peekLine(int index) {
        in.mark(0);
        try {
            StringBuilder line = new StringBuilder();
            for (int l = 0; l <= index; l++) {
                line.setLength(0);
                int c;
                while ((c = in.read()) != '\n') {
                    if (c < 0) throw new PickleException("ends inside a text line");
                    if (line.length() >= MAX_NUMBER_TEXT)
                        throw new PickleException("holds a text line longer than " + MAX_NUMBER_TEXT + " bytes");
                    line.append((char) c);
                }
            }
            return line.toString();
        } finally {
            in.reset();
        }
    }

    private static String typeName(Object o) { return o == null ? "None" : o.getClass().getSimpleName(); }

    private static String brief(String s) { return s.length() <= 80 ? s : s.substring(0, 77) + "..."; }

    /** A whole number of a pickle (int, long or arbitrary-size integer) as a long, or null when it is none. */
    static Long whole(Object o) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte)
            return ((Number) o).longValue();
        if (o instanceof BigInteger b && b.bitLength() < 64) return b.longValue();
        return null;
    }
}
