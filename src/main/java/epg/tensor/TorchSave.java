// Writes PyTorch's torch.save format for a state dict (the released nnet_ema.pth checkpoints), which TorchPickle reads.
package epg.tensor;

import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The zip archive torch.save(state_dict, f) writes (PyTorch >= 1.6, file format version 3), loadable by
 * {@code torch.load(f, map_location="cpu")} — also with weights_only=True — as an OrderedDict of tensors:
 * <pre>
 * archive/data.pkl    pickle of the OrderedDict (StateDictPickle)
 * archive/byteorder   "little"
 * archive/data/0..N-1 raw little-endian bytes of each tensor, C order (one storage per tensor)
 * archive/version     "3\n"
 * </pre>
 * Entries are stored (not deflated), each starting on a 64-byte boundary as PyTorch's writer aligns them.
 */
public final class TorchSave {
    static final String ARCHIVE = "archive/";
    private static final String FORMAT_VERSION = "3\n";

    private TorchSave() {}

    /** Writes {@code tensors} (any device, any layout; saved as contiguous CPU copies) to {@code file}, atomically. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException { write(file, tensors, false); }

    /** The same; {@code forceZip64} writes ZIP64 records however small the file (to test the > 4 GiB layout). */
    static void write(Path file, Map<String, Tensor> tensors, boolean forceZip64) throws IOException {
        try (Scope s = Scope.open()) {
            List<Tensor> data = new ArrayList<>();
            List<StateDictPickle.Item> items = new ArrayList<>();
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor c = e.getValue().detach().cpu().contiguous();
                long[] size = Torch.shape(c);
                items.add(new StateDictPickle.Item(e.getKey(), Integer.toString(data.size()), dtype(e.getKey(), c),
                        c.numel(), size, strides(size)));
                data.add(c);
            }
            byte[] pickle = StateDictPickle.of(items);
            AtomicFile.write(file, ch -> {
                AlignedZipWriter zip = new AlignedZipWriter(ch, forceZip64);
                zip.add(ARCHIVE + "data.pkl", ByteBuffer.wrap(pickle));
                zip.add(ARCHIVE + "byteorder", ascii("little"));
                for (int i = 0; i < data.size(); i++) zip.add(ARCHIVE + "data/" + i, RawTensor.bytes(data.get(i)));
                zip.add(ARCHIVE + "version", ascii(FORMAT_VERSION));
                zip.finish();
            });
        }
    }

    private static DType dtype(String key, Tensor t) {
        try {
            return DType.of(t.scalar_type());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor '" + key + "' has element type " + t.scalar_type()
                    + ", which the torch.save writer does not support (supported: float64/32/16, bfloat16,"
                    + " int64/32/16/8, uint8, bool); convert it, e.g. to float32, first", e);
        }
    }

    /** Row-major strides of a contiguous tensor of {@code size} (in elements). */
    static long[] strides(long[] size) {
        long[] stride = new long[size.length];
        long s = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= Math.max(size[i], 1);
        }
        return stride;
    }

    private static ByteBuffer ascii(String s) { return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII)); }
}
