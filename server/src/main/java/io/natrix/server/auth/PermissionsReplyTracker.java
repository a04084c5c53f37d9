package io.natrix.server.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The reply subjects one connection may answer under {@code allow_responses}: nats-server's per-client
 * {@code replies} map.
 *
 * <p>Each message with a reply subject delivered to the connection grants that subject (again: a new delivery
 * restarts its count and clock). Publishing to a granted subject that the static rules refuse uses the grant: the
 * publish is allowed while the grant has been used at most {@code maxMessages} times and is no older than
 * {@code expires}; a use beyond either limit drops the grant and is refused. Both limits follow nats-server: the
 * count is checked before the age, age must exceed {@code expires} (not equal it) to expire, and a negative limit
 * never runs out.
 *
 * <p>Bounded: past {@code capacity} grants the tracker first drops the used-up and expired ones, as nats-server
 * does past 4096, and then, unlike nats-server (which lets the map grow), the oldest quarter of the grants. Losing
 * a grant only ever refuses a response, never allows one.
 *
 * <p>Time comes from an injected nanosecond clock ({@link System#nanoTime} in production), so tests control it.
 *
 * <p>Thread-safety: safe for any threads. Grants arrive on the threads of the publishers whose messages are
 * delivered; uses happen on the connection's own thread. Each call holds the tracker's monitor briefly.
 */
public final class PermissionsReplyTracker {
    /** nats-server's replyPermLimit: the size past which it prunes its reply map. */
    public static final int DEFAULT_CAPACITY = 4096;

    private final int maxMessages;
    private final long expiresNanos;
    private final int capacity;
    private final LongSupplier nanoClock;
    /** Grants in the order they were made, oldest first. */
    private final LinkedHashMap<String, Grant> grants = new LinkedHashMap<>();

    private static final class Grant {
        final long grantedNanos;
        int uses;

        Grant(long grantedNanos) {
            this.grantedNanos = grantedNanos;
        }
    }

    public PermissionsReplyTracker(PermissionsPolicy.Responses responses, int capacity, LongSupplier nanoClock) {
        Objects.requireNonNull(responses, "responses");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, got " + capacity);
        }
        this.maxMessages = responses.maxMessages();
        this.expiresNanos = responses.limitsTime() ? saturatedNanos(responses) : -1;
        this.capacity = capacity;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    private static long saturatedNanos(PermissionsPolicy.Responses responses) {
        try {
            return responses.expires().toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE; // longer than 292 years: never, in practice
        }
    }

    /** Records that a message with reply subject {@code reply} was delivered to the connection. */
    public synchronized void granted(String reply) {
        grants.remove(reply); // a fresh grant moves to the young end
        grants.put(reply, new Grant(nanoClock.getAsLong()));
        if (grants.size() > capacity) {
            prune();
        }
    }

    /**
     * Uses the grant for {@code subject}, if there is one: true when the connection may publish this response.
     */
    public synchronized boolean tryUse(String subject) {
        Grant grant = grants.get(subject);
        if (grant == null) {
            return false;
        }
        grant.uses++;
        if (maxMessages > 0 && grant.uses > maxMessages) {
            grants.remove(subject);
            return false;
        }
        if (expired(grant, nanoClock.getAsLong())) {
            grants.remove(subject);
            return false;
        }
        return true;
    }

    /** Number of grants held (used-up and expired ones included until pruned or tried). */
    public synchronized int size() {
        return grants.size();
    }

    private boolean expired(Grant grant, long now) {
        return expiresNanos >= 0 && now - grant.grantedNanos > expiresNanos;
    }

    private void prune() {
        long now = nanoClock.getAsLong();
        Iterator<Map.Entry<String, Grant>> it = grants.entrySet().iterator();
        while (it.hasNext()) {
            Grant grant = it.next().getValue();
            if ((maxMessages > 0 && grant.uses >= maxMessages) || expired(grant, now)) {
                it.remove();
            }
        }
        // Still full of live grants: drop the oldest quarter at once, so that a flood of requests costs one scan
        // per capacity/4 grants rather than one per grant.
        int target = capacity - capacity / 4;
        it = grants.entrySet().iterator();
        while (grants.size() > target && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
