package io.natrix.server.auth;

import io.natrix.server.subject.LookupKey;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * One connection's use of its user's {@link PermissionsPolicy}: the publish check including the reply subjects that
 * {@code allow_responses} grants, and the bookkeeping of those grants.
 *
 * <p>How a connection uses it:
 * <ul>
 *   <li>PUB/HPUB: {@link #canPublish(byte[], int, int)}; on false send {@link PermissionsViolation#publish} as
 *       {@code -ERR} and drop the message (the connection stays open).</li>
 *   <li>SUB: {@link PermissionsPolicy#checkSubscribe}; on {@code DENIED} send {@link PermissionsViolation#subscribe};
 *       on {@code FILTERED} mark the subscription so that deliveries to it ask
 *       {@link PermissionsPolicy#deliveryAllowed}.</li>
 *   <li>Delivering a message that has a reply subject to this connection: {@link #replyDelivered}.</li>
 * </ul>
 *
 * <p>Thread-safety: the publish checks belong to the connection's own thread (they use its {@link LookupKey});
 * {@link #replyDelivered} may be called from any thread (deliveries run on the publishers' threads).
 */
public final class PermissionsSession {
    private final PermissionsPolicy policy;
    private final PermissionsReplyTracker replies;
    private final LookupKey lookupKey = new LookupKey();

    /** A session on {@code policy}; {@code nanoClock} times reply grants ({@code System::nanoTime} outside tests). */
    public PermissionsSession(PermissionsPolicy policy, LongSupplier nanoClock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.replies = policy.responses() == null ? null
                : new PermissionsReplyTracker(policy.responses(), PermissionsReplyTracker.DEFAULT_CAPACITY, nanoClock);
    }

    public PermissionsPolicy policy() {
        return policy;
    }

    /** Whether deliveries with a reply subject need {@link #replyDelivered} (the user has allow_responses). */
    public boolean tracksReplies() {
        return replies != null;
    }

    /** Whether the connection may publish to the subject held in {@code array}; connection thread only. */
    public boolean canPublish(byte[] array, int offset, int length) {
        if (policy.canPublish(array, offset, length, lookupKey)) {
            return true;
        }
        return replies != null && replies.tryUse(new String(array, offset, length, StandardCharsets.UTF_8));
    }

    /** Whether the connection may publish to {@code subject}; connection thread only. */
    public boolean canPublish(String subject) {
        if (policy.canPublish(subject)) {
            return true;
        }
        return replies != null && replies.tryUse(subject);
    }

    /** Records that a message with reply subject {@code reply} was delivered to this connection; any thread. */
    public void replyDelivered(String reply) {
        if (replies != null) {
            replies.granted(reply);
        }
    }

    /** {@link #replyDelivered(String)} for a reply subject held as UTF-8 bytes; any thread. */
    public void replyDelivered(byte[] array, int offset, int length) {
        if (replies != null) {
            replies.granted(new String(array, offset, length, StandardCharsets.UTF_8));
        }
    }
}
