package io.natrix.server.account;

import io.natrix.server.subject.SubjectIndex;
import io.natrix.server.subject.SubjectMappings;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A tenant: an isolated subject space with its own subscription index.
 *
 * <p>Every connection belongs to exactly one account, chosen by the server at authentication (never by the
 * client). Messages published in an account reach only subscriptions of the same account (imports and exports,
 * which cross accounts deliberately, come with the security work).
 *
 * <p>The account keeps what nats-server reports as its "sent" traffic (/accstatz, {@code $SYS.REQ.ACCOUNT.*.STATZ}):
 * the messages delivered to clients from its subscription index, whichever account the receiving client is in
 * (see {@link io.natrix.server.client.Message#sentFrom}), each counted with its header block and payload as they
 * were matched, before any header block is cut off for a client that does not take headers. Deliveries to the
 * server's own subscriptions (imports, system services, JetStream) do not count. What the account's clients
 * publish ("received") is counted by their connections, which the account knows ({@link #members}), so that its
 * figures never need a walk over every connection of the server.
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
    private final Set<Member> members = ConcurrentHashMap.newKeySet();
    private final LongAdder sentMsgs = new LongAdder();
    private final LongAdder sentBytes = new LongAdder();
    private volatile Limits limits = Limits.UNLIMITED;
    private volatile SubjectMappings mappings = SubjectMappings.EMPTY;
    private volatile TraceDestination traceDestination;

    /**
     * What the account's JWT allows its connections ({@code -1}: no limit). Configuration-file accounts have no
     * limits.
     *
     * @param maxConnections   client connections at once
     * @param maxSubscriptions subscriptions per connection
     * @param maxPayload       bytes of one message (headers and payload)
     */
    public record Limits(int maxConnections, int maxSubscriptions, int maxPayload) {
        public static final Limits UNLIMITED = new Limits(-1, -1, -1);
    }

    /**
     * Where message traces go that a W3C {@code traceparent} header asks for (the account's {@code msg_trace},
     * or its JWT's {@code trace}): messages whose header says "sampled" are traced to {@code subject}, the given
     * percentage of them.
     *
     * @param subject          a valid publish subject in this account
     * @param samplingPercent  1 to 100
     */
    public record TraceDestination(String subject, int samplingPercent) {
        public TraceDestination {
            if (samplingPercent < 1 || samplingPercent > 100) {
                throw new IllegalArgumentException("sampling must be 1 to 100, not " + samplingPercent);
            }
        }
    }

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

    /** The subject mappings applied to what clients of this account publish (and to imported requests). */
    public SubjectMappings mappings() {
        return mappings;
    }

    public void mappings(SubjectMappings mappings) {
        this.mappings = mappings == null ? SubjectMappings.EMPTY : mappings;
    }

    /** Where {@code traceparent}-triggered message traces go, or null when they do not. */
    public TraceDestination traceDestination() {
        return traceDestination;
    }

    public void traceDestination(TraceDestination destination) {
        this.traceDestination = destination;
    }

    public Limits limits() {
        return limits;
    }

    public void limits(Limits limits) {
        this.limits = limits;
    }

    /** A client connection of the account, as the account's figures see it. */
    public interface Member {
        /** Messages received from the client. */
        long inMsgs();

        /** Bytes received from the client. */
        long inBytes();
    }

    /**
     * Counts a new connection {@code member} unless the account is at its connection limit; returns whether it was
     * counted (and so joined the account).
     */
    public boolean connectionOpened(Member member) {
        int max = limits.maxConnections();
        while (true) {
            int n = connections.get();
            if (max >= 0 && n >= max) {
                return false;
            }
            if (connections.compareAndSet(n, n + 1)) {
                members.add(member);
                return true;
            }
        }
    }

    /** {@code member}, counted by {@link #connectionOpened}, left the account. */
    public void connectionClosed(Member member) {
        if (members.remove(member)) {
            connections.decrementAndGet();
        }
    }

    /** The account's connections now (a live view, weakly consistent). */
    public Iterable<Member> members() {
        return members;
    }

    /** Counts {@code msgs} deliveries to clients of one message of {@code bytes} (headers and payload) each. */
    public void sent(int msgs, int bytes) {
        sentMsgs.add(msgs);
        sentBytes.add((long) msgs * bytes);
    }

    /** Messages delivered to clients from this account's subscriptions, since the server started. */
    public long sentMsgs() {
        return sentMsgs.sum();
    }

    /** The bytes of {@link #sentMsgs} (headers and payload). */
    public long sentBytes() {
        return sentBytes.sum();
    }

    @Override
    public String toString() {
        return name;
    }
}
