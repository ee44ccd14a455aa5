// A safetensors file read tensor by tensor (positional reads straight into each new tensor), for loading networks.
package epg.tensor;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An open safetensors file whose header has been read and checked in full ({@link SafetensorsHeader}); each tensor is
 * read only when asked for. Loading a network from it holds one tensor of the file at a time beside the network.
 */
public final class SafetensorsFile implements TensorSource {
    private final Path file;
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private final Map<String, SafetensorsHeader.Entry> entries = new LinkedHashMap<>();

    private SafetensorsFile(Path file, FileChannel channel, SafetensorsHeader header) {
        this.file = file;
        this.channel = channel;
        this.header = header;
        header.tensors().forEach(e -> entries.put(e.name(), e));
    }

    /** Opens {@code file} and checks its header; no tensor is allocated yet. */
    public static SafetensorsFile open(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new SafetensorsFile(file, ch, SafetensorsHeader.read(ch, file));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @Override
    public Map<String, long[]> shapes() { return TensorSource.byName(entries, e -> e.shape().clone()); }

    @Override
    public Map<String, ScalarType> dtypes() { return TensorSource.byName(entries, e -> e.dtype().scalarType); }

    @Override
    public Map<String, String> metadata() { return header.metadata(); }

    @Override
    public Tensor tensor(String name) throws IOException {
        SafetensorsHeader.Entry e = entries.get(name);
        if (e == null) return null;
        return RawTensor.read(channel, header.dataStart() + e.begin(), e.dtype(), e.shape(),
                file + ": tensor '" + name + "'");
    }

    @Override
    public void close() throws IOException { channel.close(); }
}
