// Reading the tensors of any checkpoint file of spec §2: safetensors, or a PyTorch .pth/.pt state dict.
package epg.tensor;

import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reads the tensors (and metadata) of a checkpoint: safetensors, or a PyTorch .pth/.pt state dict. */
public final class Checkpoints {
    private Checkpoints() {}

    public static Safetensors.Contents read(Path file) throws IOException {
        if (isZip(existing(file))) return new Safetensors.Contents(TorchPickle.read(file), Map.of());
        return Safetensors.read(file);
    }

    public static Map<String, Tensor> readTensors(Path file) throws IOException { return read(file).tensors(); }

    /**
     * The tensors of a checkpoint, to be copied into a network one at a time: each is read from the file when asked
     * for ({@link SafetensorsFile}; a PyTorch file's storage for it, {@link TorchPickle#source}), once every key, shape
     * and size has been checked.
     */
    public static TensorSource open(Path file) throws IOException {
        return isZip(existing(file)) ? TorchPickle.source(file) : SafetensorsFile.open(file);
    }

    private static Path existing(Path file) throws IOException {
        if (!Files.isRegularFile(file))
            throw new IOException("checkpoint " + file + " does not exist or is not a file");
        return file;
    }

    private static boolean isZip(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
        }
    }
}
