package io.natrix.server.system;

import io.natrix.server.account.Account;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * nats-server's account connection-count events: an {@code io.nats.server.advisory.v1.account_connections}
 * document (its AccountNumConns) published in the system account whenever a client of an account connects or
 * disconnects, and again every {@link #DEFAULT_HEARTBEAT} while the account still has connections.
 *
 * <pre>
 * subjects, in this order, the same document (same id) on both
 *   $SYS.SERVER.ACCOUNT.&lt;acc&gt;.CONNS     the old subject, kept by nats-server for older tools
 *   $SYS.ACCOUNT.&lt;acc&gt;.SERVER.CONNS     the current subject
 * document
 *   {"type":"io.nats.server.advisory.v1.account_connections","id":..,"timestamp":..,"server":{..},
 *    "acc":..,"name":..,"conns":N,"leafnodes":0,"total_conns":N,"num_subscriptions":N,
 *    "sent":{"msgs":..,"bytes":..},"received":{"msgs":..,"bytes":..},"slow_consumers":N}
 * </pre>
 * The figures after {@code server} are the account's AccountStat, taken from the monitoring code that answers
 * /accstatz ({@link SystemHost#accountStat}). As in nats-server, each event restarts the account's heartbeat, a
 * count of zero stops it, and the global account ({@code $G}) gets none. The server's own internal clients are
 * not connections, so they never cause one. The same document answers {@code $SYS.REQ.ACCOUNT.<acc>.CONNS}.
 *
 * <p>Thread-safety: {@link #update} and {@link #answer} may be called from any thread. Each account's events are
 * built under that account's heartbeat lock and handed to the single system thread, which publishes them (and runs
 * the heartbeats), so the counts an observer sees follow the order of the changes. The figures are taken when the
 * change happens; the event may reach subscribers just after the client's CONNECT / DISCONNECT event.
 */
final class AccountConnsEvents {
    /** nats-server's eventsHBInterval. */
    static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(30);
    static final String TYPE = "io.nats.server.advisory.v1.account_connections";

    private final SystemServices system;
    private final SystemHost host;
    private final Function<String, Map<String, Object>> newEvent;
    private final BiConsumer<String, Object> publish;
    private final Map<Account, Heartbeat> heartbeats = new ConcurrentHashMap<>();
    private volatile Duration heartbeat = DEFAULT_HEARTBEAT;
    private volatile boolean stopped;

    /** An account's pending heartbeat; its monitor orders the account's events. */
    private static final class Heartbeat {
        ScheduledFuture<?> next;
    }

    /**
     * @param newEvent a new event of the given type, holding type, id, timestamp and server
     * @param publish  publishes a document on a subject of the system account
     */
    AccountConnsEvents(SystemServices system, SystemHost host, Function<String, Map<String, Object>> newEvent,
                       BiConsumer<String, Object> publish) {
        this.system = system;
        this.host = host;
        this.newEvent = newEvent;
        this.publish = publish;
    }

    /** Sets the heartbeat period (tests shorten it); applies from each account's next event. */
    void heartbeat(Duration period) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive, not " + period);
        }
        heartbeat = period;
    }

    /** The number of connections of {@code account} changed (or its heartbeat is due): tells the system account. */
    void update(Account account) {
        if (account == null || account.name().equals(Account.GLOBAL)) {
            return;
        }
        send(account, "$SYS.SERVER.ACCOUNT." + account.name() + ".CONNS",
                "$SYS.ACCOUNT." + account.name() + ".SERVER.CONNS");
    }

    /**
     * {@code $SYS.REQ.ACCOUNT.<acc>.CONNS}: the account's document, bare, to {@code reply}, when the account has
     * connections here; no answer otherwise (nats-server's connsRequest; servers without any stay silent).
     */
    void answer(Account account, String reply) {
        if (account == null || reply == null || account.connectionCount() == 0) {
            return;
        }
        send(account, reply);
    }

    private void send(Account account, String... subjects) {
        Heartbeat hb = heartbeats.computeIfAbsent(account, a -> new Heartbeat());
        synchronized (hb) {
            Map<String, Object> event = newEvent.apply(TYPE);
            Map<String, Object> stat = host.accountStat(account);
            event.putAll(stat);
            // Published from the system thread, in the order built: never under this lock (a delivery may close a
            // connection and so come back here for another account), and never out of order.
            system.execute(() -> {
                for (String subject : subjects) {
                    publish.accept(subject, event);
                }
            });
            if (hb.next != null) {
                hb.next.cancel(false);
                hb.next = null;
            }
            if (!stopped && ((Number) stat.get("total_conns")).intValue() > 0) {
                hb.next = system.schedule(heartbeat, () -> update(account));
            }
        }
    }

    /** Stops every heartbeat for good (the server is shutting down; its clients' closes still publish). */
    void stop() {
        stopped = true;
        for (Heartbeat hb : heartbeats.values()) {
            synchronized (hb) {
                if (hb.next != null) {
                    hb.next.cancel(false);
                    hb.next = null;
                }
            }
        }
    }
}
