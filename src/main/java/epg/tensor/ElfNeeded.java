// docs/benchmarks.md "Which BLAS": the libraries a shared object names as NEEDED (which runtime a BLAS build threads on).
package epg.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The DT_NEEDED entries of a 64-bit little-endian ELF shared object (x86-64, AArch64), read from its section headers:
 * the dynamic section and the string table it links to. Whether an OpenBLAS build runs its threads on OpenMP shows
 * there (libgomp.so.1) and nowhere in its API that the presets bind.
 */
public final class ElfNeeded {
    private static final int SHT_DYNAMIC = 6;
    private static final long DT_NULL = 0, DT_NEEDED = 1;

    private ElfNeeded() {}

    /**
     * The sonames {@code file} needs, in order; empty for a file that is not a 64-bit little-endian ELF. Reads the
     * headers and the two sections only, with positional reads (no mapping of the file that would show in
     * /proc/self/maps as if the library were loaded).
     */
    public static List<String> of(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer h = read(ch, 0, (int) Math.min(64, ch.size()));
            if (h.limit() < 64 || h.getInt(0) != 0x464c457f || h.get(4) != 2 || h.get(5) != 1) return List.of();
            long shoff = h.getLong(0x28);
            int shentsize = Short.toUnsignedInt(h.getShort(0x3a)), shnum = Short.toUnsignedInt(h.getShort(0x3c));
            ByteBuffer sections = read(ch, shoff, Math.multiplyExact(shentsize, shnum));
            List<String> out = new ArrayList<>();
            for (int i = 0; i < shnum; i++) {
                int sh = i * shentsize;
                if (sections.getInt(sh + 4) != SHT_DYNAMIC) continue;
                ByteBuffer dyn = read(ch, sections.getLong(sh + 0x18), Math.toIntExact(sections.getLong(sh + 0x20)));
                int str = Math.multiplyExact(sections.getInt(sh + 0x28), shentsize);
                ByteBuffer strtab = read(ch, sections.getLong(str + 0x18), Math.toIntExact(sections.getLong(str + 0x20)));
                for (int e = 0; e + 16 <= dyn.limit() && dyn.getLong(e) != DT_NULL; e += 16)
                    if (dyn.getLong(e) == DT_NEEDED) out.add(string(strtab, Math.toIntExact(dyn.getLong(e + 8))));
            }
            return List.copyOf(out);
        } catch (IndexOutOfBoundsException | ArithmeticException e) {
            throw new IOException(file + ": not a well-formed ELF shared object (" + e.getMessage() + ")", e);
        }
    }

    /** {@code length} bytes of {@code ch} from {@code offset}, little-endian; short of them is an error. */
    private static ByteBuffer read(FileChannel ch, long offset, int length) throws IOException {
        if (offset < 0 || length < 0 || offset + length > ch.size())
            throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + length) + ") of " + ch.size());
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) if (ch.read(b, offset + b.position()) < 0) throw new java.io.EOFException();
        return b.flip();
    }

    /** The NUL-terminated string at {@code at}. */
    private static String string(ByteBuffer b, int at) {
        int end = at;
        while (b.get(end) != 0) end++;
        byte[] bytes = new byte[end - at];
        b.get(at, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
