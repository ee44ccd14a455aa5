// Spec §6 (output): an ADM-compatible .npz — one stored (uncompressed) zip entry holding a uint8 .npy, written as a stream.
package epg.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Streams one uint8 array ({@code name}.npy) into a zip with the stored method, so that numpy.load reads it. The
 * CRC is patched into the local header at the end; ZIP64 records are used when the entry reaches 4 GiB (50k images at
 * 256 px). The file appears under its name only once complete (written as NAME.partial, then renamed).
 */
public final class NpzWriter implements AutoCloseable {
    private static final long ZIP32_LIMIT = 0xFFFFFFFFL;
    private final Path file, partial;
    private final FileChannel ch;
    private final byte[] name;
    private final long size, headerEnd;
    private final boolean zip64;
    private final CRC32 crc = new CRC32();
    private long written;

    private NpzWriter(Path file, String entry, long[] shape, boolean forceZip64) throws IOException {
        this.file = file;
        this.partial = file.resolveSibling(file.getFileName() + ".partial");
        this.name = (entry + ".npy").getBytes(StandardCharsets.UTF_8);
        byte[] npy = Npy.header(new Npy.Header(DType.U8, shape));
        this.size = npy.length + Torch.numel(shape);
        this.zip64 = forceZip64 || size >= ZIP32_LIMIT - 4096; // the central directory offset must fit too
        this.ch = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        put(localHeader());
        this.headerEnd = ch.position();
        write(npy);
    }

    /** Opens {@code file} for a uint8 array {@code entry} of the given shape (e.g. "arr_0", [N, H, W, 3]). */
    public static NpzWriter uint8(Path file, String entry, long... shape) throws IOException { return new NpzWriter(file, entry, shape, false); }

    /** The same with ZIP64 records however small the array (to test the large-file layout on small data). */
    static NpzWriter uint8Zip64(Path file, String entry, long... shape) throws IOException { return new NpzWriter(file, entry, shape, true); }

    /** Appends the next bytes of the array in C order. */
    public void write(byte[] data) throws IOException {
        if (written + data.length > size) throw new IllegalStateException("more data than the declared shape holds");
        crc.update(data);
        put(ByteBuffer.wrap(data));
        written += data.length;
    }

    @Override
    public void close() throws IOException {
        try (ch) {
            if (written != size) throw new IOException(file + ": " + (size - written) + " bytes of the array were never written");
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, (int) crc.getValue()), 14);
            long central = ch.position();
            put(centralHeader());
            long end = ch.position();
            if (zip64) put(zip64End(central, end - central, end));
            put(end(central, end - central));
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private ByteBuffer localHeader() {
        ByteBuffer b = le(30 + name.length + (zip64 ? 20 : 0));
        b.putInt(0x04034b50).putShort(version()).putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0x21) // time 0, date 1980-01-01
                .putInt(0).putInt(size32()).putInt(size32()).putShort((short) name.length).putShort((short) (zip64 ? 20 : 0)).put(name);
        if (zip64) b.putShort((short) 1).putShort((short) 16).putLong(size).putLong(size);
        return b.flip();
    }

    private ByteBuffer centralHeader() {
        ByteBuffer b = le(46 + name.length + (zip64 ? 20 : 0));
        b.putInt(0x02014b50).putShort(version()).putShort(version()).putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0x21)
                .putInt((int) crc.getValue()).putInt(size32()).putInt(size32()).putShort((short) name.length).putShort((short) (zip64 ? 20 : 0))
                .putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).put(name);
        if (zip64) b.putShort((short) 1).putShort((short) 16).putLong(size).putLong(size);
        return b.flip();
    }

    private ByteBuffer zip64End(long central, long centralSize, long at) {
        ByteBuffer b = le(56 + 20);
        b.putInt(0x06064b50).putLong(44).putShort(version()).putShort(version()).putInt(0).putInt(0).putLong(1).putLong(1)
                .putLong(centralSize).putLong(central);
        b.putInt(0x07064b50).putInt(0).putLong(at).putInt(1);
        return b.flip();
    }

    private ByteBuffer end(long central, long centralSize) {
        ByteBuffer b = le(22);
        b.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 1).putShort((short) 1).putInt((int) centralSize)
                .putInt(zip64 ? (int) ZIP32_LIMIT : (int) central).putShort((short) 0);
        return b.flip();
    }

    private short version() { return (short) (zip64 ? 45 : 20); }

    private int size32() { return zip64 ? (int) ZIP32_LIMIT : (int) size; }

    private static ByteBuffer le(int n) { return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN); }

    private void put(ByteBuffer b) throws IOException { while (b.hasRemaining()) ch.write(b); }
}
