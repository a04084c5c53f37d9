package io.natrix.server.client;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide counters that are not derived from live connections: totals of closed connections and events.
 * Live connections keep their own counters (updated without synchronisation on their threads) and monitoring adds
 * both together.
 *
 * <p>Thread-safe.
 */
public final class ServerStats {
    public final LongAdder closedInMsgs = new LongAdder();
    public final LongAdder closedInBytes = new LongAdder();
    public final LongAdder closedOutMsgs = new LongAdder();
    public final LongAdder closedOutBytes = new LongAdder();
    public final AtomicLong slowConsumers = new AtomicLong();
    public final AtomicLong totalConnections = new AtomicLong();
    public final AtomicLong staleConnections = new AtomicLong();
}
