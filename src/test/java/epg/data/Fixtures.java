// Spec §8 and §3.1 (tests): access to the PIL-made fixtures of scripts/fixtures/make_data_fixtures.py.
package epg.data;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

final class Fixtures {
    private Fixtures() {}

    static Path dir() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/data/manifest.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path file(String name) { return dir().resolve(name); }

    static JsonObject manifest() {
        try {
            return JsonParser.parseString(Files.readString(file("manifest.json"))).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Largest absolute sample difference; fails on a size mismatch. */
    static int maxDiff(ByteImage expected, ByteImage actual) {
        assertEquals(expected.width() + "x" + expected.height() + "x" + expected.channels(),
                actual.width() + "x" + actual.height() + "x" + actual.channels(), "image shape");
        int max = 0;
        for (int i = 0; i < expected.pixels().length; i++)
            max = Math.max(max, Math.abs((expected.pixels()[i] & 0xFF) - (actual.pixels()[i] & 0xFF)));
        return max;
    }
}
