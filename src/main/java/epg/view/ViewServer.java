// docs/view.md: `epg view`, a local web page to watch runs train and to sample from their models.
package epg.view;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's HTTP server: the page is a handful of JSON endpoints, files and one event stream per sampling job, which
 * it serves without another dependency. Request threads: a fixed pool with room for every job's event stream beside
 * the page's own requests; sampling runs on {@link SampleQueue}'s single thread.
 */
public final class ViewServer implements AutoCloseable {
    private static final String CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' "
            + "'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";
    private final HttpServer server;
    private final ExecutorService threads;
    private final SampleQueue queue;
    private final ViewOptions options;

    private ViewServer(HttpServer server, ExecutorService threads, SampleQueue queue, ViewOptions options) {
        this.server = server;
        this.threads = threads;
        this.queue = queue;
        this.options = options;
    }

    /** Binds and starts serving; an address in use or a directory that is not one is an error here. */
    public static ViewServer start(ViewOptions options) throws IOException {
        RootDirs roots = new RootDirs(options.dirs());
        StaticAssets assets = new StaticAssets();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 64);
        } catch (java.net.BindException e) {
            throw new IOException("cannot listen on " + options.host() + ":" + options.port() + " (" + e.getMessage()
                    + "); choose another --port");
        }
        SampleQueue queue = new SampleQueue(options.queue(), options.leaseMillis());
        ExecutorService threads = Executors.newFixedThreadPool(options.queue() + 8, r -> {
            Thread t = new Thread(r, "epg-view-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        routes(server, options, roots, assets, queue);
        server.start();
        return new ViewServer(server, threads, queue, options);
    }

    private static void routes(HttpServer server, ViewOptions options, RootDirs roots, StaticAssets assets,
                               SampleQueue queue) {
        boolean local = options.loopback();
        RunsApi runs = new RunsApi(roots);
        SampleApi sample = new SampleApi(roots, queue);
        server.createContext("/", Http.guard(local, ex -> page(ex, assets)));
        server.createContext("/api/runs", Http.guard(local, ex -> exact(ex, "/api/runs",
                e -> runs.runs(e, queue, options.queue()))));
        server.createContext("/api/run", Http.guard(local, ex -> exact(ex, "/api/run", runs::run)));
        server.createContext("/api/log", Http.guard(local, ex -> exact(ex, "/api/log", runs::log)));
        server.createContext("/files/", Http.guard(local, runs::file));
        server.createContext("/api/models", Http.guard(local, ex -> exact(ex, "/api/models", sample::models)));
        server.createContext("/api/sample", Http.guard(local, ex -> exact(ex, "/api/sample", sample::sample)));
        server.createContext("/api/jobs/", Http.guard(local, sample::jobs));
    }

    /** A context matches by prefix: /api/runsX is not /api/runs. */
    private static void exact(HttpExchange ex, String path, Http.Body body) throws Exception {
        if (!ex.getRequestURI().getRawPath().equals(path)) throw HttpError.notFound("no such endpoint");
        body.handle(ex);
    }

    /** "/" is the page; /assets/NAME its scripts and styles; anything else a 404. */
    private static void page(HttpExchange ex, StaticAssets assets) throws IOException {
        Http.method(ex, "GET");
        String path = ex.getRequestURI().getRawPath();
        String name = path.equals("/") ? "index.html" : path.startsWith("/assets/") ? path.substring(8) : null;
        StaticAssets.Asset a = name == null ? null : assets.get(name);
        if (a == null) throw HttpError.notFound("nothing at " + path);
        if (name.equals("index.html")) {
            ex.getResponseHeaders().set("Content-Security-Policy", CSP);
            ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        }
        Http.send(ex, 200, a.type(), a.bytes());
    }

    /** The address the page is at, e.g. http://127.0.0.1:8080/. */
    public String url() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        if (host.equals("0.0.0.0")) host = "127.0.0.1";
        return "http://" + host + ":" + port() + "/";
    }

    public int port() { return server.getAddress().getPort(); }

    public SampleQueue queue() { return queue; }

    /** Stops serving, cancels the sampling jobs. */
    @Override
    public void close() {
        server.stop(0);
        queue.close();
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
