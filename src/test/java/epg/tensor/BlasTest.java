// docs/benchmarks.md "Which BLAS": the rule that picks libtorch's BLAS, and that the one picked is the one its matmuls call.
package epg.tensor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlasTest {
    @Test
    void autoIsOpenBlasAndMklOnlyWhenAskedForAndPresent() {
        assertEquals(Blas.OPENBLAS, Blas.choose(null, true));
        assertEquals(Blas.OPENBLAS, Blas.choose(" Auto ", true));
        assertEquals(Blas.OPENBLAS, Blas.choose("openblas", true));
        assertEquals(Blas.MKL, Blas.choose("MKL", true));
    }

    @Test
    void aBadSettingOrAMissingMklSaysWhatToDo() {
        var bad = assertThrows(IllegalArgumentException.class, () -> Blas.choose("atlas", true));
        assertTrue(bad.getMessage().contains("EPG_BLAS must be auto, openblas or mkl, got 'atlas'"), bad.getMessage());
        var missing = assertThrows(IllegalStateException.class, () -> Blas.choose("mkl", false));
        assertTrue(missing.getMessage().contains("-Pmkl") && missing.getMessage().contains("unset EPG_BLAS"),
                missing.getMessage());
    }

    /**
     * A child JVM per library multiplies integer-valued matrices (every product and sum exact in float32) through
     * libtorch's mm, addmm and bmm, and reports the libraries mapped into it. Both give the exact products, and
     * MKL_VERBOSE shows the GEMMs reached MKL only where it was picked. Without MKL's jar (the default build) the mkl
     * child must stop with the message that says how to get it.
     */
    @Test
    void eachLibraryIsTheOneLibtorchsMatmulsCallAndBothAreExact() throws Exception {
        String openblas = child("openblas", 0);
        assertTrue(openblas.contains("exact true"), openblas);
        assertTrue(openblas.contains("blas OpenBLAS"), openblas);
        assertTrue(openblas.contains("eigh true"), openblas);
        assertFalse(openblas.contains("MKL_VERBOSE SGEMM"), openblas);
        assertFalse(openblas.contains("libmkl_rt"), openblas);
        if (!Blas.mklAvailable()) {
            String refused = child("mkl", 1);
            assertTrue(refused.contains("EPG_BLAS=mkl, but MKL's natives are not on the class path"), refused);
            return;
        }
        String mkl = child("mkl", 0);
        assertTrue(mkl.contains("exact true"), mkl);
        assertTrue(mkl.contains("blas MKL"), mkl);
        assertTrue(mkl.contains("MKL_VERBOSE SGEMM"), "libtorch's sgemm_ reached MKL:\n" + mkl);
        assertTrue(mkl.contains("/org/bytedeco/mkl/") && mkl.contains("libmkl_rt"), mkl);
        assertTrue(mkl.contains(Blas.cacheDir(Blas.MKL, Blas.baseCacheDir()) + "/"), "MKL's own cache folder:\n" + mkl);
        assertFalse(openblas.contains(Blas.cacheDir(Blas.MKL, Blas.baseCacheDir()) + "/"), openblas);
        assertTrue(mkl.contains("eigh true"), "MKL's LAPACK (eigh, as FD and the PCA use it):\n" + mkl);
    }

    private static String child(String blas, int exit) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xss8m",
                "-cp", System.getProperty("java.class.path")));
        cmd.add("-D" + Blas.CACHE_PROPERTY + "=" + Blas.baseCacheDir()); // as started, before MKL's move
        for (String p : List.of("org.bytedeco.javacpp.maxBytes", "org.bytedeco.javacpp.maxPhysicalBytes"))
            if (System.getProperty(p) != null) cmd.add("-D" + p + "=" + System.getProperty(p));
        cmd.add(BlasProbe.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(Blas.ENV, blas);
        pb.environment().put("MKL_VERBOSE", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the " + blas + " child did not finish");
        assertEquals(exit, p.exitValue(), out);
        return out;
    }
}
