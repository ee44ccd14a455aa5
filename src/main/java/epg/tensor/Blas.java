// docs/benchmarks.md "Which BLAS": the library behind libtorch's CPU matmuls (sgemm_), chosen once, before it loads.
package epg.tensor;

import java.util.Locale;

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
    MKL;

    /** Environment variable that picks the library: auto (the default: OpenBLAS), openblas or mkl. */
    public static final String ENV = "EPG_BLAS";
    /** The presets' own switch: the library they load in place of OpenBLAS (mkl_rt for MKL). */
    public static final String LOAD_PROPERTY = "org.bytedeco.openblas.load";
    /** JavaCPP's native cache folder (default ~/.javacpp/cache). */
    static final String CACHE_PROPERTY = "org.bytedeco.javacpp.cachedir";
    /** A resource only MKL's redist jar has: whether MKL can be loaded from the class path. */
    static final String MKL_RESOURCE = "/org/bytedeco/mkl/linux-x86_64/libmkl_rt.so.2";

    private static volatile Blas chosen;
    private static volatile String baseCache;

    /**
     * The library for {@code setting} (the value of {@value #ENV}; null or blank: auto): auto and openblas take
     * OpenBLAS, mkl takes MKL where its natives are on the class path.
     */
    public static Blas choose(String setting, boolean mklAvailable) {
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
            default -> throw new IllegalArgumentException(ENV + " must be auto, openblas or mkl, got '" + setting
                    + "'; unset it for auto");
        };
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
        Blas b = given ? (load.toLowerCase(Locale.ROOT).startsWith("mkl") ? MKL : OPENBLAS)
                : choose(System.getenv(ENV), mklAvailable());
        if (b == MKL && !given) System.setProperty(LOAD_PROPERTY, "mkl_rt");
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

    /** "OpenBLAS" or "MKL", for reports. */
    public String label() { return this == MKL ? "MKL" : "OpenBLAS"; }
}
