package io.natrix.server.client;

import io.natrix.server.subject.Subscription;
import java.nio.charset.StandardCharsets;

/**
 * A subscription made by a client connection with SUB: its sid (pre-encoded for MSG lines) and its optional
 * auto-unsubscribe limit.
 *
 * <p>Thread-safety: publishers on any event loop deliver to it concurrently; {@code delivered} and {@code max}
 * are guarded by the owning connection's outbound lock, which every delivery holds anyway.
 */
final class ClientSubscription extends Subscription {
    final ClientConnection client;
    final String sid;
    final byte[] sidBytes;
    /** Auto-unsubscribe after this many messages; 0 = no limit. Guarded by the owner's outbound lock. */
    long max;
    /** Messages delivered so far. Guarded by the owner's outbound lock. */
    long delivered;
    /**
     * A wildcard subscription that overlaps its user's subscribe deny list: each delivery is checked (as
     * nats-server does), the rest are delivered without a check.
     */
    final boolean filtered;

    ClientSubscription(ClientConnection client, String subject, String queue, String sid, boolean filtered) {
        super(subject, queue);
        this.filtered = filtered;
        this.client = client;
        this.sid = sid;
        this.sidBytes = sid.getBytes(StandardCharsets.UTF_8);
    }
}
