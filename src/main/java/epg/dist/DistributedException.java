// Spec §3 "multi-process runs": the error of a failed collective (another rank died, or did not answer in time).
package epg.dist;

/** A failed rendezvous or collective; the message names this rank, the operation and what to check. */
public final class DistributedException extends RuntimeException {
    public DistributedException(String message, Throwable cause) { super(message, cause); }
}
