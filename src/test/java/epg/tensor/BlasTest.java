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
        assertEquals(Blas.OPENBLAS, Blas.choose(null, true, "/lib/libopenblas.so.0"));
        assertEquals(Blas.OPENBLAS, Blas.choose(" Auto ", true, "/lib/libopenblas.so.0"));
        assertEquals(Blas.OPENBLAS, Blas.choose("openblas", true, null));
        assertEquals(Blas.MKL, Blas.choose("MKL", true, null));
        assertEquals(Blas.SYSTEM, Blas.choose("system", false, "/lib/libopenblas.so.0"));
    }

    @Test
    void aBadSettingOrAMissingMklSaysWhatToDo() {
        var bad = assertThrows(IllegalArgumentException.class, () -> Blas.choose("atlas", true, null));
        assertTrue(bad.getMessage().contains("EPG_BLAS must be auto, openblas, mkl or system, got 'atlas'"),
                bad.getMessage());
        var missing = assertThrows(IllegalStateException.class, () -> Blas.choose("mkl", false, null));
        assertTrue(missing.getMessage().contains("-Pmkl") && missing.getMessage().contains("unset EPG_BLAS"),
                missing.getMessage());
        var none = assertThrows(IllegalStateException.class, () -> Blas.choose("system", true, null));
        assertTrue(none.getMessage().contains("no OpenBLAS was found")
                && none.getMessage().contains("EPG_BLAS_LIBRARY"), none.getMessage());
        var noFile = assertThrows(IllegalStateException.class,
                () -> Blas.findSystemLibrary("/no/such/libopenblas.so.0"));
        assertTrue(noFile.getMessage().contains("EPG_BLAS_LIBRARY=/no/such/libopenblas.so.0: no such file"),
                noFile.getMessage());
    }

    @Test
    void spinningOpenMpWorkersAreAWarningOnlyBesideOpenBlassOwnPool() {
        String w = Blas.spinWarning(" 10000 ", false).orElseThrow();
        assertTrue(w.startsWith("GOMP_SPINCOUNT=10000 lets libtorch's OpenMP workers spin") && w.contains(
                "libopenblas0-openmp"), w);
        assertTrue(Blas.spinWarning("10000", true).isEmpty(), "GEMMs on the OpenMP pool: the spinning is the lever");
        for (String quiet : new String[]{null, "", " ", "0"})
            assertTrue(Blas.spinWarning(quiet, false).isEmpty(), "GOMP_SPINCOUNT '" + quiet + "'");
    }

    /** ./epg pairs EPG_BLAS=system with GOMP_SPINCOUNT exactly where Java will load an OpenMP build: same files. */
    @Test
    void theLaunchersOpenMpBuildsAreTheOnesJavaSearchesFirst() throws IOException {
        String script = java.nio.file.Files.readString(java.nio.file.Path.of("epg"));
        var loop = java.util.regex.Pattern.compile("for f in ([^;]*);").matcher(script.replace("\\\n", " "));
        assertTrue(loop.find(), "./epg has no 'for f in ...;' over the OpenMP builds");
        assertEquals(Blas.OPENMP_PATHS, List.of(loop.group(1).trim().split("\\s+")));
        assertEquals(Blas.OPENMP_PATHS, Blas.SYSTEM_PATHS.subList(0, Blas.OPENMP_PATHS.size()));
        assertTrue(script.contains("export GOMP_SPINCOUNT=10000"), "./epg sets the spin count it was measured with");
    }

    /**
     * EPG_BLAS=system (where this machine has an OpenBLAS of its own: CI installs Debian's with python3-torch): the
     * child's products are exact, and the dynamic linker's log shows libtorch_cpu's sgemm_ bound to the machine's
     * file, not to the presets' copy that is loaded beside it; for an OpenMP build, one libgomp serving both.
     */
    @Test
    void systemOpenBlasIsTheOneLibtorchsMatmulsCall(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String lib = Blas.findSystemLibrary(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(lib != null, "no OpenBLAS on this machine");
        String out = child("system", 0, java.util.Map.of("LD_DEBUG", "bindings", "LD_DEBUG_OUTPUT",
                dir.resolve("ld").toString()));
        assertTrue(out.contains("exact true") && out.contains("eigh true"), out);
        assertTrue(out.contains("blas system OpenBLAS"), out);
        String real = java.nio.file.Path.of(lib).toRealPath().toString();
        assertTrue(out.contains(real), "the machine's library is mapped:\n" + out);
        List<String> log = new ArrayList<>();
        try (var files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : files.toList()) log.addAll(java.nio.file.Files.readAllLines(f));
        }
        List<String> sgemm = bindings(log, "libtorch_cpu.so", "sgemm_");
        assertFalse(sgemm.isEmpty(), "no binding of libtorch_cpu's sgemm_ was logged");
        assertTrue(sgemm.stream().allMatch(l -> l.contains(lib) || l.contains(real)), String.join("\n", sgemm));
        // An OpenMP build (Debian's libopenblas0-openmp) must start its GEMMs on libtorch's own pool: both bind
        // GOMP_parallel to one libgomp, though the presets map a second copy of it.
        List<String> blasOmp = new ArrayList<>(bindings(log, lib, "GOMP_parallel"));
        if (!real.equals(lib)) blasOmp.addAll(bindings(log, real, "GOMP_parallel"));
        if (!blasOmp.isEmpty()) {
            List<String> torchOmp = bindings(log, "libtorch_cpu.so", "GOMP_parallel");
            assertFalse(torchOmp.isEmpty(), "no binding of libtorch_cpu's GOMP_parallel was logged");
            var runtimes = new java.util.TreeSet<String>();
            for (String l : blasOmp) runtimes.add(boundTo(l));
            for (String l : torchOmp) runtimes.add(boundTo(l));
            assertEquals(1, runtimes.size(), "one OpenMP runtime for libtorch and the BLAS: " + runtimes);
        }
    }

    /** The dynamic linker's lines that bind {@code symbol} for a library whose path contains {@code from}. */
    private static List<String> bindings(List<String> log, String from, String symbol) {
        return log.stream().filter(l -> l.contains("`" + symbol + "'") && l.contains("binding file ")
                && file(l, "binding file ").contains(from)).toList();
    }

    /** The file a binding line resolved to ("binding file A [0] to B [0]: normal symbol ..."). */
    private static String boundTo(String line) { return file(line, " to "); }

    /** The path after {@code marker} in a binding line, up to its " [". */
    private static String file(String line, String marker) {
        String rest = line.substring(line.indexOf(marker) + marker.length());
        return rest.substring(0, rest.indexOf(" ["));
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

    /** The CLI's answer to a bad setting is one line naming it, not a stack trace, and exit status 1. */
    @Test
    void theCliSaysABadSettingInOneLine() throws Exception {
        for (var env : List.of(java.util.Map.of(Blas.ENV, "atlas"), java.util.Map.of(Blas.ENV, "system",
                Blas.LIBRARY_ENV, "/no/such/libopenblas.so.0"))) {
            String out = child(env.get(Blas.ENV), 1, env, "epg.cli.Main").strip();
            assertEquals(1, out.lines().count(), out);
            assertTrue(out.startsWith("error: EPG_BLAS") && (out.contains("got 'atlas'")
                    || out.contains("/no/such/libopenblas.so.0: no such file")), out);
        }
    }

    private static String child(String blas, int exit) throws IOException, InterruptedException {
        return child(blas, exit, java.util.Map.of());
    }

    private static String child(String blas, int exit, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        return child(blas, exit, env, BlasProbe.class.getName());
    }

    private static String child(String blas, int exit, java.util.Map<String, String> env, String mainClass)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xss8m",
                "-cp", System.getProperty("java.class.path")));
        cmd.add("-D" + Blas.CACHE_PROPERTY + "=" + Blas.baseCacheDir()); // as started, before MKL's move
        for (String p : List.of("org.bytedeco.javacpp.maxBytes", "org.bytedeco.javacpp.maxPhysicalBytes"))
            if (System.getProperty(p) != null) cmd.add("-D" + p + "=" + System.getProperty(p));
        cmd.add(mainClass);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(Blas.ENV, blas);
        pb.environment().put("MKL_VERBOSE", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the " + blas + " child did not finish");
        assertEquals(exit, p.exitValue(), out);
        return out;
    }
}
