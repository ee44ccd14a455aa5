// docs/benchmarks.md "Which BLAS": the library behind libtorch's CPU matmuls (sgemm_), chosen once, before it loads.
package epg.tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The BLAS that libtorch's CPU matmuls call. libtorch_cpu links the standard BLAS symbols only (sgemm_, cblas_sdot,
 * ...), so any library that exports them serves; JavaCPP's OpenBLAS presets load another one in place of OpenBLAS
 * when the system property {@value #LOAD_PROPERTY} names it, before they load.
 *
 * <p>{@link #MKL} (opt-in: {@value #ENV}=mkl with MKL's redist jar on the class path, Maven profile mkl) runs its GEMMs
 * on the OpenMP pool libtorch's own kernels use (GNU threading layer; libiomp5 serves both, see {@link Natives}): one
 * pool, where OpenBLAS brings a second one of its own that takes turns with it on the cores. On a 2-core AVX2-only EPYC
 * (Zen 3) it took an EPG-B/16 256 px step 7% lower and made the fused attention kernel the fastest at every length
 * (docs/benchmarks.md). It is opt-in until it has run the full demo on a fresh machine: its first default run there
 * ended the JVM in MKL's LAPACK, since fixed ({@link Natives}).
 */
public enum Blas {
    /** The OpenBLAS the presets bundle (pthreads, its own thread pool). */
    OPENBLAS,
    /** Intel oneMKL (org.bytedeco:mkl, linux-x86_64-redist), GNU OpenMP threading layer on libiomp5. */
    MKL,
    /**
     * The machine's own OpenBLAS (opt-in: {@value #ENV}=system), e.g. Debian's libopenblas0-openmp, loaded globally
     * before the presets so that libtorch's sgemm_ binds to it ({@link Natives}); the presets' copy stays loaded but
     * unused. Same version family, other builds: on a 2-core AVX2-only EPYC (Zen 3) Debian's 0.3.21 packs GEMM
     * operands in half the time of the presets' 0.3.31 (an EPG-T step 6% lower with its pthreads build), and its
     * OpenMP build runs the GEMMs on libtorch's own pool (docs/benchmarks.md).
     */
    SYSTEM;

    /** Environment variable that picks the library: auto (the default: OpenBLAS), openblas, mkl or system. */
    public static final String ENV = "EPG_BLAS";
    /** Environment variable naming the file {@link #SYSTEM} loads (default: the first of {@link #SYSTEM_PATHS}). */
    public static final String LIBRARY_ENV = "EPG_BLAS_LIBRARY";
    /**
     * Where distributions put their OpenBLAS builds threaded by OpenMP (Debian/Ubuntu libopenblas0-openmp, Fedora's
     * libopenblaso), whose GEMMs run on libtorch's own OpenMP pool: one libgomp serves both, so no second pool takes
     * turns with it on the cores. ./epg sets GOMP_SPINCOUNT for EPG_BLAS=system where one of these exists (its list
     * must stay this one; BlasTest compares them).
     */
    static final List<String> OPENMP_PATHS = List.of("/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/openblas-openmp/libopenblas.so.0", "/usr/lib64/libopenblaso.so.0");
    /**
     * Where distributions put their OpenBLAS, in the order searched: first the {@link #OPENMP_PATHS}, then the pthreads
     * builds (Debian/Ubuntu libopenblas0-pthread, Fedora, Arch, /usr/local).
     */
    static final List<String> SYSTEM_PATHS = Stream.concat(OPENMP_PATHS.stream(), Stream.of(
            "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
            "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0", "/usr/lib64/libopenblasp.so.0",
            "/usr/lib64/libopenblas.so.0", "/usr/lib/libopenblas.so.0", "/usr/local/lib/libopenblas.so.0")).toList();
    /** The presets' own switch: the library they load in place of OpenBLAS (mkl_rt for MKL). */
    public static final String LOAD_PROPERTY = "org.bytedeco.openblas.load";
    /** JavaCPP's native cache folder (default ~/.javacpp/cache). */
    static final String CACHE_PROPERTY = "org.bytedeco.javacpp.cachedir";
    /** A resource only MKL's redist jar has: whether MKL can be loaded from the class path. */
    static final String MKL_RESOURCE = "/org/bytedeco/mkl/linux-x86_64/libmkl_rt.so.2";

    private static volatile Blas chosen;
    private static volatile String baseCache, systemLibrary;
    private static volatile boolean systemOnOpenMp;

    /**
     * The library for {@code setting} (the value of {@value #ENV}; null or blank: auto): auto and openblas take
     * OpenBLAS, mkl takes MKL where its natives are on the class path, system the machine's OpenBLAS where
     * {@code systemLibrary} (the file found, or null) exists.
     */
    public static Blas choose(String setting, boolean mklAvailable, String systemLibrary) {
        String s = setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "auto", "openblas" -> OPENBLAS;
            case "mkl" -> {
                if (!mklAvailable)
                    throw new IllegalStateException(ENV + "=mkl, but MKL's natives are not on the class path (build "
                            + "with the Maven profile mkl on Linux x86-64: EPG_MAVEN_ARGS=-Pmkl ./epg ...); unset "
                            + ENV + " to use OpenBLAS");
                yield MKL;
            }
            case "system" -> {
                if (systemLibrary == null)
                    throw new IllegalStateException(ENV + "=system, but no OpenBLAS was found on this machine (looked "
                            + "for " + String.join(", ", SYSTEM_PATHS) + "): install one (Debian/Ubuntu: apt install "
                            + "libopenblas0-openmp), name its file in " + LIBRARY_ENV + ", or unset " + ENV);
                yield SYSTEM;
            }
            default -> throw new IllegalArgumentException(ENV + " must be auto, openblas, mkl or system, got '"
                    + setting + "'; unset it for auto");
        };
    }

    /**
     * The OpenBLAS file {@link #SYSTEM} would load: {@value #LIBRARY_ENV} when set (it must exist), else the first of
     * {@link #SYSTEM_PATHS} that exists; null if none.
     */
    public static String findSystemLibrary(String override) {
        if (override != null && !override.isBlank()) {
            if (!Files.isRegularFile(Path.of(override)))
                throw new IllegalStateException(LIBRARY_ENV + "=" + override + ": no such file; name the "
                        + "libopenblas.so.0 to load, or unset " + LIBRARY_ENV + " to search " + SYSTEM_PATHS);
            return override;
        }
        return SYSTEM_PATHS.stream().filter(p -> Files.isRegularFile(Path.of(p))).findFirst().orElse(null);
    }

    /** Whether MKL's natives are on the class path. */
    public static boolean mklAvailable() { return Blas.class.getResource(MKL_RESOURCE) != null; }

    /**
     * Decides the library for this process; {@link Natives} calls it before JavaCPP loads or unpacks anything. For MKL
     * it sets {@value #LOAD_PROPERTY} (unless the caller set it) and moves JavaCPP's cache to {@link #cacheDir}: the
     * presets link libopenblas.so.0 to whichever library the loading process chose, inside the cache, so an
     * OpenBLAS process and an MKL process on one cache folder rewrite files the other has mapped (SIGBUS). A
     * {@value #LOAD_PROPERTY} set by the caller wins: mkl_rt there means MKL, another library is reported as OpenBLAS.
     */
    static Blas select() {
        String load = System.getProperty(LOAD_PROPERTY);
        boolean given = load != null && !load.isBlank();
        String setting = System.getenv(ENV);
        String library = setting != null && setting.trim().equalsIgnoreCase("system")
                ? findSystemLibrary(System.getenv(LIBRARY_ENV)) : null; // searched only when asked for
        Blas b = given ? (load.toLowerCase(Locale.ROOT).startsWith("mkl") ? MKL : OPENBLAS)
                : choose(setting, mklAvailable(), library);
        if (b == MKL && !given) System.setProperty(LOAD_PROPERTY, "mkl_rt");
        systemLibrary = b == SYSTEM ? library : null;
        systemOnOpenMp = b == SYSTEM && threadsOnOpenMp(library);
        baseCache = System.getProperty(CACHE_PROPERTY, System.getProperty("user.home") + "/.javacpp/cache");
        System.setProperty(CACHE_PROPERTY, cacheDir(b, baseCache));
        chosen = b;
        return b;
    }

    /** The native cache of library {@code b} for the cache folder {@code base}: MKL's is the sibling "base-mkl". */
    public static String cacheDir(Blas b, String base) {
        String trimmed = base.replaceAll("[/\\\\]+$", "");
        return b == MKL ? trimmed + "-mkl" : base;
    }

    /** The cache folder this process was started with, before {@link #cacheDir} moved it (child processes get it). */
    public static String baseCacheDir() {
        Natives.load();
        return baseCache;
    }

    /** The library this process loaded (after {@link Natives#load()}). */
    public static Blas active() {
        Natives.load();
        return chosen;
    }

    /** The file {@link #SYSTEM} loaded globally (null for the other two). */
    public static String systemLibrary() { return systemLibrary; }

    /**
     * Whether this process's GEMMs run on libtorch's OpenMP pool: MKL (GNU threading layer), or a system OpenBLAS
     * built with OpenMP. Such a BLAS runs a GEMM called from inside an OpenMP worker on that worker alone, where
     * OpenBLAS's own pthreads pool starts its threads and they queue on its lock ({@code AttentionKernel}).
     */
    public static boolean gemmOnOpenMpPool() {
        Natives.load();
        return chosen == MKL || systemOnOpenMp;
    }

    /** Whether the OpenBLAS file {@code library} links an OpenMP runtime (GNU, LLVM or Intel); false if unreadable. */
    static boolean threadsOnOpenMp(String library) {
        try {
            return ElfNeeded.of(Path.of(library)).stream()
                    .anyMatch(n -> n.startsWith("libgomp.") || n.startsWith("libomp.") || n.startsWith("libiomp5."));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The warning about GOMP_SPINCOUNT for this process ({@link #spinWarning(String, boolean)}). */
    public static java.util.Optional<String> spinWarning() {
        return spinWarning(System.getenv("GOMP_SPINCOUNT"), gemmOnOpenMpPool());
    }

    /**
     * A warning when GOMP_SPINCOUNT (value {@code spin}) lets libtorch's OpenMP workers spin between ops while the
     * GEMMs run on OpenBLAS's own pthreads pool: the spinning workers take the cores from its threads (Debian's
     * PyTorch on its pthreads OpenBLAS: steps 1.8x slower with 300000). With the GEMMs on the OpenMP pool the
     * spinning is the lever (docs/benchmarks.md): the same workers run them.
     */
    static java.util.Optional<String> spinWarning(String spin, boolean gemmOnOpenMpPool) {
        if (spin == null || spin.isBlank() || spin.trim().equals("0") || gemmOnOpenMpPool)
            return java.util.Optional.empty();
        return java.util.Optional.of("GOMP_SPINCOUNT=" + spin.trim() + " lets libtorch's OpenMP workers spin between "
                + "ops, and they take the cores from OpenBLAS's own GEMM threads; unset it, or pair it with an OpenMP "
                + "build of OpenBLAS (EPG_BLAS=system with Debian's libopenblas0-openmp; docs/benchmarks.md)");
    }

    /** "OpenBLAS", "MKL" or "system OpenBLAS", for reports. */
    public String label() {
        return switch (this) {
            case OPENBLAS -> "OpenBLAS";
            case MKL -> "MKL";
            case SYSTEM -> "system OpenBLAS";
        };
    }
}
