// Loading libtorch's natives once, on the first caller's thread, before any worker starts (docs/libtorch-from-java.md).
package epg.tensor;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one entry to the native libraries: {@link Torch#init()}, the CLI and the data loader call {@link #load()} before
 * anything else touches a native class.
 *
 * <p>Why: JavaCPP extracts each library into its cache only when it loads it, and it loads the stub libtorch.so
 * before libtorch_cpu.so. With an empty cache the stub's NEEDED libtorch_cpu.so is not yet beside it ($ORIGIN), so
 * the dynamic linker takes any other one on the library path (Debian's libtorch-dev 1.13 in /usr/lib): two libtorch
 * versions in one process, and a SIGSEGV in pthread_mutex_lock while loading. The second run worked because the
 * first had filled the cache. Here every native folder is extracted (under JavaCPP's cache lock) before the first
 * library is loaded, the libraries are loaded on the calling thread, and the autograd engine's one-time set-up runs
 * in a first backward, so that no worker thread is ever the first to reach any of it.
 */
public final class Natives {
    /** The packages whose jars hold natives (cuda: only with -Pgpu), in the order JavaCPP loads them. */
    private static final List<String> PACKAGES = List.of("org/bytedeco/javacpp", "org/bytedeco/openblas",
            "org/bytedeco/cuda", "org/bytedeco/pytorch");

    /**
     * The environment ./epg and the test runner start the JVM with, which no process can give itself once running
     * (glibc reads MALLOC_* at its first allocation, libgomp OMP_WAIT_POLICY when libtorch loads it, OpenBLAS
     * OPENBLAS_THREAD_TIMEOUT in its load-time constructor, and the presets bind no OpenBLAS call that changes it
     * later): freed native memory stays in the process, and idle OpenMP and OpenBLAS threads sleep instead of
     * spinning. On 2 cores the first two took a training step from 2.1 s to 0.3 s (bench/results.jsonl); the timeout
     * took an EPG-T step from 521 to 465 ms on an AVX2 EPYC. Library users set them before starting Java
     * (docs/library.md).
     */
    public static final Map<String, String> RECOMMENDED_ENVIRONMENT = Map.of("OMP_WAIT_POLICY", "PASSIVE",
            "MALLOC_MMAP_THRESHOLD_", "33554432", "MALLOC_TRIM_THRESHOLD_", "1073741824",
            "OPENBLAS_THREAD_TIMEOUT", "4");
    /**
     * JavaCPP settings ./epg passes with -D and {@link #load} sets in-process when unset (before JavaCPP reads them):
     * native memory is owned by scopes, so JavaCPP need not poll /proc on every allocation.
     */
    public static final Map<String, String> JAVACPP_PROPERTIES = Map.of("org.bytedeco.javacpp.maxBytes", "0",
            "org.bytedeco.javacpp.maxPhysicalBytes", "0");

    private static volatile boolean loaded;

    private Natives() {}

    /**
     * Extracts and loads the natives; idempotent, and cheap after the first call. Every network constructor and
     * every {@link Torch} call reaches it, so a library user needs no set-up of their own; calling it first thing
     * on the main thread is what ./epg does.
     */
    public static void load() {
        if (!loaded) loadOnce();
    }

    /** The {@link #RECOMMENDED_ENVIRONMENT} variables this process was started without (none under ./epg). */
    public static Map<String, String> missingEnvironment() {
        Map<String, String> missing = new TreeMap<>();
        RECOMMENDED_ENVIRONMENT.forEach((k, v) -> { if (System.getenv(k) == null) missing.put(k, v); });
        return missing;
    }

    private static synchronized void loadOnce() {
        if (loaded) return;
        JAVACPP_PROPERTIES.forEach((k, v) -> { if (System.getProperty(k) == null) System.setProperty(k, v); });
        Map<String, String> missing = missingEnvironment();
        if (!missing.isEmpty())
            System.getLogger("epg").log(System.Logger.Level.WARNING, "epg: start the JVM with " + missing
                    + " in its environment, as ./epg does, or training and sampling can be several times slower "
                    + "(docs/library.md)");
        Blas b = Blas.select(); // before the presets load: MKL in OpenBLAS's place is their load-time switch
        PACKAGES.forEach(Natives::unpack);
        if (b == Blas.MKL) loadIomp5Globally();
        if (b == Blas.SYSTEM) Loader.loadGlobal(Blas.systemLibrary()); // first in the global scope: sgemm_ binds to it
        Loader.load(openblas.class);
        Loader.load(torch.class);
        foreignLibtorch().ifPresent(path -> {
            throw new IllegalStateException("a second libtorch was loaded from " + path + " beside the bundled one: "
                    + "clear the native cache (-Dorg.bytedeco.javacpp.cachedir, default ~/.javacpp/cache) and rerun");
        });
        firstBackward();
        loaded = true;
    }

    /**
     * MKL's BLAS runs on GNU OpenMP (mkl_rt picks gnu_thread in this process), but its LAPACK reaches Intel's
     * threading layer, which the presets preload and which needs libiomp5's __kmpc_* symbols: without them the first
     * eigh (FD, the patch PCA) ended the JVM ("symbol lookup error: libmkl_intel_thread.so.2: undefined symbol:
     * __kmpc_global_thread_num"). Loaded globally first, libiomp5 provides them; MKL_VERBOSE still reports gnu_thread
     * for the GEMMs.
     */
    private static void loadIomp5Globally() {
        File mkl = cached("/org/bytedeco/mkl/" + Loader.getPlatform() + "/");
        Loader.loadGlobal(new File(mkl, "libiomp5.so").getPath());
    }

    /** Extracts the natives folder of {@code pkg} (every file, before any is loaded) into JavaCPP's cache. */
    private static void unpack(String pkg) {
        for (String extension : List.of("-gpu", "-redist", "")) {
            String dir = "/" + pkg + "/" + Loader.getPlatform() + extension + "/";
            if (Natives.class.getResource(dir) != null) cached(dir);
        }
    }

    /** The resource folder {@code dir}, every file extracted into JavaCPP's cache. */
    private static File cached(String dir) {
        try {
            return Loader.cacheResource(Natives.class, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the native libraries in " + dir + " into JavaCPP's cache ("
                    + e.getMessage() + "): free some space or set -Dorg.bytedeco.javacpp.cachedir", e);
        }
    }

    /** A libtorch or libc10 mapped into this process from outside JavaCPP's cache, if any (Linux; else empty). */
    static Optional<String> foreignLibtorch() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) return Optional.empty();
        try (var lines = Files.lines(maps)) {
            String cache = cacheDir();
            return lines.map(l -> l.substring(l.indexOf('/') < 0 ? l.length() : l.indexOf('/')))
                    .filter(p -> p.matches(".*/lib(torch|torch_cpu|c10)\\.so.*") && !p.startsWith(cache))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String cacheDir() {
        try {
            return Loader.getCacheDir().getCanonicalPath() + File.separator;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve JavaCPP's native cache folder", e);
        }
    }

    /** Runs the autograd engine once (its device and thread set-up happens on the first backward). */
    private static void firstBackward() {
        try (Scope s = Scope.open()) {
            Tensor x = torch.ones(1).set_requires_grad(true); // [1]
            x.mul(x).sum().backward();
        }
    }
}
