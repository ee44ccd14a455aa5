// Test helper for epg view: requests as a browser or an attacker sends them, byte for byte, to a local server.
package epg.view;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A raw HTTP/1.1 client: the request target and headers go out exactly as given (no normalisation of ".."). */
final class HttpTestClient {
    /** One reply: status, headers (lower-case names), body. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        String text() { return new String(body, StandardCharsets.UTF_8); }

        JsonObject json() { return JsonParser.parseString(text()).getAsJsonObject(); }

        String error() { return json().get("error").getAsString(); }
    }

    private final int port;

    HttpTestClient(int port) { this.port = port; }

    Reply get(String target) throws IOException { return send("GET", target, null, null, Map.of()); }

    Reply postJson(String target, String json) throws IOException {
        return send("POST", target, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    Reply send(String method, String target, String type, byte[] body, Map<String, String> headers)
            throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            StringBuilder req = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Host", "127.0.0.1:" + port);
            h.put("Connection", "close");
            if (type != null) h.put("Content-Type", type);
            if (body != null) h.put("Content-Length", Integer.toString(body.length));
            h.putAll(headers);
            h.forEach((k, v) -> { if (v != null) req.append(k).append(": ").append(v).append("\r\n"); });
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) out.write(body);
            out.flush();
            return read(s.getInputStream());
        }
    }

    /** Status line and headers; then the body by Content-Length, chunked encoding, or to the end. */
    static Reply read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null || !status.startsWith("HTTP/1.1 ")) throw new IOException("no HTTP reply: " + status);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int c = l.indexOf(':');
            headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
        }
        byte[] body;
        if (headers.containsKey("content-length"))
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) body = chunked(in);
        else body = in.readAllBytes();
        return new Reply(Integer.parseInt(status.substring(9, 12)), headers, body);
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            if (size == null) break;
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) break;
            out.write(in.readNBytes(n));
            line(in);
        }
        return out.toByteArray();
    }

    /** One CRLF-terminated line, or null at the end of the stream. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') break;
            if (c != '\r') b.write(c);
        }
        if (c < 0 && b.size() == 0) return null;
        return b.toString(StandardCharsets.UTF_8);
    }
}
