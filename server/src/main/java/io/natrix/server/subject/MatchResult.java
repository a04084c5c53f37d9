package io.natrix.server.subject;

/**
 * The subscriptions that match one literal subject: every plain subscription, and the members of each queue group
 * (exactly one member of each group receives a given message).
 *
 * <p>Immutable once built, so it is shared by all threads through the index's match cache.
 */
public final class MatchResult {
    static final Subscription[] NO_SUBSCRIPTIONS = new Subscription[0];
    static final Subscription[][] NO_GROUPS = new Subscription[0][];
    public static final MatchResult EMPTY = new MatchResult(NO_SUBSCRIPTIONS, NO_GROUPS);
    /**
     * Answer for a subject that is not a valid literal subject (empty token, wildcard, whitespace): nothing can be
     * published to it. Never cached, so the cache only ever holds valid subjects and a hit needs no validation.
     */
    public static final MatchResult INVALID = new MatchResult(NO_SUBSCRIPTIONS, NO_GROUPS);

    private final Subscription[] plain;
    private final Subscription[][] queueGroups;

    MatchResult(Subscription[] plain, Subscription[][] queueGroups) {
        this.plain = plain;
        this.queueGroups = queueGroups;
    }

    /** Plain subscriptions; callers must not modify the array. */
    public Subscription[] plain() {
        return plain;
    }

    /** One array of members per queue group; callers must not modify the arrays. */
    public Subscription[][] queueGroups() {
        return queueGroups;
    }

    public boolean isEmpty() {
        return plain.length == 0 && queueGroups.length == 0;
    }

    /** Number of plain subscriptions plus queue groups: how many deliveries one message makes. */
    public int deliveries() {
        return plain.length + queueGroups.length;
    }
}
