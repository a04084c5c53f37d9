package io.natrix.server.auth;

import io.natrix.server.subject.LookupKey;
import io.natrix.server.subject.MatchResult;
import io.natrix.server.subject.SubjectIndex;
import io.natrix.server.subject.Subjects;
import io.natrix.server.subject.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one user may publish and subscribe to, compiled for checking: nats-server's permission model.
 *
 * <p>Built from configuration by {@link UserConfigs}, or from the lists of a user JWT ({@link JwtPermissions}) with
 * {@link SubjectPermission#forPublish} and {@link SubjectPermission#forSubscribe}. Used through a
 * {@link PermissionsSession} per connection; error texts are in {@link PermissionsViolation}.
 *
 * <h2>Rules</h2>
 * Deny always wins over allow. An empty allow list does not restrict (see {@link SubjectPermission}).
 * <ul>
 *   <li><b>Publish</b> to a subject is allowed when the allow list is empty or one of its entries matches the
 *       subject, and no deny entry matches it. With {@link Responses allow_responses} an empty publish allow list
 *       means "nothing", as in nats-server; the connection then also lets the user answer requests it received
 *       ({@link PermissionsSession}).</li>
 *   <li><b>Subscribe</b> to a subject, possibly with wildcards, possibly in a queue group:
 *     <ol>
 *       <li>Allow: the subscription must lie within a plain allow entry. If queue-qualified allow entries cover
 *           the subject and the subscription names a queue, the queue must match one of them instead, whatever
 *           the plain entries say: allow {@code ["foo", "foo v1"]} permits {@code SUB foo} and
 *           {@code SUB foo v1} but not {@code SUB foo v2}; allow {@code ["foo v1"]} permits no plain
 *           subscription to foo.</li>
 *       <li>Deny: a plain deny entry that covers the subscription denies it, queue or not. A queue-qualified deny
 *           entry that covers it denies it only when the subscription's queue matches the entry's queue. "Covers"
 *           reads the subscription's wildcards as plain tokens, as nats-server does (see below).</li>
 *       <li>A wildcard subscription that only overlaps a deny entry ({@code SUB foo.*} against deny
 *           {@code foo.bar} or {@code *.bar}) is allowed, but each message delivered to it must pass
 *           {@link #deliveryAllowed}: that is the {@link SubscribeDecision#FILTERED} answer.</li>
 *       <li>The queue name {@code _sys_} is the server's own and always refused to clients.</li>
 *     </ol></li>
 * </ul>
 * A queue name matches a qualifier when it is the same text, or when the qualifier has wildcards and every queue
 * name the subscription's name could stand for is matched by it, token by token ({@code q.a} matches {@code q.*};
 * {@code q.>} does not match {@code q.*}).
 *
 * <h2>Where we follow current nats-server rather than 2.9.10</h2>
 * nats-server 2.9.10 has three holes that later releases close, and we close them too: a queue subscription could
 * slip past a plain deny when a queue-qualified deny for another queue covered the same subject (fixed in 2.14.0);
 * a wildcard subscription that overlapped a deny without containing it ({@code foo.*} against {@code *.bar}) was
 * never filtered at delivery, so {@code foo.bar} leaked (fixed in 2.14.0); and queue-qualified denies were not
 * applied at delivery at all (fixed after 2.14.0).
 *
 * <h2>Where we are stricter than every nats-server</h2>
 * nats-server checks a subscription against the allow list by reading its wildcards as plain tokens, so an allow
 * entry's {@code *} also covers a subscription's {@code >}: allow {@code foo.*} permits {@code SUB foo.>}, and allow
 * {@code *} permits {@code SUB >}, after which the user receives every subject (verified on 2.9.10; the allow list is
 * never consulted at delivery). We require the subscription to lie within an allow entry, so those two are refused.
 * For deny entries we keep nats-server's reading, which is the stricter one there: deny {@code foo.*} refuses
 * {@code SUB foo.>} outright instead of filtering it.
 *
 * <h2>Cost</h2>
 * Publish checks and delivery checks go through a {@link SubjectIndex} each, whose bounded match cache answers a
 * repeated subject without locking or allocating (probe it with the caller's thread-owned {@link LookupKey}). Both
 * indexes belong to this object, so all connections of a user share one cache; nats-server keeps a 128-entry cache
 * per connection because it compiles permissions per connection. Subscribe checks scan the lists; a SUB is rare.
 *
 * <p>Immutable and thread-safe: build one per user and share it across that user's connections.
 */
public final class PermissionsPolicy {
    /** nats-server's queue group for its internal subscriptions; clients may never join it. */
    public static final String RESERVED_QUEUE = "_sys_";

    /** No restrictions at all: the permissions of a user the configuration gives none. */
    public static final PermissionsPolicy UNRESTRICTED =
            new PermissionsPolicy(SubjectPermission.NONE, SubjectPermission.NONE, null);

    /** Queue name under which deny entries sit in {@link #publishIndex}, beside the allow entries. */
    private static final String DENY_MARK = "deny";

    private final SubjectPermission publish;
    private final SubjectPermission subscribe;
    private final Responses responses;
    private final boolean publishAllowRestricted;
    private final boolean publishRestricted;
    private final boolean subscribeAllowRestricted;
    /** Publish allow entries as plain subscriptions, deny entries in queue group {@link #DENY_MARK}; or null. */
    private final SubjectIndex publishIndex;
    /** Subscribe deny entries, plain and queue-qualified, for delivery checks; or null without denies. */
    private final SubjectIndex subscribeDenyIndex;

    /**
     * The answer to a subscribe check. {@link #FILTERED} means allowed, with every delivery to be passed through
     * {@link #deliveryAllowed}.
     */
    public enum SubscribeDecision {
        DENIED, ALLOWED, FILTERED;

        public boolean allowed() {
            return this != DENIED;
        }
    }

    /**
     * nats-server's {@code allow_responses}: after a message with a reply subject is delivered to the user, the user
     * may publish to that reply subject up to {@code maxMessages} times within {@code expires}. Zero takes the
     * default (1 message, 2 minutes, nats-server's DEFAULT_ALLOW_RESPONSE_MAX_MSGS and _EXPIRATION); a negative
     * value means no limit, as in nats-server.
     */
    public record Responses(int maxMessages, Duration expires) {
        public static final int DEFAULT_MAX_MESSAGES = 1;
        public static final Duration DEFAULT_EXPIRES = Duration.ofMinutes(2);
        /** {@code allow_responses: true}. */
        public static final Responses DEFAULT = new Responses(0, Duration.ZERO);

        public Responses {
            Objects.requireNonNull(expires, "expires");
            maxMessages = maxMessages == 0 ? DEFAULT_MAX_MESSAGES : Math.max(maxMessages, -1);
            expires = expires.isZero() ? DEFAULT_EXPIRES : expires;
        }

        /** Whether a grant runs out after {@code maxMessages} responses. */
        public boolean limitsMessages() {
            return maxMessages > 0;
        }

        /** Whether a grant runs out after {@code expires}. */
        public boolean limitsTime() {
            return expires.isPositive();
        }
    }

    private PermissionsPolicy(SubjectPermission publish, SubjectPermission subscribe, Responses responses) {
        this.publish = publish;
        this.subscribe = subscribe;
        this.responses = responses;
        this.publishAllowRestricted = !publish.allow().isEmpty() || responses != null;
        this.publishRestricted = publishAllowRestricted || !publish.deny().isEmpty();
        this.subscribeAllowRestricted = !subscribe.allow().isEmpty();
        this.publishIndex = publishRestricted ? publishIndex(publish) : null;
        this.subscribeDenyIndex = subscribe.deny().isEmpty() ? null : denyIndex(subscribe.denyEntries());
    }

    /**
     * A policy from its parts; null parts mean "no restriction" and "no response permission".
     */
    public static PermissionsPolicy of(SubjectPermission publish, SubjectPermission subscribe, Responses responses) {
        SubjectPermission p = publish == null ? SubjectPermission.NONE : publish;
        SubjectPermission s = subscribe == null ? SubjectPermission.NONE : subscribe;
        if (p == SubjectPermission.NONE && s == SubjectPermission.NONE && responses == null) {
            return UNRESTRICTED;
        }
        return new PermissionsPolicy(p, s, responses);
    }

    private static SubjectIndex publishIndex(SubjectPermission publish) {
        SubjectIndex index = new SubjectIndex(true);
        for (SubjectPermission.Entry entry : publish.allowEntries()) {
            index.insert(new Rule(entry.subject(), null));
        }
        for (SubjectPermission.Entry entry : publish.denyEntries()) {
            index.insert(new Rule(entry.subject(), DENY_MARK));
        }
        return index;
    }

    private static SubjectIndex denyIndex(List<SubjectPermission.Entry> entries) {
        SubjectIndex index = new SubjectIndex(true);
        for (SubjectPermission.Entry entry : entries) {
            index.insert(new Rule(entry.subject(), entry.queue()));
        }
        return index;
    }

    public SubjectPermission publish() {
        return publish;
    }

    public SubjectPermission subscribe() {
        return subscribe;
    }

    /** The response permission, or null when the user has none. */
    public Responses responses() {
        return responses;
    }

    /** Whether publishing is restricted at all; when not, {@link #canPublish} is always true. */
    public boolean publishRestricted() {
        return publishRestricted;
    }

    /**
     * Whether the static rules let the user publish to {@code subject}. Reply subjects granted by
     * {@code allow_responses} are the connection's to add ({@link PermissionsSession}).
     */
    public boolean canPublish(String subject) {
        if (!publishRestricted) {
            return true;
        }
        if (Subjects.isValidPublishSubject(subject)) {
            return decide(publishIndex.match(subject));
        }
        return canPublishUnusual(subject);
    }

    /**
     * {@link #canPublish(String)} for a subject given as UTF-8 bytes, as the parser holds it. {@code key} is the
     * calling thread's own lookup key; a cached subject costs no allocation.
     */
    public boolean canPublish(byte[] array, int offset, int length, LookupKey key) {
        if (!publishRestricted) {
            return true;
        }
        MatchResult result = publishIndex.match(array, offset, length, key);
        if (result != MatchResult.INVALID) {
            return decide(result);
        }
        return canPublishUnusual(new String(array, offset, length, StandardCharsets.UTF_8));
    }

    private boolean decide(MatchResult result) {
        if (publishAllowRestricted && result.plain().length == 0) {
            return false;
        }
        return result.queueGroups().length == 0; // the only queue group is the deny entries
    }

    /**
     * A subject that is not a valid literal subject. nats-server does not refuse these at PUB (without pedantic
     * mode) and matches them against the permission lists reading wildcards as plain tokens; a subject with an
     * empty token matches no entry. Natrix, like nats-server, handles such a publish once permitted (delivered to
     * nobody, or to the literal matches of its wildcard tokens), so the permission answer must be nats-server's.
     */
    private boolean canPublishUnusual(String subject) {
        if (subject.isEmpty()) {
            return !publishAllowRestricted;
        }
        String[] tokens = Subjects.tokens(subject);
        for (String token : tokens) {
            if (token.isEmpty()) {
                return !publishAllowRestricted;
            }
        }
        if (publishAllowRestricted && !anyCovers(publish.allowEntries(), tokens)) {
            return false;
        }
        return !anyCovers(publish.denyEntries(), tokens);
    }

    private static boolean anyCovers(List<SubjectPermission.Entry> entries, String[] tokens) {
        for (SubjectPermission.Entry entry : entries) {
            if (coversAsLiteral(entry.tokens(), tokens)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the user may subscribe to {@code subject}, in queue group {@code queue} (null for none). */
    public boolean canSubscribe(String subject, String queue) {
        return checkSubscribe(subject, queue).allowed();
    }

    /**
     * The subscribe check (see the class documentation for the rules). An invalid subject is {@link
     * SubscribeDecision#DENIED}; callers reject those before asking, with their own error.
     */
    public SubscribeDecision checkSubscribe(String subject, String queue) {
        if (RESERVED_QUEUE.equals(queue)) {
            return SubscribeDecision.DENIED;
        }
        if (!Subjects.isValidSubscribeSubject(subject)) {
            return SubscribeDecision.DENIED;
        }
        if (subscribe == SubjectPermission.NONE) {
            return SubscribeDecision.ALLOWED;
        }
        String[] tokens = Subjects.tokens(subject);
        if (subscribeAllowRestricted && !allowedByAllowList(tokens, queue)) {
            return SubscribeDecision.DENIED;
        }
        List<SubjectPermission.Entry> denies = subscribe.denyEntries();
        for (SubjectPermission.Entry deny : denies) {
            if (coversAsLiteral(deny.tokens(), tokens)
                    && (deny.queue() == null || (queue != null && queueMatches(queue, deny.queue())))) {
                return SubscribeDecision.DENIED;
            }
        }
        if (!Subjects.hasWildcard(subject)) {
            // A literal subscription receives only its own subject, which the deny check above has just passed.
            return SubscribeDecision.ALLOWED;
        }
        for (SubjectPermission.Entry deny : denies) {
            if ((deny.queue() == null || (queue != null && queueMatches(queue, deny.queue())))
                    && Subjects.intersect(deny.subject(), subject)) {
                return SubscribeDecision.FILTERED;
            }
        }
        return SubscribeDecision.ALLOWED;
    }

    private boolean allowedByAllowList(String[] tokens, String queue) {
        boolean plain = false;
        boolean queueQualified = false;
        boolean queueMatched = false;
        for (SubjectPermission.Entry allow : subscribe.allowEntries()) {
            if (!isWithin(tokens, allow.tokens())) {
                continue;
            }
            if (allow.queue() == null) {
                plain = true;
            } else {
                queueQualified = true;
                queueMatched |= queue != null && queueMatches(queue, allow.queue());
            }
        }
        return queue != null && queueQualified ? queueMatched : plain;
    }

    /**
     * Whether a message on the literal {@code messageSubject} may be delivered to a subscription in {@code queue}
     * (null for a plain one) that {@link #checkSubscribe} answered {@link SubscribeDecision#FILTERED}. For other
     * subscriptions the answer is always true, so callers need not ask.
     */
    public boolean deliveryAllowed(String queue, String messageSubject) {
        if (subscribeDenyIndex == null) {
            return true;
        }
        return deliveryAllowed(queue, subscribeDenyIndex.match(messageSubject));
    }

    /**
     * {@link #deliveryAllowed(String, String)} for a subject given as UTF-8 bytes; {@code key} is the calling
     * thread's own lookup key (deliveries run on the publisher's thread, so it is the publisher's key).
     */
    public boolean deliveryAllowed(String queue, byte[] array, int offset, int length, LookupKey key) {
        if (subscribeDenyIndex == null) {
            return true;
        }
        return deliveryAllowed(queue, subscribeDenyIndex.match(array, offset, length, key));
    }

    private static boolean deliveryAllowed(String queue, MatchResult denied) {
        if (denied.plain().length > 0) {
            return false;
        }
        if (queue != null) {
            for (Subscription[] group : denied.queueGroups()) {
                if (queueMatches(queue, group[0].queue())) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Whether {@code filter} covers {@code subject} when the subject's wildcards are read as plain tokens: the
     * filter's {@code *} takes any one token (wildcards included) and its {@code >} one or more. This is how
     * nats-server matches a subscription against deny lists.
     */
    static boolean coversAsLiteral(String[] filter, String[] subject) {
        for (int i = 0; i < filter.length; i++) {
            String f = filter[i];
            if (f.equals(">")) {
                return i < subject.length;
            }
            if (i >= subject.length) {
                return false;
            }
            if (!f.equals("*") && !f.equals(subject[i])) {
                return false;
            }
        }
        return filter.length == subject.length;
    }

    /**
     * Whether every subject {@code inner} matches is matched by {@code outer}, both possibly with wildcards. Empty
     * tokens match nothing (queue names may have them). This is nats-server's subset test
     * ({@code isSubsetMatchTokenized}), which it uses for queue names.
     */
    static boolean isWithin(String[] inner, String[] outer) {
        for (int i = 0; i < outer.length; i++) {
            if (i >= inner.length) {
                return false;
            }
            String o = outer[i];
            if (o.isEmpty()) {
                return false;
            }
            if (o.equals(">")) {
                return true;
            }
            String t = inner[i];
            if (t.isEmpty() || t.equals(">")) {
                return false;
            }
            if (t.equals("*")) {
                if (!o.equals("*")) {
                    return false;
                }
            } else if (!o.equals("*") && !o.equals(t)) {
                return false;
            }
        }
        return inner.length == outer.length;
    }

    /** Whether a subscription's queue name matches a permission entry's queue qualifier. */
    static boolean queueMatches(String queue, String qualifier) {
        if (queue.equals(qualifier)) {
            return true;
        }
        return Subjects.hasWildcard(qualifier)
                && isWithin(Subjects.tokens(queue), Subjects.tokens(qualifier));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PermissionsPolicy other && publish.equals(other.publish)
                && subscribe.equals(other.subscribe)
                && Objects.equals(responses, other.responses);
    }

    @Override
    public int hashCode() {
        return Objects.hash(publish, subscribe, responses);
    }

    @Override
    public String toString() {
        return "PermissionsPolicy{publish=" + publish + ", subscribe=" + subscribe
                + (responses == null ? "" : ", responses=" + responses) + "}";
    }

    /** A permission entry inside an index; the queue carries a deny mark or the entry's queue qualifier. */
    private static final class Rule extends Subscription {
        Rule(String subject, String queue) {
            super(subject, queue);
        }
    }
}
