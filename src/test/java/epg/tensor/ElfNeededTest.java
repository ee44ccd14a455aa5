package epg.tensor;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElfNeededTest {
    /**
     * A hand-laid ELF64: header, .dynstr at 0x100, .dynamic at 0x200 (NEEDED, SONAME, NEEDED, NULL, then a NEEDED
     * after the end that must not count), three section headers at 0x300 (null, dynstr, dynamic linking to 1).
     */
    static byte[] elf(String... needed) {
        ByteBuffer b = ByteBuffer.allocate(0x300 + 3 * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464c457f).put(4, (byte) 2).put(5, (byte) 1).put(6, (byte) 1);
        b.putLong(0x28, 0x300).putShort(0x3a, (short) 64).putShort(0x3c, (short) 3);
        int str = 0x100, pos = 1;
        int[] at = new int[needed.length + 1];
        String[] names = {needed[0], "libself.so", needed[1]};
        for (int i = 0; i < names.length; i++) {
            at[i] = pos;
            byte[] s = names[i].getBytes(StandardCharsets.US_ASCII);
            b.put(str + pos, s);
            pos += s.length + 1;
        }
        long[][] dyn = {{1, at[0]}, {14, at[1]}, {1, at[2]}, {0, 0}, {1, at[0]}};
        for (int i = 0; i < dyn.length; i++) b.putLong(0x200 + 16 * i, dyn[i][0]).putLong(0x208 + 16 * i, dyn[i][1]);
        section(b, 1, 3, 0x100, pos, 0);
        section(b, 2, 6, 0x200, 16 * dyn.length, 1);
        return b.array();
    }

    private static void section(ByteBuffer b, int index, int type, long offset, long size, int link) {
        int sh = 0x300 + 64 * index;
        b.putInt(sh + 4, type).putLong(sh + 0x18, offset).putLong(sh + 0x20, size).putInt(sh + 0x28, link);
    }

    @Test
    void readsTheNeededEntriesUpToTheEndOfTheDynamicSection(@TempDir Path dir) throws IOException {
        Path f = Files.write(dir.resolve("libx.so"), elf("libgomp.so.1", "libc.so.6"));
        assertEquals(List.of("libgomp.so.1", "libc.so.6"), ElfNeeded.of(f));
        assertTrue(Blas.threadsOnOpenMp(f.toString()));
        Path p = Files.write(dir.resolve("liby.so"), elf("libpthread.so.0", "libc.so.6"));
        assertFalse(Blas.threadsOnOpenMp(p.toString()));
    }

    @Test
    void anotherFileIsNoElfAndATruncatedOneIsAnError(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not a library, but long enough to hold a header ".repeat(3));
        assertEquals(List.of(), ElfNeeded.of(text));
        byte[] whole = elf("libgomp.so.1", "libc.so.6");
        Path cut = Files.write(dir.resolve("cut.so"), java.util.Arrays.copyOf(whole, 0x310));
        IOException e = assertThrows(IOException.class, () -> ElfNeeded.of(cut));
        assertTrue(e.getMessage().contains("cut.so: not a well-formed ELF"), e.getMessage());
        assertFalse(Blas.threadsOnOpenMp(cut.toString()), "unreadable: taken as its own pool");
    }

    /** Debian's two OpenBLAS builds, where installed: only the OpenMP one links libgomp. */
    @Test
    void debiansOpenMpBuildLinksLibgompAndItsPthreadsBuildDoesNot() {
        String omp = "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0";
        String pthreads = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";
        Assumptions.assumeTrue(Files.isRegularFile(Path.of(omp)) || Files.isRegularFile(Path.of(pthreads)),
                "no Debian OpenBLAS here");
        if (Files.isRegularFile(Path.of(omp))) assertTrue(Blas.threadsOnOpenMp(omp));
        if (Files.isRegularFile(Path.of(pthreads))) assertFalse(Blas.threadsOnOpenMp(pthreads));
    }
}
