// Spec §8 data sources: the package mirrors this system's apt is configured with (sources.list(5), both formats).
package epg.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The http(s) URIs of the binary ("deb") sources in apt's configuration, in apt's order: /etc/apt/sources.list, then
 * /etc/apt/sources.list.d/*.list and *.sources by name. One-line entries ({@code deb [opts] URI suite comp...}) and
 * deb822 stanzas ({@code Types:}, {@code URIs:}, {@code Enabled:}) are read; other schemes (cdrom, file, tor+http)
 * are left out.
 */
public final class AptSources {
    /** apt's default configuration files. */
    public static final Path LIST = Path.of("/etc/apt/sources.list"), LIST_DIR = Path.of("/etc/apt/sources.list.d");

    private AptSources() {}

    /** The configuration files of this system: sources.list (if present), then sources.list.d's files by name. */
    public static List<Path> systemFiles() {
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(LIST)) files.add(LIST);
        if (Files.isDirectory(LIST_DIR)) {
            try (Stream<Path> s = Files.list(LIST_DIR)) {
                s.filter(p -> p.toString().endsWith(".list") || p.toString().endsWith(".sources")).sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** The distinct mirror URIs (each ending in "/") of {@code files}; unreadable files are skipped. */
    public static List<URI> mirrors(List<Path> files) {
        Set<URI> uris = new LinkedHashSet<>();
        for (Path f : files) {
            try {
                List<String> lines = Files.readAllLines(f);
                (f.toString().endsWith(".sources") ? deb822(lines) : oneLine(lines)).stream()
                        .map(AptSources::httpUri).filter(java.util.Objects::nonNull).forEach(uris::add);
            } catch (IOException | UncheckedIOException e) {
                // not readable: apt would complain; we only lose a mirror
            }
        }
        return List.copyOf(uris);
    }

    /** URIs of "deb URI suite ..." lines, after an optional "[ options ]" block. */
    static List<String> oneLine(List<String> lines) {
        List<String> uris = new ArrayList<>();
        for (String raw : lines) {
            String line = raw.replaceFirst("#.*", "").trim();
            if (!line.startsWith("deb ") && !line.startsWith("deb\t")) continue;
            String rest = line.substring(4).trim();
            if (rest.startsWith("[")) rest = rest.substring(rest.indexOf(']') + 1).trim();
            String[] words = rest.split("\\s+");
            if (words.length >= 2 && !words[0].isEmpty()) uris.add(words[0]);
        }
        return uris;
    }

    /** URIs of deb822 stanzas whose Types include "deb" and that are not "Enabled: no". */
    static List<String> deb822(List<String> lines) {
        List<String> uris = new ArrayList<>();
        List<String> stanza = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                stanzaUris(stanza, uris);
                stanza.clear();
            } else if (!line.startsWith("#")) {
                if (Character.isWhitespace(line.charAt(0)) && !stanza.isEmpty()) continue; // a continuation line
                stanza.add(line);
            }
        }
        stanzaUris(stanza, uris);
        return uris;
    }

    private static void stanzaUris(List<String> stanza, List<String> uris) {
        String types = field(stanza, "types"), enabled = field(stanza, "enabled"), list = field(stanza, "uris");
        if (types == null || list == null || !List.of(types.split("\\s+")).contains("deb")) return;
        if (enabled != null && enabled.trim().equalsIgnoreCase("no")) return;
        uris.addAll(List.of(list.trim().split("\\s+")));
    }

    private static String field(List<String> stanza, String name) {
        for (String line : stanza) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name))
                return line.substring(colon + 1).trim();
        }
        return null;
    }

    private static URI httpUri(String text) {
        try {
            URI u = URI.create(text.endsWith("/") ? text : text + "/");
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null ? u : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
