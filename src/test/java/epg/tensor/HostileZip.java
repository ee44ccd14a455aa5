// PKWARE APPNOTE 4.3: zip archives for the fault suite, including central-directory sizes no honest writer states.
package epg.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

final class HostileZip {
    private HostileZip() {}

    /** A zip of {@code entries} (name → bytes, in order), stored or deflated. */
    static Path write(Path file, Map<String, byte[]> entries, boolean deflate) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry z = new ZipEntry(e.getKey());
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(e.getValue().length);
                    z.setCompressedSize(e.getValue().length);
                    z.setCrc(crc.getValue());
                }
                zip.putNextEntry(z);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }

    /** A torch.save-shaped checkpoint: archive/data.pkl, archive/data/KEY for each storage, archive/version. */
    static Path pth(Path file, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        entries.put("archive/data.pkl", pickle);
        storages.forEach((k, v) -> entries.put("archive/data/" + k, v));
        entries.put("archive/version", "3\n".getBytes());
        return write(file, entries, false);
    }

    /** Rewrites the uncompressed size that the central directory states for {@code name} (32-bit field). */
    static void claimSize(Path file, String name, long size) throws IOException {
        byte[] b = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        byte[] n = name.getBytes();
        for (int i = 0; i + 46 + n.length <= b.length; i++) {
            if (buf.getInt(i) != 0x02014b50 || buf.getShort(i + 28) != n.length) continue;
            if (!java.util.Arrays.equals(java.util.Arrays.copyOfRange(b, i + 46, i + 46 + n.length), n)) continue;
            buf.putInt(i + 24, (int) size);
            Files.write(file, b);
            return;
        }
        throw new IOException("no central directory entry " + name + " in " + file);
    }
}
