package io.natrix.server.jetstream;

/**
 * One waiting pull request ({@code CONSUMER.MSG.NEXT}): where to deliver, how much is still wanted, and its
 * deadlines. nats-server's {@code waitingRequest}.
 *
 * <p>Not thread-safe: owned by its consumer, under the consumer's lock.
 */
final class PullRequest {
    final String reply;
    /** Messages still wanted. */
    int remaining;
    /** Messages delivered so far. */
    int delivered;
    /** Bytes still allowed (0: no byte limit). */
    long bytesRemaining;
    final boolean noWait;
    /** When it expires (System.nanoTime clock; 0: never). */
    final long expiresAt;
    /** Idle heartbeat interval (0: none) and when the next one is due. */
    final long heartbeatNanos;
    long nextHeartbeatAt;
    /** Priority group fields (null/0 when not given). */
    final String group;
    final long minPending;
    final long minAckPending;
    final String pinId;

    PullRequest(String reply, ConsumerApi.NextRequest r, long now) {
        this.reply = reply;
        this.remaining = r.batch();
        this.bytesRemaining = r.maxBytes();
        this.noWait = r.noWait();
        this.expiresAt = r.expiresNanos() > 0 ? now + r.expiresNanos() : 0;
        this.heartbeatNanos = r.idleHeartbeatNanos();
        this.nextHeartbeatAt = heartbeatNanos > 0 ? now + heartbeatNanos : 0;
        this.group = r.group();
        this.minPending = r.minPending();
        this.minAckPending = r.minAckPending();
        this.pinId = r.id();
    }

    boolean expired(long now) {
        return expiresAt != 0 && now - expiresAt >= 0;
    }

    /** The pending counts clients read from a closing status: {@code Nats-Pending-Messages/Bytes}. */
    String pendingHeaders() {
        return "Nats-Pending-Messages: " + remaining + "\r\nNats-Pending-Bytes: " + bytesRemaining + "\r\n";
    }
}
