// Loading libtorch's natives once, on the first caller's thread, before any worker starts (libtorch-from-java.md, 1).
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
import java.util.Optional;

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

    private static volatile boolean loaded;

    private Natives() {}

    /** Extracts and loads the natives; idempotent, and cheap after the first call. */
    public static void load() {
        if (!loaded) loadOnce();
    }

    private static synchronized void loadOnce() {
        if (loaded) return;
        PACKAGES.forEach(Natives::unpack);
        Loader.load(openblas.class);
        Loader.load(torch.class);
        foreignLibtorch().ifPresent(path -> {
            throw new IllegalStateException("a second libtorch was loaded from " + path + " beside the bundled one: "
                    + "clear the native cache (-Dorg.bytedeco.javacpp.cachedir, default ~/.javacpp/cache) and rerun");
        });
        firstBackward();
        loaded = true;
    }

    /** Extracts the natives folder of {@code pkg} (every file, before any is loaded) into JavaCPP's cache. */
    private static void unpack(String pkg) {
        for (String extension : List.of("-gpu", "-redist", "")) {
            String dir = "/" + pkg + "/" + Loader.getPlatform() + extension + "/";
            if (Natives.class.getResource(dir) == null) continue;
            try {
                Loader.cacheResource(Natives.class, dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot unpack the native libraries in " + dir
                        + " into JavaCPP's cache ("
                        + e.getMessage() + "): free some space or set -Dorg.bytedeco.javacpp.cachedir", e);
            }
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
