// Spec §6 (`epg denoise` input/output): a minimal NumPy .npy reader and writer for float32 arrays (float64 read too).
package epg.tensor;

import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** NPY format 1.0 (write) and 1.0–3.0 (read), C order, little-endian '<f4' (and '<f8' on read). */
public final class NpyFloat {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'"), ORDER = Pattern.compile("'fortran_order':\\s*(True|False)"),
            SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private NpyFloat() {}

    public record Array(float[] data, long[] shape) {
        public Tensor tensor() { return Torch.fromFloats(data, shape); }
    }

    /** The version-1.0 header (magic, version, length, dict padded with spaces to a multiple of 64 bytes, newline). */
    public static byte[] header(String descr, long[] shape) {
        String dims = shape.length == 1 ? shape[0] + "," : String.join(", ", Arrays.stream(shape).mapToObj(Long::toString).toList());
        StringBuilder dict = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }");
        while ((MAGIC.length + 4 + dict.length() + 1) % 64 != 0) dict.append(' ');
        dict.append('\n');
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + dict.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) dict.length()).put(dict.toString().getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    public static void write(Path file, Tensor t) throws IOException { write(file, Torch.toFloats(t), Torch.shape(t)); }

    public static void write(Path file, float[] data, long[] shape) throws IOException {
        if (Torch.numel(shape) != data.length) throw new IllegalArgumentException(data.length + " values for shape " + Arrays.toString(shape));
        byte[] h = header("<f4", shape);
        ByteBuffer b = ByteBuffer.allocate(h.length + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(h).asFloatBuffer().put(data);
        AtomicFile.write(file, ch -> { ByteBuffer w = ByteBuffer.wrap(b.array()); while (w.hasRemaining()) ch.write(w); });
    }

    public static Array read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) throw new IOException(file + " is not a .npy file");
        int major = b.get();
        b.get();
        int len = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
        byte[] dictBytes = new byte[len];
        b.get(dictBytes);
        String dict = new String(dictBytes, major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, dict, file);
        if (group(ORDER, dict, file).equals("True")) throw new IOException(file + ": Fortran-order arrays are not supported");
        long[] shape = Arrays.stream(group(SHAPE, dict, file).split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        float[] data = new float[Math.toIntExact(Torch.numel(shape))];
        switch (descr) {
            case "<f4" -> b.asFloatBuffer().get(data);
            case "<f8" -> { var d = b.asDoubleBuffer(); for (int i = 0; i < data.length; i++) data[i] = (float) d.get(i); }
            default -> throw new IOException(file + ": dtype " + descr + " is not supported (use float32 '<f4' or float64 '<f8')");
        }
        return new Array(data, shape);
    }

    private static String group(Pattern p, String dict, Path file) throws IOException {
        Matcher m = p.matcher(dict);
        if (!m.find()) throw new IOException(file + ": malformed .npy header " + dict.trim());
        return m.group(1);
    }
}
