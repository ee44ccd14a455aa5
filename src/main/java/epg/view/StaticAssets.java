// docs/view.md: the page and its scripts, from the jar: ours under epg/view/, uPlot from its WebJar (works offline).
package epg.view;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Everything is read once at start-up; a missing resource is an error then, not a blank page later. */
public final class StaticAssets {
    /** The WebJar that carries the charting library (uPlot: small, fast on long series, log axes, no dependencies). */
    public static final String WEBJAR = "META-INF/resources/webjars/uplot/",
            WEBJAR_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final Map<String, String> OURS = Map.of("index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8", "app.css", "text/css; charset=utf-8",
            "favicon.svg", "image/svg+xml");
    private static final Map<String, String> UPLOT = Map.of("uPlot.iife.min.js", "text/javascript; charset=utf-8",
            "uPlot.min.css", "text/css; charset=utf-8");

    /** @param type the Content-Type */
    public record Asset(String type, byte[] bytes) {}

    private final Map<String, Asset> assets = new LinkedHashMap<>();
    private final String uplotVersion;

    public StaticAssets() throws IOException {
        for (var e : OURS.entrySet()) assets.put(e.getKey(), new Asset(e.getValue(), read("epg/view/" + e.getKey())));
        uplotVersion = webjarVersion();
        for (var e : UPLOT.entrySet())
            assets.put(e.getKey(), new Asset(e.getValue(), read(WEBJAR + uplotVersion + "/dist/" + e.getKey())));
    }

    /** The asset named {@code name} ("index.html", "uPlot.iife.min.js", …), or null. */
    public Asset get(String name) { return assets.get(name); }

    public String uplotVersion() { return uplotVersion; }

    private static String webjarVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = resource(WEBJAR_POM)) {
            p.load(in);
        }
        String v = p.getProperty("version");
        if (v == null) throw new IOException(WEBJAR_POM + " names no version");
        return v;
    }

    private static byte[] read(String name) throws IOException {
        try (InputStream in = resource(name)) {
            return in.readAllBytes();
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = StaticAssets.class.getClassLoader().getResourceAsStream(name);
        if (in == null)
            throw new IOException(name + " is missing from the class path (a broken build: run mvn package again)");
        return in;
    }
}
