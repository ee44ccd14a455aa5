// docs/architecture.md (layers): src/main's package graph has no cycle and no upward import.
package epg;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edges are every {@code epg.pkg.Type} that a source file of src/main names (imports, fully qualified names, links;
 * also constants the compiler inlines) united with what jdeps finds in target/classes (types used without being
 * named). A package may use its own layer's peers (without a cycle) and any layer below.
 */
class PackageLayersTest {
    /** Top to bottom. */
    static final List<Set<String>> LAYERS = List.of(
            Set.of("cli"),
            Set.of("api"),
            Set.of("view"),
            Set.of("bench", "report", "demo", "progress"),
            Set.of("train"),
            Set.of("sample", "loss", "metrics", "dist"),
            Set.of("nn"),
            Set.of("diffusion", "data", "config", "tensor"));
    private static final Path SOURCES = Path.of("src/main/java/epg");
    private static final Pattern REFERENCE = Pattern.compile("\\bepg\\.([a-z]+)\\.[A-Z]");
    private static final Pattern PACKAGE_LINE = Pattern.compile("(?m)^package [^;]+;");
    private static final Pattern JDEPS_EDGE = Pattern.compile("(?m)^\\s+epg\\.(\\w+)\\s+->\\s+epg\\.(\\w+)\\s");
    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void everyPackageHasALayerAndNoEdgeGoesUp() {
        Map<String, Set<String>> edges = allEdges();
        for (String pkg : edges.keySet()) {
            assertTrue(layer(pkg) >= 0, "epg." + pkg + " is in no layer: add it to LAYERS");
        }
        assertEquals(List.of(), upward(edges), "imports from a higher layer");
    }

    @Test
    void thePackageGraphHasNoCycle() {
        assertEquals(List.of(), cycles(allEdges()));
    }

    @Test
    void theCheckFindsAnUpwardEdgeAndACycle() {
        Map<String, Set<String>> edges = new TreeMap<>(Map.of(
                "train", Set.of("nn", "cli"), "sample", Set.of("loss"), "loss", Set.of("sample"), "nn", Set.of()));
        assertEquals(List.of("epg.train -> epg.cli"), upward(edges));
        assertEquals(List.of("epg.loss -> epg.sample -> epg.loss"), cycles(edges));
    }

    /** Package to the packages its files name, from {@code root}'s sub-folders (one per package). */
    static Map<String, Set<String>> edges(Path root) {
        Map<String, Set<String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (f.getParent().equals(root)) continue;
                String pkg = root.relativize(f).getName(0).toString();
                String text = PACKAGE_LINE.matcher(Files.readString(f, StandardCharsets.UTF_8)).replaceAll("");
                Set<String> to = edges.computeIfAbsent(pkg, k -> new TreeSet<>());
                for (Matcher m = REFERENCE.matcher(text); m.find(); ) if (!m.group(1).equals(pkg)) to.add(m.group(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return edges;
    }

    static Map<String, Set<String>> allEdges() {
        Map<String, Set<String>> edges = edges(SOURCES);
        bytecodeEdges(CLASSES).forEach((from, tos) -> edges.computeIfAbsent(from, k -> new TreeSet<>()).addAll(tos));
        return edges;
    }

    /** The package edges jdeps reads from {@code classes}; none where the JDK has no jdeps or nothing is compiled. */
    static Map<String, Set<String>> bytecodeEdges(Path classes) {
        Map<String, Set<String>> edges = new TreeMap<>();
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElse(null);
        if (jdeps == null || !Files.isDirectory(classes)) return edges;
        StringWriter out = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(out),
                "-verbose:package", "-filter:none", "-e", "epg\\..*", classes.toString());
        assertEquals(0, status, () -> "jdeps failed: " + out);
        Matcher m = JDEPS_EDGE.matcher(out.toString());
        while (m.find()) {
            if (!m.group(1).equals(m.group(2))) edges.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
        }
        return edges;
    }

    static int layer(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) if (LAYERS.get(i).contains(pkg)) return i;
        return -1;
    }

    static List<String> upward(Map<String, Set<String>> edges) {
        List<String> bad = new ArrayList<>();
        edges.forEach((from, tos) -> tos.stream().filter(to -> layer(to) < layer(from))
                .forEach(to -> bad.add("epg." + from + " -> epg." + to)));
        return bad;
    }

    /** Every cycle a depth-first walk meets, as "epg.a -> epg.b -> epg.a". */
    static List<String> cycles(Map<String, Set<String>> edges) {
        List<String> found = new ArrayList<>();
        Map<String, Boolean> open = new TreeMap<>();
        for (String start : edges.keySet()) {
            if (!open.containsKey(start)) visit(start, new ArrayList<>(), edges, open, found);
        }
        return found;
    }

    private static void visit(String node, List<String> path, Map<String, Set<String>> edges, Map<String, Boolean> open,
                              List<String> found) {
        open.put(node, true);
        path.add(node);
        for (String next : edges.getOrDefault(node, Set.of())) {
            if (Boolean.TRUE.equals(open.get(next))) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(next), path.size()));
                cycle.add(next);
                found.add(String.join(" -> ", cycle.stream().map(p -> "epg." + p).toList()));
            } else if (!open.containsKey(next)) {
                visit(next, path, edges, open, found);
            }
        }
        path.remove(path.size() - 1);
        open.put(node, false);
    }
}
