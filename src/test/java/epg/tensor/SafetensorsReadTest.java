// Reading checkpoint tensors by positional reads, and freeing them once copied (Safetensors.Contents.close).
package epg.tensor;

import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SafetensorsReadTest {
    @TempDir Path dir;

    @Test
    void aTensorIsReadFromItsOffsetInChunksOfAnySize() throws IOException {
        byte[] file = new byte[13 + 40 + 5];
        for (int i = 0; i < file.length; i++) file[i] = (byte) (i * 7 + 3);
        Path f = Files.write(dir.resolve("bytes.bin"), file);
        try (FileChannel ch = FileChannel.open(f)) {
            for (int chunk : new int[]{1, 7, 40, 1 << 20}) {
                Tensor t = RawTensor.read(ch, 13, DType.U8, new long[]{5, 8}, "test", chunk);
                byte[] got = new byte[40];
                RawTensor.bytes(t).get(got);
                assertArrayEquals(Arrays.copyOfRange(file, 13, 53), got, "chunk " + chunk);
            }
        }
    }

    @Test
    void aFileThatEndsEarlyIsNamedWithWhatWasRead() throws IOException {
        Path f = Files.write(dir.resolve("short.bin"), new byte[30]);
        try (FileChannel ch = FileChannel.open(f)) {
            IOException e = assertThrows(IOException.class,
                    () -> RawTensor.read(ch, 10, DType.F32, new long[]{6}, "short.bin: tensor 'w'", 4));
            assertEquals("short.bin: tensor 'w': the data ends after 20 of 24 bytes (truncated file?)", e.getMessage());
        }
    }

    @Test
    void valuesSurviveAWriteAndARead() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("a", Torch.fromFloats(new float[]{1.5f, -2.25f, 3e-8f, 7f, 0f, -0f}, 2, 3));
        out.put("b", Torch.fromLongs(new long[]{-5, 1L << 40, 9}, 3));
        Safetensors.write(f, out, Map.of("k", "v"));
        try (Safetensors.Contents c = Safetensors.read(f)) {
            assertArrayEquals(new float[]{1.5f, -2.25f, 3e-8f, 7f, 0f, -0f}, Torch.toFloats(c.tensors().get("a")));
            assertArrayEquals(new long[]{2, 3}, Torch.shape(c.tensors().get("a")));
            assertArrayEquals(new long[]{-5, 1L << 40, 9}, Torch.toLongs(c.tensors().get("b")));
            assertEquals(Map.of("k", "v"), c.metadata());
        }
    }

    @Test
    void closingTheContentsFreesTheTensorsAtOnce() throws IOException {
        Path f = dir.resolve("m.safetensors");
        Safetensors.write(f, Map.of("w", Torch.fromFloats(new float[]{1, 2, 3, 4}, 4)), Map.of());
        Safetensors.Contents c = Safetensors.read(f);
        Tensor probe = c.tensors().get("w").detach(); // shares w's storage
        assertEquals(2, probe.storage().use_count(), "the file's tensor and the probe");
        c.close();
        assertEquals(1, probe.storage().use_count(), "the probe alone, without waiting for the garbage collector");
        assertTrue(c.tensors().isEmpty(), "a closed contents holds no tensors");
        c.close(); // a second close frees nothing twice
        assertArrayEquals(new float[]{1, 2, 3, 4}, Torch.toFloats(probe));
    }
}
