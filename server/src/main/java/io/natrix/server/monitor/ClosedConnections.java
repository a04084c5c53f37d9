package io.natrix.server.monitor;

import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.CloseReason;
import io.natrix.server.config.ServerOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What monitoring remembers of connections that have gone: the last {@code max_closed_clients} of them (default
 * 10,000, as nats-server keeps) for /connz {@code state=closed}, each with its stop time, reason and the
 * subscriptions it held; and, per account, what every connection that ever closed published, so that /accstatz and
 * /metrics count an account's messages after its clients leave.
 *
 * <p>The server calls {@link #record} once per connection, from the connection's event loop, when it closes.
 * Thread-safe: the ring is guarded by this object's monitor, the totals are adders.
 */
public final class ClosedConnections {
    /** nats-server's DEFAULT_MAX_CLOSED_CLIENTS. */
    public static final int DEFAULT_MAX = 10_000;
    /** The configuration key, read from the raw configuration (it has no command-line flag). */
    static final String CONFIG_KEY = "max_closed_clients";

    /**
     * What an account's closed connections published and how many of them closed, as slow consumers or at all;
     * live connections are added by the reader. (What accounts sent is counted by the accounts themselves.)
     */
    static final class AccountTotals {
        final LongAdder inMsgs = new LongAdder();
        final LongAdder inBytes = new LongAdder();
        final LongAdder slowConsumers = new LongAdder();
        final LongAdder connections = new LongAdder();
    }

    private static final AccountTotals NONE = new AccountTotals();

    private final ConnInfo[] ring;
    /** How many were ever recorded; the next slot is {@code total % ring.length}. Guarded by this. */
    private long total;
    private final Map<String, AccountTotals> accounts = new ConcurrentHashMap<>();

    public ClosedConnections(int max) {
        this.ring = new ConnInfo[Math.max(1, max)];
    }

    /** Sized from {@code max_closed_clients} (a positive number; anything else means the default). */
    public static ClosedConnections of(ServerOptions options) {
        Object value = options.rawConfig().get(CONFIG_KEY);
        int max = value instanceof Number n && n.longValue() > 0 ? (int) Math.min(n.longValue(), 1_000_000)
                : DEFAULT_MAX;
        return new ClosedConnections(max);
    }

    /** Remembers {@code client}, which has just closed. */
    public void record(ClientConnection client) {
        ConnInfo info = ConnInfo.closed(client, Instant.now());
        if (!info.account.isEmpty()) {
            AccountTotals t = accounts.computeIfAbsent(info.account, a -> new AccountTotals());
            t.inMsgs.add(info.inMsgs);
            t.inBytes.add(info.inBytes);
            t.connections.increment();
            CloseReason reason = client.closeReason();
            if (reason == CloseReason.SLOW_CONSUMER_PENDING_BYTES
                    || reason == CloseReason.SLOW_CONSUMER_WRITE_DEADLINE) {
                t.slowConsumers.increment();
            }
        }
        synchronized (this) {
            ring[(int) (total % ring.length)] = info;
            total++;
        }
    }

    /** The remembered connections, oldest first. */
    synchronized List<ConnInfo> list() {
        int size = (int) Math.min(total, ring.length);
        List<ConnInfo> list = new ArrayList<>(size);
        long first = total - size;
        for (long i = first; i < total; i++) {
            list.add(ring[(int) (i % ring.length)]);
        }
        return list;
    }

    /** How many the ring holds at most. */
    int capacity() {
        return ring.length;
    }

    /** The closed-connection traffic of {@code account} (zeros when none closed). */
    AccountTotals totals(String account) {
        return accounts.getOrDefault(account, NONE);
    }
}
