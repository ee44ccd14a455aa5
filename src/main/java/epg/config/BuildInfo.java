// docs/library.md ("versions"): the project version and git commit this build was made from.
package epg.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Read from the build-time resource {@code epg/build.properties}; "unknown" where the build could not say (no git,
 * or classes compiled outside Maven). A commit ending in "-dirty" was built from a tree with uncommitted changes.
 *
 * @param version the Maven project version, e.g. 0.1.0
 * @param commit  {@code git describe --always --dirty} at build time
 */
public record BuildInfo(String version, String commit) {
    private static final BuildInfo CURRENT = load();

    /** This build's version and commit. */
    public static BuildInfo current() { return CURRENT; }

    private static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/epg/build.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            // unknown below
        }
        return new BuildInfo(known(p.getProperty("version")), known(p.getProperty("commit")));
    }

    /** A filtered value, or "unknown" for a missing or unfiltered one ("${...}"). */
    private static String known(String v) {
        return v == null || v.isBlank() || v.contains("${") ? "unknown" : v.trim();
    }

    @Override
    public String toString() { return version + " (" + commit + ")"; }
}
