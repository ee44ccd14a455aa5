// PyTorch's checkpoint container (caffe2/serialize/inline_container.cc), also our .npz: stored zip entries, 64-aligned.
package epg.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes uncompressed ("stored") zip entries the way PyTorch's PyTorchStreamWriter lays them out: each local header
 * carries an extra field with id "FB" filled with 'Z' so that the entry's data begins at a multiple of 64 bytes (what
 * torch.load(mmap=True) relies on; readers that do not care, such as numpy.load, skip it). Unlike PyTorch it knows
 * each entry's size up front and patches the CRC into the local header once the data is written, so it needs no data
 * descriptors. ZIP64 records are added per entry (and at the end) only where sizes or offsets reach 4 GiB.
 */
final class AlignedZipWriter {
    static final int ALIGNMENT = 64;
    private static final long LIMIT = 0xFFFFFFFFL;
    private static final short PAD_ID = 0x4246; // "FB" little-endian, as PyTorch writes it
    private static final int CRC_OFFSET = 14; // of the CRC-32 field in a local file header

    private record Entry(byte[] name, long size, int crc, long offset) {}

    private final FileChannel ch;
    private final boolean forceZip64;
    private final List<Entry> entries = new ArrayList<>();
    private long position;

    /** Writes from the channel's start; {@code forceZip64} uses ZIP64 records however small the file (for tests). */
    AlignedZipWriter(FileChannel ch, boolean forceZip64) {
        this.ch = ch;
        this.forceZip64 = forceZip64;
    }

    /** Appends one entry holding {@code data}'s remaining bytes (the buffer's position is left unchanged). */
    void add(String name, ByteBuffer data) throws IOException {
        try (EntryStream out = begin(name, data.remaining())) {
            out.write(data.duplicate());
        }
    }

    /**
     * Opens an entry of exactly {@code size} bytes, written through the returned stream (any number of writes, so an
     * entry may exceed memory); closing the stream patches its CRC into the local header and adds it to the directory.
     */
    EntryStream begin(String name, long size) throws IOException {
        Entry e = new Entry(name.getBytes(StandardCharsets.UTF_8), size, 0, position);
        put(localHeader(e));
        return new EntryStream(e);
    }

    /** The data of one entry; {@link #close} fails if fewer or more than the declared bytes were written. */
    final class EntryStream extends OutputStream {
        private final Entry entry;
        private final CRC32 crc = new CRC32();
        private long written;
        private boolean closed;

        private EntryStream(Entry entry) { this.entry = entry; }

        @Override
        public void write(int b) throws IOException { write(new byte[]{(byte) b}); }

        @Override
        public void write(byte[] b, int off, int len) throws IOException { write(ByteBuffer.wrap(b, off, len)); }

        void write(ByteBuffer data) throws IOException {
            if (written + data.remaining() > entry.size)
                throw new IOException("zip entry " + name() + " is declared with " + entry.size
                        + " bytes; more were written");
            written += data.remaining();
            crc.update(data.duplicate());
            put(data);
        }

        @Override
        public void close() throws IOException {
            if (closed) return;
            closed = true;
            if (written != entry.size)
                throw new IOException("zip entry " + name() + " received " + written + " of its " + entry.size
                        + " bytes");
            int value = (int) crc.getValue();
            ch.write(le(4).putInt(0, value), entry.offset + CRC_OFFSET);
            entries.add(new Entry(entry.name, entry.size, value, entry.offset));
        }

        private String name() { return new String(entry.name, StandardCharsets.UTF_8); }
    }

    /** Writes the central directory and end records; the channel is not closed. */
    void finish() throws IOException {
        long central = position;
        for (Entry e : entries) put(centralHeader(e));
        long centralSize = position - central;
        boolean zip64 = forceZip64 || central >= LIMIT || centralSize >= LIMIT || entries.size() >= 0xFFFF;
        if (zip64) put(zip64End(central, centralSize, position));
        put(end(central, centralSize, zip64));
    }

    private boolean big(Entry e) { return forceZip64 || e.size >= LIMIT; }

    private boolean far(Entry e) { return forceZip64 || e.offset >= LIMIT; }

    private ByteBuffer localHeader(Entry e) {
        int zip64 = big(e) ? 20 : 0;
        long dataStart = e.offset + 30 + e.name.length + zip64 + 4;
        int pad = (int) ((ALIGNMENT - dataStart % ALIGNMENT) % ALIGNMENT);
        ByteBuffer b = le(30 + e.name.length + zip64 + 4 + pad);
        b.putInt(0x04034b50).putShort(version(big(e))).putShort((short) 0).putShort((short) 0) // flags, method: stored
                .putShort((short) 0).putShort((short) 0x21)                                   // time 0, date 1980-01-01
                .putInt(e.crc).putInt(size32(e)).putInt(size32(e))
                .putShort((short) e.name.length).putShort((short) (zip64 + 4 + pad)).put(e.name);
        if (zip64 > 0) b.putShort((short) 1).putShort((short) 16).putLong(e.size).putLong(e.size);
        b.putShort(PAD_ID).putShort((short) pad);
        for (int i = 0; i < pad; i++) b.put((byte) 'Z');
        return b.flip();
    }

    private ByteBuffer centralHeader(Entry e) {
        int extra = (big(e) ? 16 : 0) + (far(e) ? 8 : 0);
        int extraLen = extra > 0 ? 4 + extra : 0;
        boolean zip64 = big(e) || far(e);
        ByteBuffer b = le(46 + e.name.length + extraLen);
        b.putInt(0x02014b50).putShort(version(zip64)).putShort(version(zip64))
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0x21)
                .putInt(e.crc).putInt(size32(e)).putInt(size32(e))
                .putShort((short) e.name.length).putShort((short) extraLen).putShort((short) 0) // comment length 0
                .putShort((short) 0).putShort((short) 0).putInt(0)                   // disk 0, attributes 0, 0
                .putInt(far(e) ? (int) LIMIT : (int) e.offset).put(e.name);
        if (extra > 0) {
            b.putShort((short) 1).putShort((short) extra);
            if (big(e)) b.putLong(e.size).putLong(e.size);
            if (far(e)) b.putLong(e.offset);
        }
        return b.flip();
    }

    private ByteBuffer zip64End(long central, long centralSize, long at) {
        ByteBuffer b = le(56 + 20);
        b.putInt(0x06064b50).putLong(44).putShort(version(true)).putShort(version(true)).putInt(0).putInt(0)
                .putLong(entries.size()).putLong(entries.size()).putLong(centralSize).putLong(central);
        b.putInt(0x07064b50).putInt(0).putLong(at).putInt(1);
        return b.flip();
    }

    private ByteBuffer end(long central, long centralSize, boolean zip64) {
        short count = zip64 ? (short) 0xFFFF : (short) entries.size();
        ByteBuffer b = le(22);
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort(count).putShort(count)
                .putInt(zip64 ? (int) LIMIT : (int) centralSize).putInt(zip64 ? (int) LIMIT : (int) central)
                .putShort((short) 0);
        return b.flip();
    }

    private int size32(Entry e) { return big(e) ? (int) LIMIT : (int) e.size; }

    private static short version(boolean zip64) { return (short) (zip64 ? 45 : 20); }

    private static ByteBuffer le(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    private void put(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) position += ch.write(b);
    }
}
