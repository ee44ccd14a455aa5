// Spec §8 data sources (tests): apt's mirror URIs from sources.list(5) files, one-line and deb822 formats.
package epg.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AptSourcesTest {
    @TempDir Path tmp;

    @Test
    void oneLineEntriesGiveTheirUriAfterTheOptions() throws IOException {
        Path list = Files.writeString(tmp.resolve("sources.list"), String.join("\n",
                "# a comment: deb http://commented.example/debian bookworm main",
                "deb http://one.example/debian bookworm main contrib",
                "deb-src http://source.example/debian bookworm main",
                "deb [arch=amd64 signed-by=/k.gpg] https://two.example/debian/ bookworm main # trailing",
                "deb cdrom:[Debian 12]/ bookworm main",
                "deb http://one.example/debian bookworm-updates main",
                "   deb\thttp://three.example/d  stable main", ""));
        assertEquals(List.of(URI.create("http://one.example/debian/"), URI.create("https://two.example/debian/"),
                URI.create("http://three.example/d/")), AptSources.mirrors(List.of(list)));
    }

    @Test
    void deb822StanzasGiveTheirUrisUnlessDisabledOrSourceOnly() throws IOException {
        Path sources = Files.writeString(tmp.resolve("debian.sources"), String.join("\n",
                "Types: deb",
                "# URIs: http://commented.example/debian",
                "URIs: http://a.example/debian http://b.example/debian",
                "Suites: bookworm bookworm-updates",
                "Components: main",
                "Signed-By:",
                " -----BEGIN PGP PUBLIC KEY BLOCK-----",
                " URIs: http://inside-a-key.example/",
                " .",
                " -----END PGP PUBLIC KEY BLOCK-----",
                "",
                "Types: deb-src",
                "URIs: http://source.example/debian",
                "Suites: bookworm",
                "",
                "Enabled: no",
                "Types: deb deb-src",
                "URIs: http://disabled.example/debian",
                "",
                "types: deb-src deb",
                "uris: https://c.example/debian-security",
                "suites: bookworm-security", ""));
        assertEquals(List.of(URI.create("http://a.example/debian/"), URI.create("http://b.example/debian/"),
                URI.create("https://c.example/debian-security/")), AptSources.mirrors(List.of(sources)));
    }

    @Test
    void filesKeepTheirOrderAndMissingOnesAreSkipped() throws IOException {
        Path a = Files.writeString(tmp.resolve("a.list"), "deb http://x.example/debian bookworm main\n");
        Path b = Files.writeString(tmp.resolve("b.sources"), "Types: deb\nURIs: http://y.example/debian\nSuites: s\n");
        assertEquals(List.of(URI.create("http://y.example/debian/"), URI.create("http://x.example/debian/")),
                AptSources.mirrors(List.of(tmp.resolve("absent.list"), b, a)));
    }
}
