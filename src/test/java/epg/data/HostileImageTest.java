// docs/robustness.md (fault suite): empty, truncated and decompression-bomb images are refused before decoding.
package epg.data;

import epg.Refusal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images are written here byte by byte: a PNG whose IHDR declares 20000² pixels is 100 bytes. */
class HostileImageTest {
    @TempDir Path dir;

    private record Case(String name, String suffix, byte[] bytes, String... expected) {}

    @AfterEach
    void defaultLimit() { ImageDecoder.setMaxPixels(0); }

    @TestFactory
    Stream<DynamicTest> hostileImagesAreRefused() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path f = Files.write(dir.resolve(c.name().replaceAll("\\W+", "_") + c.suffix()), c.bytes());
            String[] expected = Stream.concat(Stream.of(f.toString()), Stream.of(c.expected())).toArray(String[]::new);
            Refusal.Cost cost = Refusal.check(c.name(), () -> ImageDecoder.readRgb(f), null, 0, expected);
            System.out.printf("image %-36s %4d ms  %s%n", c.name(), cost.millis(), cost.message());
        }));
    }

    private static List<Case> cases() throws IOException {
        List<Case> cs = new ArrayList<>();
        cs.add(new Case("zero-byte png", ".png", new byte[0], "empty file"));
        byte[] good = png(40, 30, true);
        cs.add(new Case("truncated png", ".png", java.util.Arrays.copyOf(good, good.length / 2), "corrupt"));
        cs.add(new Case("png declaring 20000x20000", ".png", png(20000, 20000, false), "declares 20000x20000"));
        cs.add(new Case("png declaring 1x268431360", ".png", png(1, 65535 * 4096, false), "declares"));
        cs.add(new Case("png declaring 0x0", ".png", png(0, 0, false), "decode"));
        cs.add(new Case("bmp declaring 100000x100000", ".bmp", bmp(100000, 100000), "decode"));
        cs.add(new Case("bmp declaring 10000x10000", ".bmp", bmp(10000, 10000), "decode"));
        cs.add(new Case("gif declaring 65535x65535", ".gif", gif(65535, 65535), "declares 65535x65535"));
        cs.add(new Case("text named .png", ".png", "not an image".getBytes(), "not a png"));
        return cs;
    }

    @Test
    void theLimitIsConfigurableAndPrepareSkipsABombAndGoesOn() throws IOException {
        Path ok = Files.write(dir.resolve("src/a/ok.png"), createParents(dir.resolve("src/a"), png(40, 30, true)));
        Files.write(dir.resolve("src/a/bomb.png"), png(20000, 20000, false));
        assertEquals(40, ImageDecoder.readRgb(ok).width());
        ImageDecoder.setMaxPixels(1000);
        Refusal.check("40x30 above a 1000-pixel limit", () -> ImageDecoder.readRgb(ok), null, 0, "limit of 1000");
        ImageDecoder.setMaxPixels(0);
        Prepare.Report r = Prepare.run(dir.resolve("src"), dir.resolve("out"), 16, 1, () -> {});
        assertEquals(1, r.written());
        assertEquals(1, r.failures().size());
        assertTrue(r.failures().get(0).reason().contains("declares 20000x20000"), r.failures().get(0).reason());
    }

    @Test
    void idxFilesClaimingImpossibleSizesAreRefusedBeforeAllocating() throws IOException {
        int[][] claims = {{Integer.MAX_VALUE, 28, 28}, {60000, 1 << 20, 1 << 20}, {-5, 28, 28}, {10, 0, 28},
                {100000, 28, 28}};
        String[] expected = {"more than 2^31 bytes", "dimension 1", "dimension 0", "dimension 1", "truncated"};
        for (int i = 0; i < claims.length; i++) {
            for (String suffix : new String[]{"", ".gz"}) {
                Path d = Files.createDirectories(dir.resolve("idx" + i + suffix.replace('.', '_')));
                IdxFiles.write(d.resolve("train-images-idx3-ubyte" + suffix), 0x0803, claims[i], new byte[784]);
                IdxFiles.write(d.resolve("train-labels-idx1-ubyte" + suffix), 0x0801, new int[]{1}, new byte[1]);
                Refusal.check(java.util.Arrays.toString(claims[i]), () -> IdxDataset.open(d, true), null, 0,
                        d.resolve("train-images-idx3-ubyte" + suffix).toString(), expected[i]);
            }
        }
    }

    private static byte[] createParents(Path dir, byte[] b) throws IOException {
        Files.createDirectories(dir);
        return b;
    }

    /** An 8-bit RGB PNG whose IHDR declares {@code w}×{@code h}; its pixel data is real only when {@code real}. */
    static byte[] png(int w, int h, boolean real) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0).array());
        byte[] raw = new byte[real ? h * (1 + 3 * w) : 64];
        for (int i = 0; i < raw.length; i++) raw[i] = (byte) (real && i % (1 + 3 * w) == 0 ? 0 : i * 31);
        Deflater d = new Deflater();
        d.setInput(raw);
        d.finish();
        byte[] z = new byte[raw.length + 64];
        chunk(out, "IDAT", java.util.Arrays.copyOf(z, d.deflate(z)));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes();
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A 24-bit BMP header declaring {@code w}×{@code h}, with 16 bytes of pixels. */
    private static byte[] bmp(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(54 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(54 + 16).putInt(0).putInt(54);
        b.putInt(40).putInt(w).putInt(h).putShort((short) 1).putShort((short) 24).putInt(0).putInt(16)
                .putInt(2835).putInt(2835).putInt(0).putInt(0);
        return b.array();
    }

    /** A GIF89a whose screen and image descriptor declare {@code w}×{@code h}, with a 2-colour table. */
    private static byte[] gif(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put("GIF89a".getBytes()).putShort((short) w).putShort((short) h).put((byte) 0x80).put((byte) 0)
                .put((byte) 0).put(new byte[6]);
        b.put((byte) 0x2C).putShort((short) 0).putShort((short) 0).putShort((short) w).putShort((short) h)
                .put((byte) 0);
        b.put((byte) 2).put((byte) 2).put((byte) 0x4C).put((byte) 0x01).put((byte) 0).put((byte) 0x3B);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }
}
