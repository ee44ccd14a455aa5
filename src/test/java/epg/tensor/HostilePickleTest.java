// docs/robustness.md (fault suite): hostile torch.save checkpoints are refused in bounded time and memory.
package epg.tensor;

import epg.Refusal;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every pickle is written opcode by opcode here (no binary blobs): dangerous globals, cycles, memo bombs, deep
 * nesting, impossible sizes, strides and offsets, path-like storage keys and lying length fields. Each must fail
 * with one line naming the file and the problem, within the limits of {@link Refusal}, and before any tensor
 * memory is allocated.
 */
class HostilePickleTest {
    @TempDir Path dir;

    private record Case(String name, byte[] pickle, Map<String, byte[]> storages, String... expected) {}

    private static final byte[] FOUR_FLOATS = new byte[16];

    @TestFactory
    Stream<DynamicTest> hostilePicklesAreRefused() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path f = HostileZip.pth(dir.resolve(c.name().replaceAll("\\W+", "_") + ".pth"), c.pickle(), c.storages());
            String[] expected = Stream.concat(Stream.of(f.toString()), Stream.of(c.expected())).toArray(String[]::new);
            Refusal.Cost cost = Refusal.check(c.name(), () -> {
                try (Scope s = Scope.open()) { Checkpoints.read(f); }
            }, RawTensor::allocatedBytes, 0, expected);
            System.out.printf("pickle %-34s %4d ms  %s%n", c.name(), cost.millis(), cost.message());
            assertFalse(Files.exists(dir.resolve("pwned")), "a refused pickle ran a command");
        }));
    }

    private List<Case> cases() {
        String marker = "touch " + dir.resolve("pwned");
        List<Case> cs = new ArrayList<>();
        for (String[] g : new String[][]{{"posix", "system"}, {"os", "system"}, {"builtins", "eval"},
                {"builtins", "exec"}, {"subprocess", "Popen"}, {"commands", "getoutput"}, {"__builtin__", "open"},
                {"torch", "load"}, {"numpy.core.multiarray", "_reconstruct"}}) {
            PickleOps p = new PickleOps().global(g[0], g[1]).str(marker).op(0x85).op('R');
            cs.add(new Case("global " + g[0] + "." + g[1], p.stop(), Map.of(), g[0] + "." + g[1], "refused"));
        }
        PickleOps stackGlobal = new PickleOps().str("os").str("system").op(0x93).str(marker).op(0x85).op('R');
        cs.add(new Case("stack global os.system", stackGlobal.stop(), Map.of(), "os.system", "refused"));
        PickleOps inst = new PickleOps().mark().str(marker).op('i').raw("os\nsystem\n".getBytes());
        cs.add(new Case("inst os.system", inst.stop(), Map.of(), "class instance"));
        PickleOps self = new PickleOps().emptyDict().put(0).str("self").get(0).setItem();
        cs.add(new Case("dict containing itself", self.stop(), Map.of(), "contains itself"));
        PickleOps loop = new PickleOps().orderedDict().put(0).str("a").emptyDict().put(1).str("b").get(0).setItem()
                .setItem();
        cs.add(new Case("two dicts in a cycle", loop.stop(), Map.of(), "contains itself"));
        cs.add(new Case("memo bomb: 64 shared dicts", memoBomb(64), Map.of(), "refused"));
        cs.add(new Case("memo bomb: 24 shared dicts", memoBomb(24), Map.of(), "second time"));
        cs.add(new Case("10000 nested dicts", nested(10_000), Map.of(), "deeper than"));
        PickleOps listKey = new PickleOps().emptyDict().op(']').put(0).get(0).op('a').get(0).setItem();
        cs.add(new Case("self-containing list as dict key", listKey.stop(), Map.of(), "dict key of type"));
        cs.add(new Case("storage claims 2^28 elements", dict(p -> p.tensor(
                () -> p.storage("FloatStorage", "0", () -> p.integer(1L << 28)), () -> p.integer(0),
                () -> p.ints(1L << 28), () -> p.ints(1))), Map.of("0", FOUR_FLOATS), "268435456", "holds 16"));
        cs.add(new Case("storage claims 2^62 elements", tensor(1L << 62, 0, new long[]{4}, new long[]{1}),
                Map.of("0", FOUR_FLOATS), "impossible element count"));
        cs.add(new Case("negative element count", tensor(-5, 0, new long[]{4}, new long[]{1}),
                Map.of("0", FOUR_FLOATS), "impossible element count"));
        cs.add(new Case("element count beyond 64 bits", dict(p -> p.tensor(
                () -> p.storage("FloatStorage", "0", () -> p.big(BigInteger.ONE.shiftLeft(70))), () -> p.integer(0),
                () -> p.ints(4), () -> p.ints(1))), Map.of("0", FOUR_FLOATS), "impossible element count"));
        cs.add(new Case("negative size", tensor(4, 0, new long[]{-1, 4}, new long[]{4, 1}),
                Map.of("0", FOUR_FLOATS), "tensor 'w'", "size", ">= 0"));
        cs.add(new Case("overflowing size", tensor(4, 0, new long[]{1L << 62, 1L << 62}, new long[]{1, 1}),
                Map.of("0", FOUR_FLOATS), "tensor 'w'", "overflows"));
        cs.add(new Case("negative stride", tensor(4, 3, new long[]{4}, new long[]{-1}),
                Map.of("0", FOUR_FLOATS), "tensor 'w'", "stride"));
        cs.add(new Case("stride past the storage", tensor(4, 0, new long[]{4}, new long[]{100}),
                Map.of("0", FOUR_FLOATS), "tensor 'w'", "reach element 300"));
        cs.add(new Case("offset past the storage", tensor(4, 10, new long[]{4}, new long[]{1}),
                Map.of("0", FOUR_FLOATS), "tensor 'w'", "holds 4"));
        cs.add(new Case("stride count differs from dims", tensor(4, 0, new long[]{2, 2}, new long[]{1}),
                Map.of("0", FOUR_FLOATS), "tensor 'w'", "stride has 1 entries"));
        cs.add(new Case("string shape", dict(p -> p.tensor(() -> p.storage("FloatStorage", "0", () -> p.integer(4)),
                () -> p.integer(0), () -> p.str("4"), () -> p.ints(1))), Map.of("0", FOUR_FLOATS),
                "tensor 'w'", "size must be a tuple"));
        cs.add(new Case("storage key ../../etc/passwd", dict(p -> p.tensor(
                () -> p.storage("FloatStorage", "../../etc/passwd", () -> p.integer(4)), () -> p.integer(0),
                () -> p.ints(4), () -> p.ints(1))), Map.of("0", FOUR_FLOATS), "not a plain key"));
        cs.add(new Case("missing storage entry", tensor(4, 0, new long[]{4}, new long[]{1}), Map.of(),
                "data/0 is missing"));
        cs.add(new Case("unicode length 2^31-1", new PickleOps().op('X').int32(Integer.MAX_VALUE).stop(), Map.of(),
                "claims 2147483647 bytes"));
        cs.add(new Case("bytes8 length 2^62", new PickleOps().op(0x8e).raw(new byte[]{0, 0, 0, 0, 0, 0, 0, 0x40})
                .stop(), Map.of(), "claims"));
        cs.add(new Case("long4 of 2^30 bytes", new PickleOps().op(0x8b).int32(1 << 30).stop(), Map.of(),
                "integer of"));
        cs.add(new Case("decimal INT of 100k digits", new PickleOps().op('I').raw(("9".repeat(100_000) + "\n")
                .getBytes()).stop(), Map.of(), "longer than"));
        cs.add(new Case("set opcode", new PickleOps().op(0x8f).stop(), Map.of(), "set"));
        cs.add(new Case("empty pickle", new byte[0], Map.of(), "data.pkl"));
        cs.add(new Case("no tensors at all", new PickleOps().orderedDict().stop(), Map.of(), "no tensors"));
        return cs;
    }

    /** An OrderedDict {"w": tensor} whose tensor {@code body} writes. */
    private static byte[] dict(Consumer<PickleOps> body) {
        PickleOps p = new PickleOps().orderedDict().mark().str("w");
        body.accept(p);
        return p.setItems().stop();
    }

    private static byte[] tensor(long numel, long offset, long[] size, long[] stride) {
        return dict(p -> p.tensor(() -> p.storage("FloatStorage", "0", () -> p.integer(numel)),
                () -> p.integer(offset), () -> p.ints(size), () -> p.ints(stride)));
    }

    /** d0 = {}; d(i+1) = {"a": d(i), "b": d(i)}: 2^n paths through n + 1 dicts. */
    private static byte[] memoBomb(int n) {
        PickleOps p = new PickleOps().emptyDict().put(0).pop();
        for (int i = 0; i < n; i++)
            p.emptyDict().mark().str("a").get(i).str("b").get(i).setItems().put(i + 1).pop();
        return p.get(n).stop();
    }

    /** {"k": {"k": ... {} ...}}, {@code n} deep. */
    private static byte[] nested(int n) {
        PickleOps p = new PickleOps().emptyDict().put(0).pop();
        for (int i = 0; i < n; i++) p.emptyDict().str("k").get(i).setItem().put(i + 1).pop();
        return p.get(n).stop();
    }

    @Test
    void aStorageEntryClaimingTerabytesIsRefusedByTheZipCheck() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("archive/data.pkl", tensor(4, 0, new long[]{4}, new long[]{1}));
        entries.put("archive/data/0", FOUR_FLOATS);
        Path f = HostileZip.write(dir.resolve("deflated.pth"), entries, true);
        HostileZip.claimSize(f, "archive/data/0", 0xFFFF_FFF0L);
        Refusal.check("deflated entry claiming 4 GB", () -> Checkpoints.read(f), RawTensor::allocatedBytes, 0,
                f.toString(), "deflate");
    }

    @Test
    void theWellFormedBaseOfTheCorpusIsRead() throws IOException {
        byte[] floats = new byte[16];
        java.nio.ByteBuffer.wrap(floats).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(0, 1.5f).putFloat(12, -2f);
        Path f = HostileZip.pth(dir.resolve("ok.pth"), tensor(4, 0, new long[]{2, 2}, new long[]{2, 1}),
                Map.of("0", floats));
        try (Scope s = Scope.open()) {
            float[] w = Torch.toFloats(Checkpoints.readTensors(f).get("w"));
            assertEquals(List.of(1.5f, 0f, 0f, -2f), List.of(w[0], w[1], w[2], w[3]));
        }
        // the same view transposed: stride (1, 2)
        Path t = HostileZip.pth(dir.resolve("t.pth"), tensor(4, 0, new long[]{2, 2}, new long[]{1, 2}),
                Map.of("0", floats));
        try (Scope s = Scope.open()) {
            float[] w = Torch.toFloats(Checkpoints.readTensors(t).get("w"));
            assertEquals(List.of(1.5f, 0f, 0f, -2f), List.of(w[0], w[1], w[2], w[3]));
        }
    }
}
