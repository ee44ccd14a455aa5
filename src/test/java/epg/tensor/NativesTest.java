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

    /** ./epg, the test runner and the library's warning agree on the environment no running JVM can set itself. */
    @Test
    void theLauncherAndTheTestRunnerSetEveryRecommendedVariable() throws IOException {
        String launcher = Files.readString(Path.of("epg")), pom = Files.readString(Path.of("pom.xml"));
        Natives.RECOMMENDED_ENVIRONMENT.forEach((k, v) -> {
            assertTrue(launcher.contains("export " + k + "=${" + k + ":-" + v + "}")
                    || launcher.contains(k + "=${" + k + ":-" + v + "}"), "./epg sets " + k + "=" + v);
            assertTrue(pom.contains("<" + k + ">" + v + "</" + k + ">"), "pom.xml's Surefire sets " + k + "=" + v);
        });
        assertTrue(Natives.RECOMMENDED_ENVIRONMENT.containsKey("OPENBLAS_THREAD_TIMEOUT"));
        assertEquals(java.util.Map.of(), Natives.missingEnvironment(), "the test JVM runs with all of them");
    }

    /**
     * libtorch's sgemm_ binds to the bundled library {@link Blas} picked. OpenBLAS: the presets map the same 0.3.31
     * binary twice, as libopenblas_nolapack.so.0 and libopenblas.so.0, both with soname libopenblas.so.0
     * (LD_DEBUG=bindings shows libtorch_cpu.so and openblas_set_num_threads resolved in the first). MKL: its redist jar
     * carries mkl_rt under both names, so libtorch_cpu.so's libopenblas.so.0 is MKL and no OpenBLAS is mapped at all.
     * Either way no system BLAS is mapped.
     */
    @Test
    void everyBlasInThisProcessComesFromTheNativeCache() throws IOException {
        Natives.load();
        String home = Blas.active() == Blas.MKL ? "/org/bytedeco/mkl/" : "/org/bytedeco/openblas/";
        try (var maps = Files.lines(Path.of("/proc/self/maps"))) {
            var blas = maps.map(l -> l.substring(Math.max(0, l.indexOf('/'))))
                    .filter(p -> p.contains("libopenblas") || p.contains("libmkl")).distinct().toList();
            assertTrue(blas.stream().anyMatch(p -> p.endsWith("/libopenblas_nolapack.so.0")), blas.toString());
            // EPG_BLAS=system adds the machine's own library (BlasTest checks that libtorch binds to it)
            String system = Blas.active() == Blas.SYSTEM ? Path.of(Blas.systemLibrary()).toRealPath().toString() : "-";
            assertTrue(blas.stream().allMatch(p -> p.contains(home) || p.equals(system)), Blas.active() + ": " + blas);
        }
    }
}
