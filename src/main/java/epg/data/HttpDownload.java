// Spec §8 data sources: one HTTP(S) download into a file that appears only once its size and SHA-256 match.
package epg.data;

import epg.tensor.AtomicFile;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Streams a response body to a temporary file beside the destination while hashing it ({@link AtomicFile}), renamed
 * to the destination only when the status is 200 and size and SHA-256 match; anything else leaves no file behind.
 * {@code timeout} bounds the connection, the wait for the response headers and any pause in the body.
 */
final class HttpDownload {
    /** Downloads at least this large print their progress. */
    static final long PROGRESS_BYTES = 4 << 20;

    private final HttpClient client;
    private final Duration timeout;
    private final PrintStream log;

    HttpDownload(Duration timeout, PrintStream log) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
                .proxy(ProxySelector.getDefault()).build();
        this.timeout = timeout;
        this.log = log;
    }

    /** Fetches {@code uri} into {@code dest}; an IOException's message says in a few words what went wrong. */
    void fetch(URI uri, PinnedFile expected, Path dest) throws IOException {
        try {
            AtomicFile.write(dest, ch -> {
                Sink sink = new Sink(ch, expected, log);
                HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
                HttpResponse<Void> r = await(client.sendAsync(request, info -> info.statusCode() == 200
                        ? BodySubscribers.fromSubscriber(sink) : BodySubscribers.discarding()), sink);
                if (r.statusCode() != 200) throw new IOException("HTTP status " + r.statusCode());
                if (sink.failure != null) throw sink.failure;
                String bad = expected.mismatch(sink.bytes, sink.digest.digest());
                if (bad != null) throw new IOException(bad);
            });
        } catch (IOException e) {
            throw e.getCause() instanceof IOException why ? why : e; // AtomicFile's wrapper adds nothing here
        }
    }

    private HttpResponse<Void> await(CompletableFuture<HttpResponse<Void>> response, Sink sink) throws IOException {
        long seen = -1, idleSince = System.nanoTime();
        while (true) {
            try {
                return response.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (sink.failure != null) throw abort(response, sink.failure);
                if (sink.bytes != seen) {
                    seen = sink.bytes;
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince > timeout.toNanos()) {
                    String why = "no data for " + timeout.toSeconds() + " s after " + seen + " bytes";
                    throw abort(response, new IOException(why));
                }
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                String what = c instanceof HttpConnectTimeoutException || c instanceof ConnectException
                        ? "cannot connect" : sink.bytes > 0 ? "interrupted after " + sink.bytes + " bytes" : "failed";
                throw new IOException(what + " (" + c + ")", c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw abort(response, new InterruptedIOException("interrupted"));
            }
        }
    }

    private static IOException abort(CompletableFuture<?> response, IOException why) {
        response.cancel(true);
        return why;
    }

    /** Writes and hashes the body as it arrives, one buffer list at a time; prints progress in quarters. */
    private static final class Sink implements Flow.Subscriber<List<ByteBuffer>> {
        final MessageDigest digest = PinnedFile.newDigest();
        final FileChannel channel;
        final PinnedFile expected;
        final PrintStream log;
        volatile long bytes;
        volatile IOException failure;
        private Flow.Subscription subscription;
        private int quarter;

        Sink(FileChannel channel, PinnedFile expected, PrintStream log) {
            this.channel = channel;
            this.expected = expected;
            this.log = log;
        }

        @Override public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override public void onNext(List<ByteBuffer> items) {
            try {
                long n = bytes;
                for (ByteBuffer b : items) {
                    digest.update(b.duplicate());
                    n += b.remaining();
                    while (b.hasRemaining()) channel.write(b);
                }
                bytes = n;
                progress(n);
                subscription.request(1);
            } catch (IOException e) {
                failure = e;
                subscription.cancel();
            }
        }

        private void progress(long n) {
            if (expected.size() < PROGRESS_BYTES) return;
            int q = (int) Math.min(4, 4 * n / expected.size());
            if (q <= quarter) return;
            quarter = q;
            log.printf(Locale.ROOT, "  %s: %.1f of %.1f MB%n", expected.name(), n / 1e6, expected.size() / 1e6);
        }

        @Override public void onError(Throwable t) {}

        @Override public void onComplete() {}
    }
}
