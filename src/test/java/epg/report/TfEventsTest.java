// TensorBoard export: TfEvents' bytes against hand-built frames, and `epg plot --tensorboard` read back two ways.
package epg.report;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import epg.TestSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TfEventsTest {
    @TempDir Path tmp;

    /** Event{wall_time 1.5, step 3, summary{value{tag "loss", simple_value 0.25}}}, field by field. */
    private static final byte[] LOSS_EVENT = bytes(
            0x09, 0, 0, 0, 0, 0, 0, 0xF8, 0x3F,              // field 1, fixed64: 1.5 = 0x3FF8000000000000
            0x10, 0x03,                                        // field 2, varint: step 3
            0x2A, 0x0D,                                        // field 5, 13 bytes: Summary
            0x0A, 0x0B,                                        //   field 1, 11 bytes: Summary.Value
            0x0A, 0x04, 'l', 'o', 's', 's',                    //     field 1: tag "loss"
            0x15, 0, 0, 0x80, 0x3E);                           //     field 2, fixed32: 0.25f = 0x3E800000

    @Test
    void crc32cAndItsMask() {
        CRC32C c = new CRC32C();
        c.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0xE3069283L, c.getValue(), "the CRC-32C check value");
        // (0xE3069283 rotated right by 15) + 0xA282EAD8 mod 2^32; also scripts/fixtures/read_tfevents.py's table CRC
        assertEquals(0xC78AB0E5, TfEvents.maskedCrc("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void oneScalarEventIsTheHandBuiltProtobufInItsFrame() {
        assertArrayEquals(LOSS_EVENT, TfEvents.scalarEvent(1.5, 3, "loss", 0.25f));
        byte[] step300 = TfEvents.scalarEvent(1.5, 300, "loss", 0.25f);
        assertArrayEquals(bytes(0x10, 0xAC, 0x02), Arrays.copyOfRange(step300, 9, 12), "300 as a two-byte varint");
        // Event{wall_time 0, file_version "brain.Event:2"}
        byte[] version = new byte[24];
        version[0] = 0x09;
        version[9] = 0x1A;
        version[10] = 13;
        System.arraycopy("brain.Event:2".getBytes(StandardCharsets.US_ASCII), 0, version, 11, 13);
        byte[] file = new TfEvents(0).scalar(1.5, 3, "loss", 0.25f).bytes();
        assertEquals(8 + 4 + 24 + 4 + 8 + 4 + 26 + 4, file.length);
        assertArrayEquals(version, Arrays.copyOfRange(file, 12, 36));
        // the second frame: length 26, masked CRCs as read_tfevents.py computes them (0x2DD89B12, 0x55B254D0)
        ByteBuffer frame = ByteBuffer.allocate(42).order(ByteOrder.LITTLE_ENDIAN);
        frame.putLong(26).putInt(0x2DD89B12).put(LOSS_EVENT).putInt(0x55B254D0);
        assertArrayEquals(frame.array(), Arrays.copyOfRange(file, 40, 82));
    }

    @Test
    void plotWritesOneEventFilePerRunThatReadsBack() throws IOException {
        Path run = writeLog(tmp.resolve("diffusion"));
        TestSupport.Cli r = TestSupport.cli("plot", run.toString(), "--tensorboard", "--keys", "loss,lr", "--out",
                tmp.resolve("tb").toString());
        assertEquals(0, r.code(), r.err());
        Path file = eventFile(tmp.resolve("tb"));
        assertEquals("diffusion", file.getParent().getFileName().toString());
        List<byte[]> events = frames(Files.readAllBytes(file));
        assertEquals(1 + 2 + 2, events.size(), "the version event, then loss and lr of two lines");
        assertArrayEquals(TfEvents.versionEvent(1764669600), events.get(0));
        assertArrayEquals(TfEvents.scalarEvent(1764669600, 10, "loss", 0.5f), events.get(1));
        assertArrayEquals(TfEvents.scalarEvent(1764669612.5, 20, "lr", 2e-4f), events.get(4));
        assertTrue(r.out().contains("tensorboard --logdir"), r.out());
    }

    @Test
    @Tag("oracle")
    void pythonReadsTheFileWithItsOwnCrcAndProtobufDecoder() throws IOException {
        Path run = writeLog(tmp.resolve("diffusion"));
        assertEquals(0, TestSupport.cli("plot", run.toString(), "--tensorboard", "--out", tmp.resolve("tb")
                .toString()).code());
        String out = TestSupport.python(60, "scripts/fixtures/read_tfevents.py", eventFile(tmp.resolve("tb"))
                .toString());
        List<JsonObject> events = out.lines().filter(l -> l.startsWith("{"))
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertEquals("brain.Event:2", events.get(0).get("file_version").getAsString());
        assertEquals(1764669600.0, events.get(0).get("wall_time").getAsDouble());
        List<String> got = events.subList(1, events.size()).stream().map(e -> e.get("step").getAsLong() + " "
                + e.get("tag").getAsString() + " " + e.get("value").getAsFloat() + " "
                + e.get("wall_time").getAsDouble()).toList();
        assertEquals(List.of("10 loss 0.5 1.7646696E9", "10 lr 1.0E-4 1.7646696E9", "10 gradNorm 3.25 1.7646696E9",
                "20 loss 0.375 1.7646696125E9", "20 lr 2.0E-4 1.7646696125E9", "20 gradNorm 2.5 1.7646696125E9"), got);
    }

    /** A log.jsonl of two lines (2025-12-02T10:00:00Z = 1764669600 s), keys as `epg train` writes them. */
    private static Path writeLog(Path run) throws IOException {
        Files.createDirectories(run);
        Files.writeString(run.resolve("log.jsonl"), """
                {"step":10,"time":"2025-12-02T10:00:00Z","loss":0.5,"lr":1e-4,"gradNorm":3.25}
                {"step":20,"time":"2025-12-02T10:00:12.500Z","loss":0.375,"lr":2e-4,"gradNorm":2.5}
                """);
        return run;
    }

    private static Path eventFile(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> files = s.filter(p -> p.getFileName().toString().contains("tfevents")).toList();
            assertEquals(1, files.size(), files + "");
            return files.get(0);
        }
    }

    /** The data of every TFRecord frame, each CRC checked with the mask written out here. */
    private static List<byte[]> frames(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> out = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] length = new byte[8];
            b.get(length);
            assertEquals(mask(length), b.getInt(), "length CRC");
            byte[] data = new byte[(int) ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong()];
            b.get(data);
            assertEquals(mask(data), b.getInt(), "data CRC");
            out.add(data);
        }
        return out;
    }

    private static int mask(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        return Integer.rotateRight((int) c.getValue(), 15) + 0xA282EAD8;
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }
}
