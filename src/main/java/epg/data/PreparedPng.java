// Spec §8 resumable `epg prepare`: an output PNG names its source's size and modification time in a tEXt chunk.
package epg.data;

import epg.tensor.AtomicFile;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.zip.CRC32;

/**
 * A prepared image is finished for its source exactly when its PNG carries the source's stamp ("size=BYTES
 * mtime=TIME"): a source changed since (another size or time) makes the output stale, and `epg prepare` redoes it.
 * The stamp sits in a tEXt chunk (keyword {@value #KEYWORD}) right after IHDR; decoders ignore it, the pixels are
 * those ImageIO writes.
 */
final class PreparedPng {
    static final String KEYWORD = "epg-source";
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int IHDR_END = 8 + 4 + 4 + 13 + 4, MAX_CHUNKS = 64, MAX_TEXT = 1024;

    private PreparedPng() {}

    /** "size=BYTES mtime=TIME" of a source file (the time at the file system's resolution). */
    static String stampOf(Path source) {
        try {
            BasicFileAttributes a = Files.readAttributes(source, BasicFileAttributes.class);
            return "size=" + a.size() + " mtime=" + a.lastModifiedTime();
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** The stamp a prepared PNG carries, or null (none, or not a PNG). Reads the chunks before the image data. */
    static String stamp(Path png) {
        try (FileChannel ch = FileChannel.open(png, StandardOpenOption.READ)) {
            ByteBuffer sig = ByteBuffer.allocate(8);
            if (ch.read(sig, 0) != 8 || !java.util.Arrays.equals(sig.array(), SIGNATURE)) return null;
            long pos = 8;
            for (int i = 0; i < MAX_CHUNKS && pos + 8 <= ch.size(); i++) {
                ByteBuffer head = ByteBuffer.allocate(8);
                ch.read(head, pos);
                int length = head.getInt(0);
                String type = new String(head.array(), 4, 4, StandardCharsets.ISO_8859_1);
                if (length < 0 || type.equals("IDAT") || type.equals("IEND")) return null;
                if (type.equals("tEXt") && length <= MAX_TEXT) {
                    ByteBuffer data = ByteBuffer.allocate(length);
                    ch.read(data, pos + 8);
                    String text = new String(data.array(), 0, data.position(), StandardCharsets.ISO_8859_1);
                    if (text.startsWith(KEYWORD + '\0')) return text.substring(KEYWORD.length() + 1);
                }
                pos += 12L + length;
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Writes {@code image} as a PNG carrying {@code stamp}, atomically; a failure names the file. */
    static void write(ByteImage image, Path file, String stamp) {
        byte[] png = withText(encode(image, file), KEYWORD, stamp);
        try {
            AtomicFile.write(file, ch -> {
                ByteBuffer b = ByteBuffer.wrap(png);
                while (b.hasRemaining()) ch.write(b);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage() + "; free space and re-run `epg prepare` to continue", e);
        }
    }

    private static byte[] encode(ByteImage image, Path file) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image.toBufferedImage(), "png", buf)) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot encode PNG (" + e.getMessage() + ")", e);
        }
        return buf.toByteArray();
    }

    /** {@code png} with a tEXt chunk KEYWORD\0TEXT inserted after IHDR (the first chunk of every PNG). */
    static byte[] withText(byte[] png, String keyword, String text) {
        byte[] data = (keyword + '\0' + text).getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        chunk.putInt(data.length).put("tEXt".getBytes(StandardCharsets.ISO_8859_1)).put(data);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + data.length);
        chunk.putInt((int) crc.getValue());
        byte[] out = new byte[png.length + chunk.capacity()];
        System.arraycopy(png, 0, out, 0, IHDR_END);
        System.arraycopy(chunk.array(), 0, out, IHDR_END, chunk.capacity());
        System.arraycopy(png, IHDR_END, out, IHDR_END + chunk.capacity(), png.length - IHDR_END);
        return out;
    }
}
