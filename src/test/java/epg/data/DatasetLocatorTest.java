// Spec §8 data sources (tests): finding, fetching and verifying a dataset, against a loopback HTTP server.
package epg.data;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import epg.cli.Main;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetLocatorTest {
    private static final String DATA_DIR = "usr/share/datasets/tiny";
    private static final String POOL = "pool/main/d/dataset-tiny/dataset-tiny_1_all.deb";

    @TempDir Path tmp;
    private HttpServer server;
    private String base;
    /** Path → what the server answers; any other path is a 404. */
    private final Map<String, Reply> routes = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private Map<String, byte[]> files;
    private byte[] deb;

    /** A 200 answer: the first {@code sent} bytes of {@code body}, announced as {@code body.length} or chunked. */
    private record Reply(byte[] body, int sent, boolean announced) {
        static Reply good(byte[] body) { return new Reply(body, body.length, true); }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        files = new LinkedHashMap<>();
        Path src = IdxFiles.fashionMnistLayout(tmp.resolve("src"), 20, 10);
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.sorted().toList()) files.put(p.getFileName().toString(), Files.readAllBytes(p));
        }
        deb = deb(files);
    }

    @AfterEach
    void stop() { server.stop(0); }

    private void answer(HttpExchange x) throws IOException {
        requests.incrementAndGet();
        Reply r = routes.get(x.getRequestURI().getPath());
        if (r == null) {
            x.sendResponseHeaders(404, -1);
            x.close();
            return;
        }
        x.sendResponseHeaders(200, r.announced() ? r.body().length : 0);
        try (OutputStream out = x.getResponseBody()) {
            out.write(r.body(), 0, r.sent());
        } catch (IOException e) {
            // closing short of the announced length: the server drops the connection, as a broken download would
        }
    }

    /** A Debian package as dpkg-deb lays it out: ar of debian-binary, control.tar.xz, data.tar.xz. */
    private static byte[] deb(Map<String, byte[]> files) throws IOException {
        Map<String, byte[]> data = new LinkedHashMap<>();
        data.put("./usr/share/doc/dataset-tiny/copyright", "Files: *\n".getBytes(StandardCharsets.UTF_8));
        files.forEach((name, bytes) -> data.put("./" + DATA_DIR + "/" + name, bytes));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArArchiveOutputStream ar = new ArArchiveOutputStream(out)) {
            member(ar, "debian-binary", "2.0\n".getBytes(StandardCharsets.US_ASCII));
            byte[] control = "Package: dataset-tiny\n".getBytes(StandardCharsets.UTF_8);
            member(ar, "control.tar.xz", tarXz(Map.of("./control", control)));
            member(ar, "data.tar.xz", tarXz(data));
        }
        return out.toByteArray();
    }

    private static void member(ArArchiveOutputStream ar, String name, byte[] bytes) throws IOException {
        ar.putArchiveEntry(new ArArchiveEntry(name, bytes.length));
        ar.write(bytes);
        ar.closeArchiveEntry();
    }

    private static byte[] tarXz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new XZCompressorOutputStream(out))) {
            tar.putArchiveEntry(new TarArchiveEntry("./"));
            tar.closeArchiveEntry();
            for (var e : entries.entrySet()) {
                TarArchiveEntry t = new TarArchiveEntry(e.getKey());
                t.setSize(e.getValue().length);
                tar.putArchiveEntry(t);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The registry entry of the test data: these files, in a Debian package and upstream, with their checksums. */
    private DatasetSpec spec() throws Exception {
        List<PinnedFile> pinned = new ArrayList<>();
        for (var e : files.entrySet())
            pinned.add(new PinnedFile(e.getKey(), e.getValue().length, sha256(e.getValue())));
        var splits = List.of(new DatasetSpec.Split("train", "train", 20), new DatasetSpec.Split("test", "t10k", 10));
        return new DatasetSpec("tiny", 28, 28, 1, 10, 2, splits,
                new DebianPackage("dataset-tiny", POOL, deb.length, sha256(deb), DATA_DIR, pinned),
                new UpstreamFiles(URI.create(base + "upstream/"), pinned));
    }

    /** An apt sources file (deb822) listing {@code mirrors}: paths on the test server, or whole URIs. */
    private Path aptSources(String... mirrors) throws IOException {
        StringBuilder s = new StringBuilder();
        for (String m : mirrors)
            s.append("Types: deb\nURIs: ").append(m.startsWith("http") ? m : base + m).append("\nSuites: bookworm\n\n");
        return Files.writeString(tmp.resolve("debian.sources"), s.toString());
    }

    private DatasetLocator locator(boolean offline, List<Path> apt) {
        return locator(offline, apt, Duration.ofSeconds(10));
    }

    private DatasetLocator locator(boolean offline, List<Path> apt, Duration timeout) {
        return new DatasetLocator(new DatasetLocator.Settings(tmp.resolve("explicit"), tmp.resolve("root"),
                tmp.resolve("cache"), offline, apt, timeout, new PrintStream(log, true, StandardCharsets.UTF_8)));
    }

    /**
     * A server that answers one request with a 200 announcing {@code body}'s length, sends half of it and drops the
     * connection (as a broken download does); it serves at most one connection and stops by itself.
     */
    private static String droppingServer(byte[] body) throws IOException {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(20_000);
        Thread t = new Thread(() -> {
            try (socket; Socket c = socket.accept()) {
                var in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
                for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) { /* the request's headers */ }
                OutputStream out = c.getOutputStream();
                String head = "HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n";
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.write(body, 0, body.length / 2);
                out.flush();
            } catch (IOException e) {
                // the test sees what the client saw
            }
        });
        t.setDaemon(true);
        t.start();
        return "http://127.0.0.1:" + socket.getLocalPort() + "/dropped";
    }

    private void assertCacheHoldsTheFiles(Path dir) throws IOException {
        assertEquals(tmp.resolve("cache").resolve("tiny"), dir);
        for (var e : files.entrySet())
            assertArrayEquals(e.getValue(), Files.readAllBytes(dir.resolve(e.getKey())), e.getKey());
        try (Stream<Path> s = Files.list(dir.getParent())) {
            assertEquals(List.of("tiny"), s.map(p -> p.getFileName().toString()).toList(), "no staging folder left");
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(files.size(), s.count(), "only the dataset's files: no .deb, no partial download");
        }
    }

    private String log() { return log.toString(StandardCharsets.UTF_8); }

    @Test
    void theDebianPackageFromAnAptMirrorBecomesAVerifiedCacheEntry() throws Exception {
        routes.put("/debian/" + POOL, Reply.good(deb));
        DatasetLocator locator = locator(false, List.of(aptSources("debian")));
        assertCacheHoldsTheFiles(locator.locate(spec()));
        assertEquals(1, requests.get());
        assertEquals(1, log().lines().count(), log());
        String notice = "tiny is not on this machine; fetching the Debian package dataset-tiny from " + base
                + "debian/";
        assertTrue(log().startsWith(notice), log());
        assertEquals(tmp.resolve("cache").resolve("tiny"), locator.locate(spec()), "found in the cache");
        assertEquals(1, requests.get(), "the second look needs no download");
    }

    @Test
    void everyFailingSourceIsNamedAndNothingIsCached() throws Exception {
        byte[] corrupt = deb.clone();
        corrupt[corrupt.length / 2] ^= 1;
        routes.put("/corrupt/" + POOL, Reply.good(corrupt));
        routes.put("/stalled/" + POOL, new Reply(deb, deb.length / 2, true));
        String first = files.keySet().iterator().next(), dropped = droppingServer(deb);
        routes.put("/upstream/" + first, new Reply(files.get(first), files.get(first).length - 1, false));
        DataException e = assertThrows(DataException.class, () -> locator(false,
                List.of(aptSources("missing", "corrupt", dropped, "stalled")), Duration.ofSeconds(2)).locate(spec()));
        String m = e.getMessage();
        assertTrue(m.contains(base + "missing/" + POOL + ": HTTP status 404"), m);
        assertTrue(m.contains(base + "corrupt/" + POOL + ": dataset-tiny_1_all.deb has SHA-256 "), m);
        assertTrue(m.contains(dropped + "/" + POOL + ": interrupted after " + deb.length / 2 + " bytes"), m);
        assertTrue(m.contains(base + "stalled/" + POOL + ": no data for 2 s after " + deb.length / 2 + " bytes"), m);
        int shortBy1 = files.get(first).length - 1;
        assertTrue(m.contains(base + "upstream/: " + first + ": " + first + " has " + shortBy1 + " bytes"), m);
        assertTrue(m.contains("EPG_DATA") && m.contains("--data DIR") && m.contains("dataset-tiny"), m);
        assertFalse(m.contains("\n"), "one line: " + m);
        try (Stream<Path> s = Files.list(tmp.resolve("cache"))) {
            assertEquals(0, s.count(), "no cache entry, no staging folder");
        }
        assertEquals(5, log().lines().filter(l -> l.startsWith("tiny")).count(), "one notice per source: " + log());
    }

    @Test
    void aFailingMirrorFallsBackToTheAuthorsFiles() throws Exception {
        files.forEach((name, bytes) -> routes.put("/upstream/" + name, Reply.good(bytes)));
        assertCacheHoldsTheFiles(locator(false, List.of(aptSources("missing"))).locate(spec()));
        assertTrue(log().contains("HTTP status 404; fetching the authors' files from " + base + "upstream/"), log());
    }

    @Test
    void withoutAptTheAuthorsFilesAreFetched() throws Exception {
        files.forEach((name, bytes) -> routes.put("/upstream/" + name, Reply.good(bytes)));
        assertCacheHoldsTheFiles(locator(false, List.of()).locate(spec()));
        assertEquals(files.size(), requests.get());
        assertEquals("tiny is not on this machine; fetching the authors' files from " + base + "upstream/ into "
                + tmp.resolve("cache").resolve("tiny"), log().strip());
    }

    @Test
    void offlineNothingIsFetched() throws Exception {
        routes.put("/debian/" + POOL, Reply.good(deb));
        DatasetLocator offline = locator(true, List.of(aptSources("debian")));
        DataException e = assertThrows(DataException.class, () -> offline.locate(spec()));
        assertTrue(e.getMessage().contains("--offline") && e.getMessage().contains("EPG_DATA"), e.getMessage());
        String systemDir = tmp.resolve("root").resolve(DATA_DIR).toString();
        assertTrue(e.getMessage().contains(systemDir), "names where it looked: " + e.getMessage());
        assertEquals(0, requests.get());
        assertFalse(Files.exists(tmp.resolve("cache")));
    }

    @Test
    void foldersOnThisMachineComeFirst() throws Exception {
        DatasetLocator locator = locator(false, List.of());
        Path system = tmp.resolve("root").resolve(DATA_DIR), explicit = tmp.resolve("explicit").resolve("tiny");
        for (Path dir : List.of(system, explicit)) {
            Files.createDirectories(dir);
            for (var e : files.entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
            assertEquals(dir, locator.locate(spec()));
        }
        assertEquals(0, requests.get());
        assertEquals("", log());
    }

    @Test
    void aPackageWithoutTheFilesIsNamed() throws Exception {
        Path file = Files.write(tmp.resolve("x.deb"), deb);
        Path out = Files.createDirectories(tmp.resolve("out"));
        IOException e = assertThrows(IOException.class, () -> DebArchive.extract(file, DATA_DIR, Set.of("absent.gz"),
                out));
        assertTrue(e.getMessage().contains(DATA_DIR + "/[absent.gz]"), e.getMessage());
    }

    @Test
    void theOfflineFlagOfEveryCommandForbidsFetching() {
        try {
            for (String[] args : new String[][]{{"--offline", "models"}, {"models", "--offline"}}) {
                System.clearProperty(DatasetLocator.OFFLINE_PROPERTY);
                Main.commandLine().parseArgs(args);
                assertEquals("true", System.getProperty(DatasetLocator.OFFLINE_PROPERTY), String.join(" ", args));
            }
        } finally {
            System.clearProperty(DatasetLocator.OFFLINE_PROPERTY);
        }
    }
}
