package io.natrix.server.account;

import io.natrix.server.subject.SubjectIndex;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tenant: an isolated subject space with its own subscription index.
 *
 * <p>Every connection belongs to exactly one account, chosen by the server at authentication (never by the
 * client). Messages published in an account reach only subscriptions of the same account (imports and exports,
 * which cross accounts deliberately, come with the security work).
 *
 * <p>Thread-safe: the index is thread-safe and the counters are atomic.
 */
public final class Account {
    /** The account of connections when no accounts are configured, as nats-server names it. */
    public static final String GLOBAL = "$G";
    /** The system account. */
    public static final String SYSTEM = "$SYS";

    private final String name;
    private final SubjectIndex index;
    private final AtomicInteger connections = new AtomicInteger();

    public Account(String name, boolean matchCacheEnabled) {
        this.name = name;
        this.index = new SubjectIndex(matchCacheEnabled);
    }

    public String name() {
        return name;
    }

    public SubjectIndex index() {
        return index;
    }

    public int connectionCount() {
        return connections.get();
    }

    public void connectionOpened() {
        connections.incrementAndGet();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    @Override
    public String toString() {
        return name;
    }
}
