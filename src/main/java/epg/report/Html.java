// docs/demo.md (report.html): HTML text escaping for report.html and its charts.
package epg.report;

public final class Html {
    private Html() {}

    /** {@code &, <, >, "} as entities. */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
