// docs/view.md (safety): replies, query strings and bounded request bodies on the JDK's HTTP server.
package epg.view;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Every handler runs through {@link #guard}: an error never escapes to the server, it becomes a JSON reply. */
public final class Http {
    /** The largest request body accepted (a sampling request is a few hundred bytes). */
    public static final int MAX_BODY = 16 * 1024;
    /** The longest request target accepted (path and query). */
    public static final int MAX_TARGET = 4096;
    private static final Gson GSON = new Gson();
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");

    private Http() {}

    /** A handler body that may throw; {@link HttpError} becomes its status, anything else 500. */
    @FunctionalInterface
    public interface Body {
        void handle(HttpExchange ex) throws Exception;
    }

    /**
     * Wraps {@code body}: checks the target's length and, when {@code loopbackOnly}, that the Host header names this
     * machine (a page elsewhere cannot reach the server through a DNS name that resolves to 127.0.0.1).
     */
    public static HttpHandler guard(boolean loopbackOnly, Body body) {
        return ex -> {
            try {
                try {
                    if (ex.getRequestURI().getRawPath().length() + rawQuery(ex).length() > MAX_TARGET)
                        throw new HttpError(414, "request target longer than " + MAX_TARGET + " characters");
                    if (loopbackOnly && !loopbackHost(ex.getRequestHeaders().getFirst("Host")))
                        throw new HttpError(403, "Host header must name this machine (localhost or 127.0.0.1)");
                    body.handle(ex);
                } catch (HttpError e) {
                    error(ex, e.status(), e.getMessage());
                } catch (IOException e) {
                    // a file that could not be read, or the client went away (then the reply goes nowhere)
                    error(ex, 500, "cannot read: " + e.getMessage());
                } catch (Exception | Error e) {
                    error(ex, 500, "internal error: " + e);
                }
            } finally {
                ex.close();
            }
        };
    }

    static boolean loopbackHost(String host) {
        if (host == null) return false;
        String h = host.toLowerCase(java.util.Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) h = h.substring(0, colon);
        return LOOPBACK_NAMES.contains(h);
    }

    private static String rawQuery(HttpExchange ex) {
        String q = ex.getRequestURI().getRawQuery();
        return q == null ? "" : q;
    }

    /** Only {@code method} (and HEAD for GET) is allowed: 405 otherwise. */
    public static void method(HttpExchange ex, String method) {
        String m = ex.getRequestMethod();
        if (m.equals(method) || method.equals("GET") && m.equals("HEAD")) return;
        ex.getResponseHeaders().set("Allow", method);
        throw new HttpError(405, ex.getRequestURI().getPath() + " takes " + method + ", not " + m);
    }

    /** The query parameters, decoded once (a repeated name keeps its last value). */
    public static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : rawQuery(ex).split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            out.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    /** %-decoding of one URL component; a malformed escape is a 400. */
    public static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("malformed %-escape in '" + s + "'");
        }
    }

    /** The integer query parameter {@code name} within [lo, hi], or {@code fallback} when absent. */
    public static long longParam(Map<String, String> q, String name, long fallback, long lo, long hi) {
        String v = q.get(name);
        if (v == null) return fallback;
        try {
            long n = Long.parseLong(v);
            if (n >= lo && n <= hi) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw HttpError.badRequest(name + " must be an integer in " + lo + ".." + hi + ", got '" + v + "'");
    }

    /** A required query parameter. */
    public static String param(Map<String, String> q, String name) {
        String v = q.get(name);
        if (v == null) throw HttpError.badRequest("missing query parameter '" + name + "'");
        return v;
    }

    /** The request body as UTF-8, refused with 413 past {@link #MAX_BODY} and 415 unless it is JSON. */
    public static String jsonBody(HttpExchange ex) throws IOException {
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json"))
            throw new HttpError(415, "send the request body as application/json");
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MAX_BODY)
            throw new HttpError(413, "request body of " + length + " bytes; at most " + MAX_BODY + " are accepted");
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY)
                throw new HttpError(413, "request body longer than " + MAX_BODY + " bytes");
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    public static void json(HttpExchange ex, int status, Object body) throws IOException {
        String text = body instanceof String s ? s : GSON.toJson(body);
        send(ex, status, "application/json; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    public static void error(HttpExchange ex, int status, String message) {
        JsonObject o = new JsonObject();
        o.addProperty("error", message);
        o.addProperty("status", status);
        try {
            json(ex, status, o);
        } catch (IOException | RuntimeException e) {
            // headers already sent or the client is gone
        }
    }

    /** A whole reply; never cached (the files it serves change while a run trains), never sniffed. */
    public static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        headers(ex, type);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public static void headers(HttpExchange ex, String type) {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Cache-Control", "no-store");
        h.set("Referrer-Policy", "no-referrer");
    }
}
