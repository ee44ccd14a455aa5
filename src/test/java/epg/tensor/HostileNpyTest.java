// docs/robustness.md (fault suite): hostile .npy and .npz files are refused by their headers, before allocation.
package epg.tensor;

import epg.Refusal;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Each array is written here from its header dict (and a header length that may lie) and 16 data bytes. */
class HostileNpyTest {
    @TempDir Path dir;

    private record Case(String name, byte[] bytes, String... expected) {}

    @TestFactory
    Stream<DynamicTest> hostileNpyFilesAreRefused() {
        return npyCases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path f = Files.write(dir.resolve(c.name().replaceAll("\\W+", "_") + ".npy"), c.bytes());
            check(c, f, () -> Npy.read(f));
        }));
    }

    @TestFactory
    Stream<DynamicTest> hostileNpzFilesAreRefused() throws IOException {
        List<Case> cs = new ArrayList<>();
        for (Case c : npyCases()) cs.add(new Case("in npz: " + c.name(), c.bytes(), c.expected()));
        return cs.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path f = HostileZip.write(dir.resolve(c.name().replaceAll("\\W+", "_") + ".npz"),
                    Map.of("arr_0.npy", c.bytes()), false);
            check(c, f, () -> Npz.read(f));
        }));
    }

    private static void check(Case c, Path f, org.junit.jupiter.api.function.Executable read) {
        String[] expected = Stream.concat(Stream.of(f.toString()), Stream.of(c.expected())).toArray(String[]::new);
        Refusal.Cost cost = Refusal.check(c.name(), () -> {
            try (Scope s = Scope.open()) { read.execute(); }
        }, RawTensor::allocatedBytes, 0, expected);
        System.out.printf("npy %-40s %4d ms  %s%n", c.name(), cost.millis(), cost.message());
    }

    private static List<Case> npyCases() {
        String ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }";
        List<Case> cs = new ArrayList<>();
        cs.add(new Case("shape claiming 4 TB", npy(ok.replace("(4,)", "(1000000, 1000000)"), -1),
                "needs 4000000000000 data bytes"));
        cs.add(new Case("overflowing shape", npy(ok.replace("(4,)", "(4294967296, 4294967296)"), -1), "2^63"));
        cs.add(new Case("negative dimension", npy(ok.replace("(4,)", "(-4,)"), -1), "sizes >= 0"));
        cs.add(new Case("string in shape", npy(ok.replace("(4,)", "('a',)"), -1), "not a tuple of sizes"));
        cs.add(new Case("65 dimensions", npy(ok.replace("(4,)", "(" + "1, ".repeat(64) + "4)"), -1), "at most 64"));
        cs.add(new Case("Fortran order", npy(ok.replace("False", "True"), -1), "Fortran order"));
        cs.add(new Case("object dtype", npy(ok.replace("<f4", "|O"), -1), "'|O' is not supported"));
        cs.add(new Case("big-endian float", npy(ok.replace("<f4", ">f4"), -1), "'>f4' is not supported"));
        cs.add(new Case("no shape key", npy("{'descr': '<f4', 'fortran_order': False}", -1), "lacks"));
        cs.add(new Case("header length past the end", npy(ok, 60000), "header length 60000"));
        cs.add(new Case("version 9", version(npy(ok, -1), 9), "version 9"));
        cs.add(new Case("not an npy", "hello, world, this is text".getBytes(), "magic"));
        cs.add(new Case("truncated data", java.util.Arrays.copyOf(npy(ok, -1), 64 + 8), "needs 16 data bytes"));
        return cs;
    }

    /** Magic, version 1.0, the header length (its true length when {@code lengthField} < 0), the dict, 16 bytes. */
    private static byte[] npy(String dict, int lengthField) {
        String padded = dict + " ".repeat(Math.max(0, 64 - 10 - dict.length() - 1)) + "\n";
        byte[] text = padded.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) (lengthField < 0 ? text.length : lengthField)).put(text);
        return b.array();
    }

    private static byte[] version(byte[] npy, int major) {
        npy[6] = (byte) major;
        return npy;
    }

    @Test
    void npzEntriesNamedLikePathsAreRefused() throws IOException {
        byte[] good = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", -1);
        for (String name : new String[]{"../../evil.npy", "/etc/evil.npy", "a/../../evil.npy"}) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            entries.put("arr_0.npy", good);
            entries.put(name, good);
            Path f = HostileZip.write(dir.resolve("traversal.npz"), entries, false);
            Refusal.check(name, () -> Npz.read(f), RawTensor::allocatedBytes, 0, f.toString(), "a path");
        }
    }

    @Test
    void anNpzEntryClaimingMoreThanDeflateCanExpandIsRefused() throws IOException {
        byte[] good = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", -1);
        Path f = HostileZip.write(dir.resolve("bomb.npz"), Map.of("arr_0.npy", good), true);
        HostileZip.claimSize(f, "arr_0.npy", 0xFFFF_FFF0L);
        Refusal.check("deflated entry claiming 4 GB", () -> Npz.read(f, "arr_0"), RawTensor::allocatedBytes, 0,
                f.toString(), "deflate");
    }

    @Test
    void emptyAndNonZipNpzFilesAreRefused() throws IOException {
        Path empty = Files.write(dir.resolve("empty.npz"), new byte[0]);
        Refusal.check("zero-byte npz", () -> Npz.read(empty), RawTensor::allocatedBytes, 0, empty.toString(),
                "empty");
        Path text = Files.writeString(dir.resolve("text.npz"), "not a zip at all");
        Refusal.check("text npz", () -> Npz.read(text), RawTensor::allocatedBytes, 0, text.toString(), "not a valid");
    }
}
