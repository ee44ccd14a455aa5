// docs/library.md: every public type of the library's packages says what it is in a Javadoc comment.
package epg;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiDocsTest {
    /** The packages a library user reaches (the command line, benchmarks and reports are not among them). */
    static final List<String> API = List.of("api", "nn", "sample", "metrics", "tensor", "config", "diffusion", "data",
            "train", "loss", "dist");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^\\s*public (static )?((final|abstract|sealed|non-sealed) )*(class|interface|record|enum) (\\w+)");

    @Test
    void everyPublicTypeOfTheApiPackagesHasAJavadocComment() throws IOException {
        List<String> undocumented = new ArrayList<>();
        int types = 0;
        for (String pkg : API) {
            try (Stream<Path> files = Files.list(Path.of("src/main/java/epg", pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        Matcher m = PUBLIC_TYPE.matcher(lines.get(i));
                        if (!m.find()) continue;
                        types++;
                        if (!documented(lines, i)) undocumented.add("epg." + pkg + "." + m.group(5) + " (" + f + ")");
                    }
                }
            }
        }
        assertTrue(types > 150, "found only " + types + " public types: is the pattern right?");
        assertEquals(List.of(), undocumented);
    }

    /**
     * What `mvn package` runs (maven-javadoc-plugin, doclint on but "missing"): an error there fails the library's
     * build, so it fails here first.
     */
    @Test
    void theJavadocBuildsWithoutErrors(@org.junit.jupiter.api.io.TempDir Path out) {
        var javadoc = java.util.spi.ToolProvider.findFirst("javadoc").orElseThrow();
        java.io.StringWriter log = new java.io.StringWriter();
        java.io.PrintWriter w = new java.io.PrintWriter(log);
        int status = javadoc.run(w, w, "-quiet", "-Xdoclint:all,-missing", "-d", out.toString(), "-sourcepath",
                "src/main/java", "-subpackages", "epg", "-classpath", System.getProperty("java.class.path"));
        w.flush();
        List<String> errors = log.toString().lines().filter(l -> l.contains("error:")).toList();
        assertEquals(List.of(), errors, log.toString());
        assertEquals(0, status, log.toString());
    }

    @Test
    void theCheckFindsAMissingComment() {
        assertTrue(documented(List.of("/** A thing. */", "@Deprecated", "public final class A {"), 2));
        assertTrue(!documented(List.of("// Spec §1: a thing", "public final class A {"), 1));
    }

    /** Whether the declaration on line {@code i} follows a Javadoc comment (annotations between allowed). */
    static boolean documented(List<String> lines, int i) {
        int j = i - 1;
        while (j >= 0 && lines.get(j).trim().startsWith("@")) j--;
        if (j < 0 || !lines.get(j).trim().endsWith("*/")) return false;
        while (j >= 0 && !lines.get(j).trim().startsWith("/*")) j--;
        return j >= 0 && lines.get(j).trim().startsWith("/**");
    }
}
