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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BlasTest {
    static final CpuFeatures AVX2 = CpuFeatures.of("AMD EPYC", "avx2 fma"),
            AVX512 = CpuFeatures.of("AMD EPYC", "avx2 fma avx512f avx512_bf16");

    @Test
    void autoTakesMklOnlyWhereItIsPresentAndTheCpuHasNoAvx512() {
        assertEquals(Blas.MKL, Blas.choose(null, AVX2, true));
        assertEquals(Blas.MKL, Blas.choose(" Auto ", AVX2, true));
        assertEquals(Blas.OPENBLAS, Blas.choose("", AVX512, true));
        assertEquals(Blas.OPENBLAS, Blas.choose("auto", AVX2, false));
        assertEquals(Blas.OPENBLAS, Blas.choose("openblas", AVX2, true));
        assertEquals(Blas.MKL, Blas.choose("MKL", AVX512, true));
    }

    @Test
    void aBadSettingOrAMissingMklSaysWhatToDo() {
        var bad = assertThrows(IllegalArgumentException.class, () -> Blas.choose("atlas", AVX2, true));
        assertTrue(bad.getMessage().contains("EPG_BLAS must be auto, openblas or mkl, got 'atlas'"), bad.getMessage());
        var missing = assertThrows(IllegalStateException.class, () -> Blas.choose("mkl", AVX2, false));
        assertTrue(missing.getMessage().contains("unset EPG_BLAS"), missing.getMessage());
    }

    /**
     * A child JVM per library multiplies integer-valued matrices (every product and sum exact in float32) through
     * libtorch's mm, addmm and bmm, and reports the libraries mapped into it. Both give the exact products, and
     * MKL_VERBOSE shows the GEMMs reached MKL only where it was picked.
     */
    @Test
    void eachLibraryIsTheOneLibtorchsMatmulsCallAndBothAreExact() throws Exception {
        String openblas = child("openblas");
        assertTrue(openblas.contains("exact true"), openblas);
        assertTrue(openblas.contains("blas OpenBLAS"), openblas);
        assertFalse(openblas.contains("MKL_VERBOSE SGEMM"), openblas);
        assertFalse(openblas.contains("libmkl_rt"), openblas);
        assumeTrue(Blas.mklAvailable(), "MKL's natives are on the class path on Linux x86-64 only");
        String mkl = child("mkl");
        assertTrue(mkl.contains("exact true"), mkl);
        assertTrue(mkl.contains("blas MKL"), mkl);
        assertTrue(mkl.contains("MKL_VERBOSE SGEMM"), "libtorch's sgemm_ reached MKL:\n" + mkl);
        assertTrue(mkl.contains("/org/bytedeco/mkl/") && mkl.contains("libmkl_rt"), mkl);
        assertTrue(mkl.contains(Blas.cacheDir(Blas.MKL, Blas.baseCacheDir()) + "/"), "MKL's own cache folder:\n" + mkl);
        assertFalse(openblas.contains(Blas.cacheDir(Blas.MKL, Blas.baseCacheDir()) + "/"), openblas);
    }

    /** An OpenBLAS and an MKL process never share a cache folder (the presets relink libopenblas.so.0 in it). */
    @Test
    void mklKeepsItsNativesInASiblingFolder() {
        assertEquals("/h/.javacpp/cache-mkl", Blas.cacheDir(Blas.MKL, "/h/.javacpp/cache/"));
        assertEquals("/h/.javacpp/cache-mkl", Blas.cacheDir(Blas.MKL, "/h/.javacpp/cache"));
        assertEquals("/h/.javacpp/cache/", Blas.cacheDir(Blas.OPENBLAS, "/h/.javacpp/cache/"));
    }

    private static String child(String blas) throws IOException, InterruptedException {
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
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
