// The natives' one entry (epg.tensor.Natives): the libraries in this process are the bundled ones.
package epg.tensor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativesTest {
    /** A libtorch from the library path (Debian's libtorch-dev) beside the bundled one crashed the first run. */
    @Test
    void everyLibtorchInThisProcessComesFromTheNativeCache() throws IOException {
        Natives.load();
        assertEquals(java.util.Optional.empty(), Natives.foreignLibtorch());
        try (var maps = Files.lines(Path.of("/proc/self/maps"))) {
            assertTrue(maps.anyMatch(l -> l.endsWith("/libtorch_cpu.so")), "the bundled libtorch_cpu.so is mapped");
        }
    }
}
