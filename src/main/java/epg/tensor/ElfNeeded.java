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

    /** The sonames {@code file} needs, in order; empty for a file that is not a 64-bit little-endian ELF. */
    public static List<String> of(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer elf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            if (elf.limit() < 64 || elf.getInt(0) != 0x464c457f || elf.get(4) != 2 || elf.get(5) != 1) return List.of();
            long shoff = elf.getLong(0x28);
            int shentsize = Short.toUnsignedInt(elf.getShort(0x3a)), shnum = Short.toUnsignedInt(elf.getShort(0x3c));
            List<String> out = new ArrayList<>();
            for (int i = 0; i < shnum; i++) {
                int sh = Math.toIntExact(shoff + (long) i * shentsize);
                if (elf.getInt(sh + 4) != SHT_DYNAMIC) continue;
                int dyn = Math.toIntExact(elf.getLong(sh + 0x18));
                long size = elf.getLong(sh + 0x20);
                int strtab = Math.toIntExact(elf.getLong(Math.toIntExact(shoff + (long) elf.getInt(sh + 0x28)
                        * shentsize) + 0x18));
                for (int e = dyn; e + 16 <= dyn + size && elf.getLong(e) != DT_NULL; e += 16)
                    if (elf.getLong(e) == DT_NEEDED) out.add(string(elf, strtab + Math.toIntExact(elf.getLong(e + 8))));
            }
            return List.copyOf(out);
        } catch (IndexOutOfBoundsException | ArithmeticException e) {
            throw new IOException(file + ": not a well-formed ELF shared object (" + e.getMessage() + ")", e);
        }
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
