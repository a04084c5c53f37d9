package io.natrix.server.client;

import io.natrix.server.account.Account;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide counters that are not derived from live connections: totals of closed connections and events, and
 * the server's message traffic ({@link #traffic}) as nats-server reports it in /varz and statsz.
 *
 * <p>Thread-safe.
 */
public final class ServerStats {
    public final LongAdder closedInMsgs = new LongAdder();
    public final LongAdder closedInBytes = new LongAdder();
    public final AtomicLong slowConsumers = new AtomicLong();
    public final AtomicLong totalConnections = new AtomicLong();
    public final AtomicLong staleConnections = new AtomicLong();

    /**
     * Messages and bytes (header block and payload) the server received from clients and sent to them.
     *
     * <p>"In" is what clients published, counted by their connections (live ones, plus {@link #closedInMsgs}).
     * "Out" is counted once per message and delivery as nats-server does (server/client.go, processMsgResults):
     * every delivery to a client subscription, at the size the message had when it was matched, so a header block
     * cut off for a client that does not take headers still counts here (its connection counts what it got); and
     * deliveries to the server's own subscriptions (service and stream imports, system requests, JetStream) do not
     * count. Every such delivery counts in exactly one account ({@link Account#sentMsgs}), so the server's total is
     * their sum; accounts are never removed, so nothing is lost from it.
     */
    public record Traffic(long inMsgs, long inBytes, long outMsgs, long outBytes) {
    }

    /** The server's traffic now, from its live connections and every account. */
    public Traffic traffic(Collection<ClientConnection> connections, Collection<Account> accounts) {
        long inMsgs = closedInMsgs.sum();
        long inBytes = closedInBytes.sum();
        for (ClientConnection c : connections) {
            inMsgs += c.inMsgs();
            inBytes += c.inBytes();
        }
        long outMsgs = 0;
        long outBytes = 0;
        for (Account a : accounts) {
            outMsgs += a.sentMsgs();
            outBytes += a.sentBytes();
        }
        return new Traffic(inMsgs, inBytes, outMsgs, outBytes);
    }
}
