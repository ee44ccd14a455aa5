// Issue 9: the error a rank raises when a collective fails (another rank died, or did not answer within the timeout).
package epg.dist;

/** A failed rendezvous or collective; the message names this rank, the operation and what to check. */
public final class DistributedException extends RuntimeException {
    public DistributedException(String message, Throwable cause) { super(message, cause); }
}
