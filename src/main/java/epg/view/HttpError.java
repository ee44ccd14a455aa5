// docs/view.md (safety): a request the server refuses, with its HTTP status and a one-line reason for the page.
package epg.view;

/** Thrown by request handling; {@link Http} turns it into a JSON error reply with {@link #status()}. */
public final class HttpError extends RuntimeException {
    private final int status;

    public HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() { return status; }

    public static HttpError badRequest(String message) { return new HttpError(400, message); }

    public static HttpError notFound(String message) { return new HttpError(404, message); }
}
