package io.natrix.server.client;

import io.natrix.server.account.Account;
import io.natrix.server.auth.PermissionsSession;
import io.natrix.server.protocol.PubArgs;
import io.natrix.server.subject.MatchResult;
import io.natrix.server.subject.Subscription;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a message to the subscriptions that match it in its account: client subscriptions get a frame in their
 * connection's outbound buffer, {@link InternalSubscription}s a call. One member of each queue group receives it,
 * picked at random; a member that refuses (closed, slow, echo off) passes it on to the next.
 *
 * <p>Messages cross accounts only through internal subscriptions that {@link #forward} them (imports); each
 * crossing counts a hop and a message is dropped after {@link #MAX_HOPS}, so even a cycle that slipped past the
 * configuration checks cannot loop.
 *
 * <p>Each message's deliveries to clients count in its account's "sent" traffic ({@link Message#sentFrom}), which
 * /varz and /accstatz report.
 *
 * <p>A traced message ({@link Message#trace()}) takes {@link TracedDelivery} instead, which records what happens
 * at each subscription; the check costs one field read per message.
 *
 * <p>Stateless; runs on the publishing thread.
 */
public final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /** Most account crossings of one message. */
    public static final int MAX_HOPS = 8;

    private Router() {
    }

    /**
     * Publishes a message made by the server (system services, API replies) into {@code account}. Any thread.
     *
     * @return whether any subscription took it
     */
    public static boolean publish(Account account, String subject, String reply, byte[] headers, byte[] payload) {
        Message m = Message.internal(account, subject, reply, headers, payload);
        MatchResult result = account.index().match(subject);
        return result != MatchResult.INVALID && deliver(result, m);
    }

    /**
     * Publishes a message made by the server to the subscribers of {@code deliverTo} while it carries
     * {@code subject} (JetStream deliveries: a consumer's message goes to its deliver subject or a pull request's
     * inbox and keeps the subject it was stored under). Any thread.
     *
     * @return whether any subscription took it
     */
    public static boolean publishAs(Account account, String deliverTo, String subject, String reply, byte[] headers,
                                    byte[] payload) {
        MatchResult result = account.index().match(deliverTo);
        if (result == MatchResult.INVALID || result.isEmpty()) {
            return false;
        }
        return deliver(result, Message.internalAs(account, deliverTo, subject, reply, headers, payload));
    }

    /**
     * Re-publishes {@code message} into account {@code to} under a new subject and reply (imports): same payload, no
     * copy; the header block replaced by {@code headers} (null: kept).
     *
     * @param trace the trace the message goes on with in {@code to}: its own ({@link Message#trace()}) when the
     *              crossing allows tracing, else null
     * @return whether any subscription in {@code to} took it
     */
    public static boolean forward(Message message, Account to, String subject, String reply, byte[] headers,
                                  MsgTrace trace) {
        if (message.hops() >= MAX_HOPS) {
            LOG.warn("Dropping message on {} in account {}: it crossed {} accounts", subject, to, MAX_HOPS);
            return false;
        }
        MatchResult result = to.index().match(subject);
        return result != MatchResult.INVALID && deliver(result, message.forward(to, subject, reply, headers, trace));
    }

    /** Re-publishes a message crossing a stream import into account {@code to} (see {@link #forward}). */
    public static boolean forwardStream(Message message, Account to, String subject, String reply, MsgTrace trace) {
        if (message.hops() >= MAX_HOPS) {
            LOG.warn("Dropping message on {} in account {}: it crossed {} accounts", subject, to, MAX_HOPS);
            return false;
        }
        MatchResult result = to.index().match(subject);
        return result != MatchResult.INVALID
                && deliver(result, message.forwardStream(to, subject, reply, trace));
    }

    /**
     * Re-publishes a request crossing a service import into account {@code to}: like {@link #forward}, with the
     * import's share flag remembered for imports further on ({@link Message#serviceShare()}).
     *
     * @return whether any subscription in {@code to} took it
     */
    public static boolean forwardRequest(Message message, Account to, String subject, String reply, byte[] headers,
                                         boolean share, MsgTrace trace) {
        if (message.hops() >= MAX_HOPS) {
            LOG.warn("Dropping message on {} in account {}: it crossed {} accounts", subject, to, MAX_HOPS);
            return false;
        }
        MatchResult result = to.index().match(subject);
        return result != MatchResult.INVALID
                && deliver(result, message.forwardRequest(to, subject, reply, headers, share, trace));
    }

    /** Delivers one message to every match; returns whether anyone received it. */
    static boolean deliver(MatchResult result, Message m) {
        MsgTrace trace = m.trace();
        if (trace != null) {
            return TracedDelivery.deliver(result, m, trace);
        }
        boolean delivered = false;
        int sent = 0;
        for (Subscription s : result.plain()) {
            if (s instanceof ClientSubscription sub) {
                if (deliverTo(sub, m)) {
                    sent++;
                    delivered = true;
                }
            } else {
                delivered |= deliverInternal((InternalSubscription) s, m);
            }
        }
        for (Subscription[] group : result.queueGroups()) {
            int n = group.length;
            int first = n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
            for (int k = 0; k < n; k++) {
                Subscription s = group[(first + k) % n];
                if (s instanceof ClientSubscription sub) {
                    if (deliverTo(sub, m)) {
                        sent++;
                        delivered = true;
                        break;
                    }
                } else if (deliverInternal((InternalSubscription) s, m)) {
                    delivered = true;
                    break;
                }
            }
        }
        countSent(m, sent);
        return delivered;
    }

    /**
     * Counts {@code sent} deliveries of {@code m} to clients in the account's "sent" traffic, once per message as
     * nats-server does (server/client.go, processMsgResults: deliveries to internal subscriptions do not count).
     */
    static void countSent(Message m, int sent) {
        if (sent > 0) {
            m.sentFrom().sent(sent, m.args().totalLength);
        }
    }

    static boolean deliverInternal(InternalSubscription s, Message m) {
        try {
            return s.onMessage(m);
        } catch (RuntimeException e) {
            LOG.error("Internal subscription on {} failed for {}", s, m, e);
            return false;
        }
    }

    private static boolean deliverTo(ClientSubscription sub, Message m) {
        ClientConnection target = sub.client;
        ClientConnection publisher = m.publisher();
        if (target == publisher && !publisher.echo) {
            return false;
        }
        PubArgs a = m.args();
        PermissionsSession targetPermissions = target.permissions;
        if (targetPermissions != null) {
            if (sub.filtered && !targetPermissions.policy().deliveryAllowed(sub.queue(), a.subject())) {
                return false;
            }
            if (a.hasReply() && targetPermissions.tracksReplies()) {
                targetPermissions.replyDelivered(a.line, a.replyOffset, a.replyLength);
            }
        }
        return target.enqueueMessage(sub, m.buf(), a, publisher);
    }
}
