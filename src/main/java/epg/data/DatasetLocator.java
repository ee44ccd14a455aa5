// Spec §8 data sources: where a named dataset is on this machine, and fetching it (verified) when it is nowhere.
package epg.data;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds a dataset's folder, in this order: the explicit folder (EPG_DATA: the files themselves or DIR/NAME), the
 * Debian package's folder, the user cache (CACHE/NAME). When it is in none and fetching is allowed, it says so in one
 * line and fills the cache: the Debian package from each mirror of the apt sources, else the authors' files. Every
 * fetched file is checked against its pinned SHA-256 in a staging folder that becomes CACHE/NAME by one rename, so a
 * cache entry is always complete and verified.
 */
public final class DatasetLocator {
    /** System properties that stand for EPG_DATA and EPG_OFFLINE (tests, `epg --offline`). */
    public static final String DATA_PROPERTY = "epg.data", OFFLINE_PROPERTY = "epg.offline";

    /**
     * Where to look and how to fetch (every part injectable for tests).
     *
     * @param explicit   EPG_DATA: a folder holding the dataset's files, or a folder of datasets by name; or null
     * @param systemRoot what a Debian package's data folder is relative to ("/")
     * @param cache      the cache of fetched datasets: NAME lives in cache/NAME
     * @param offline    never fetch: a dataset found nowhere is an error saying how to provide it
     * @param aptSources apt configuration files whose mirrors serve the Debian package
     * @param timeout    bound on connecting, on the wait for a response and on any pause in a download
     * @param log        the one-line notices and download progress (standard error)
     */
    public record Settings(Path explicit, Path systemRoot, Path cache, boolean offline, List<Path> aptSources,
                           Duration timeout, PrintStream log) {
        public Settings {
            if (systemRoot == null || cache == null || aptSources == null || timeout == null || log == null)
                throw new IllegalArgumentException("dataset locator: only the explicit folder may be absent");
            if (timeout.isNegative() || timeout.isZero())
                throw new IllegalArgumentException("dataset locator: timeout must be > 0");
            aptSources = List.copyOf(aptSources);
        }

        /**
         * This process's settings: EPG_DATA (or -Depg.data), EPG_OFFLINE=1 (or -Depg.offline=true, or `epg --offline`),
         * the cache $XDG_CACHE_HOME/epg/datasets (else ~/.cache/epg/datasets), apt's configuration, 30 s timeouts.
         */
        public static Settings fromEnvironment() {
            String explicit = setting(DATA_PROPERTY, "EPG_DATA"), offline = setting(OFFLINE_PROPERTY, "EPG_OFFLINE");
            String xdg = System.getenv("XDG_CACHE_HOME");
            Path cacheHome = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                    : Path.of(System.getProperty("user.home"), ".cache");
            return new Settings(explicit == null || explicit.isBlank() ? null : Path.of(explicit), Path.of("/"),
                    cacheHome.resolve("epg").resolve("datasets"), isTrue(offline), AptSources.systemFiles(),
                    Duration.ofSeconds(30), System.err);
        }

        /** These settings with fetching forbidden ({@code true}) or allowed. */
        public Settings withOffline(boolean off) {
            return new Settings(explicit, systemRoot, cache, off, aptSources, timeout, log);
        }

        private static String setting(String property, String variable) {
            String p = System.getProperty(property);
            return p != null ? p : System.getenv(variable);
        }

        private static boolean isTrue(String s) {
            return s != null && List.of("1", "true", "yes", "on").contains(s.trim().toLowerCase(Locale.ROOT));
        }
    }

    private final Settings settings;

    public DatasetLocator(Settings settings) { this.settings = settings; }

    public static DatasetLocator fromEnvironment() { return new DatasetLocator(Settings.fromEnvironment()); }

    /** The folder holding {@code spec}'s files; fetched into the cache when it is nowhere (unless offline). */
    public Path locate(DatasetSpec spec) {
        List<String> tried = new ArrayList<>();
        for (Path dir : places(spec)) {
            if (spec.isIn(dir)) return dir;
            tried.add(dir.toString());
        }
        if (settings.offline())
            throw new DataException(settings.cache().resolve(spec.name()), spec.name() + " is not on this machine and "
                    + "fetching is off (--offline, EPG_OFFLINE); looked in " + String.join(", ", tried) + ". "
                    + howToProvide(spec)
                    + ", or run once without --offline to fill the cache");
        return fetch(spec, tried);
    }

