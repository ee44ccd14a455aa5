// docs/pretraining.md ("epg plot"): TensorBoard's event file (TFRecord of Event protobufs), written by hand.
package epg.report;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The bytes of a {@code events.out.tfevents.*} file: TFRecord frames (uint64 length, masked CRC-32C of the length,
 * the data, masked CRC-32C of the data; little-endian) around {@code tensorflow.Event} protobufs. The first event
 * names the format ({@code file_version = "brain.Event:2"}); every other holds one scalar:
 * {@code Event{wall_time = 1 (double), step = 2 (int64), summary = 5 {value = 1 {tag = 1, simple_value = 2 (float)}}}}.
 * No protobuf library: the few fields are encoded here.
 */
public final class TfEvents {
    /** TensorBoard's event-file version string. */
    public static final String FILE_VERSION = "brain.Event:2";
    private static final int MASK_DELTA = 0xa282ead8;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A file that starts with the version event at {@code wallTime} (seconds since the epoch). */
    public TfEvents(double wallTime) { frame(versionEvent(wallTime)); }

    /** Appends one scalar. */
    public TfEvents scalar(double wallTime, long step, String tag, float value) {
        frame(scalarEvent(wallTime, step, tag, value));
        return this;
    }

    /** The file's bytes so far. */
    public byte[] bytes() { return out.toByteArray(); }

    /** {@code Event{wall_time, file_version}}. */
    public static byte[] versionEvent(double wallTime) {
        Proto p = new Proto();
        p.fixed64(1, Double.doubleToRawLongBits(wallTime));
        p.bytes(3, FILE_VERSION.getBytes(StandardCharsets.UTF_8));
        return p.toBytes();
    }

    /** {@code Event{wall_time, step, summary{value{tag, simple_value}}}}. */
    public static byte[] scalarEvent(double wallTime, long step, String tag, float value) {
        Proto v = new Proto();
        v.bytes(1, tag.getBytes(StandardCharsets.UTF_8));
        v.fixed32(2, Float.floatToRawIntBits(value));
        Proto summary = new Proto();
        summary.bytes(1, v.toBytes());
        Proto e = new Proto();
        e.fixed64(1, Double.doubleToRawLongBits(wallTime));
        e.varint(2, step);
        e.bytes(5, summary.toBytes());
        return e.toBytes();
    }

    /** TFRecord's masked CRC-32C: the CRC rotated right by 15 bits plus a constant. */
    public static int maskedCrc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        int crc = (int) c.getValue();
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    private void frame(byte[] data) {
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.writeBytes(length);
        out.writeBytes(le32(maskedCrc(length)));
        out.writeBytes(data);
        out.writeBytes(le32(maskedCrc(data)));
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    /** The protobuf wire format of the fields used here: varint, fixed64, fixed32, length-delimited. */
    private static final class Proto {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        void varint(int field, long v) {
            raw(field << 3);
            raw(v);
        }

        void fixed64(int field, long bits) {
            raw(field << 3 | 1);
            b.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(bits).array());
        }

        void fixed32(int field, int bits) {
            raw(field << 3 | 5);
            b.writeBytes(le32(bits));
        }

        void bytes(int field, byte[] data) {
            raw(field << 3 | 2);
            raw(data.length);
            b.writeBytes(data);
        }

        /** An unsigned varint: 7 bits per byte, low first, the high bit set on all but the last. */
        private void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                b.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            b.write((int) v);
        }

        byte[] toBytes() { return b.toByteArray(); }
    }
}
