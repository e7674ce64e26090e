package dev.jtune.distributed;

/**
 * Another rank of a data-parallel job died, hung past the timeout or stopped with an error: this rank cannot
 * continue. The message names the rank when it could be found (its heartbeat in the rendezvous store stopped, or it
 * reported its own error there), what this rank was doing, and that the last complete checkpoint stays valid.
 */
public final class PeerFailure extends RuntimeException {
    private final int failedRank;

    public PeerFailure(String message, int failedRank, Throwable cause) {
        super(message, cause);
        this.failedRank = failedRank;
    }

    /** The rank that failed, or -1 when none could be named. */
    public int failedRank() { return failedRank; }
}