    /** Where {@code spec} may already be, in order. */
    List<Path> places(DatasetSpec spec) {
        List<Path> dirs = new ArrayList<>();
        Path explicit = settings.explicit();
        if (explicit != null) dirs.addAll(List.of(explicit.resolve(spec.name()), explicit));
        if (spec.debian() != null) dirs.add(settings.systemRoot().resolve(spec.debian().dataDir()));
        dirs.add(settings.cache().resolve(spec.name()));
        return dirs;
    }

    private Path fetch(DatasetSpec spec, List<String> tried) {
        Path target = settings.cache().resolve(spec.name());
        List<String> failures = new ArrayList<>();
        if (spec.debian() != null && !settings.aptSources().isEmpty()) { // no apt configuration: not a Debian system
            List<URI> mirrors = AptSources.mirrors(settings.aptSources());
            if (mirrors.isEmpty())
                failures.add("the Debian package " + spec.debian().name() + ": no http(s) mirror in "
                        + settings.aptSources());
            for (URI mirror : mirrors) {
                URI deb = mirror.resolve(spec.debian().poolPath());
                notice(spec, target, failures, "the Debian package " + spec.debian().name() + " from " + deb);
                try {
                    return install(spec, target, staging -> fromDebian(spec.debian(), deb, staging));
                } catch (IOException e) {
                    failures.add(deb + ": " + e.getMessage());
                }
            }
        }
        if (spec.upstream() != null) {
            notice(spec, target, failures, "the authors' files from " + spec.upstream().base());
            try {
                return install(spec, target, staging -> fromUpstream(spec.upstream(), staging));
            } catch (IOException e) {
                failures.add(spec.upstream().base() + ": " + e.getMessage());
            }
        }
        throw new DataException(target, "could not obtain " + spec.name() + "; not in " + String.join(", ", tried)
                + "; fetching failed: " + String.join("; ", failures) + ". " + howToProvide(spec));
    }

    /** One line on standard error: what is fetched, where to, and why (the dataset is missing or a source failed). */
    private void notice(DatasetSpec spec, Path target, List<String> failures, String source) {
        String why = failures.isEmpty() ? " is not on this machine;" : ": " + failures.get(failures.size() - 1) + ";";
        settings.log().println(spec.name() + why + " fetching " + source + " into " + target);
    }

    private interface Filler { void fill(Path staging) throws IOException; }

    /** Fills a staging folder beside {@code target} and renames it to {@code target}; no staging folder stays. */
    private Path install(DatasetSpec spec, Path target, Filler filler) throws IOException {
        Files.createDirectories(settings.cache());
        Path staging = Files.createTempDirectory(settings.cache(), "." + spec.name() + ".");
        try {
            filler.fill(staging);
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                if (!spec.isIn(target)) throw new IOException(target + " exists without all files: remove it", e);
            }
            return target;
        } finally {
            deleteTree(staging);
        }
    }

    private void fromDebian(DebianPackage pkg, URI uri, Path staging) throws IOException {
        Path deb = staging.resolve(pkg.deb().name());
        new HttpDownload(settings.timeout(), settings.log()).fetch(uri, pkg.deb(), deb);
        Set<String> names = new TreeSet<>(pkg.files().stream().map(PinnedFile::name).toList());
        DebArchive.extract(deb, pkg.dataDir(), names, staging);
        Files.delete(deb);
        for (PinnedFile f : pkg.files()) {
            String bad = f.mismatch(staging.resolve(f.name()));
            if (bad != null) throw new IOException("inside " + pkg.deb().name() + ": " + bad);
        }
    }

    private void fromUpstream(UpstreamFiles upstream, Path staging) throws IOException {
        HttpDownload http = new HttpDownload(settings.timeout(), settings.log());
        for (PinnedFile f : upstream.files()) {
            try {
                http.fetch(upstream.uri(f), f, staging.resolve(f.name()));
            } catch (IOException e) {
                throw new IOException(f.name() + ": " + e.getMessage(), e);
            }
        }
    }

    /** What a user can do when the dataset cannot be found or fetched. */
    private static String howToProvide(DatasetSpec spec) {
        StringBuilder s = new StringBuilder("Put " + String.join(", ", spec.files())
                + " in a folder and pass it as --data DIR or EPG_DATA=DIR");
        if (spec.upstream() != null) s.append(" (they are at ").append(spec.upstream().base()).append(")");
        if (spec.debian() != null) s.append(", or install the Debian package ").append(spec.debian().name());
        return s.toString();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover staging folder (".NAME.*") is never taken for a cache entry
        }
    }
}
