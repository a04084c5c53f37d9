package io.natrix.server.client;

import io.natrix.server.auth.PermissionsSession;
import io.natrix.server.protocol.PubArgs;
import io.natrix.server.subject.MatchResult;
import io.natrix.server.subject.Subscription;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link Router#deliver} for a traced message: the same deliveries (every plain match, one member of each queue
 * group, the next member when one refuses), each client subscription recorded as an egress event of the
 * {@link MsgTrace}, with the reason when it did not get the message, in nats-server's order of checks
 * (server/client.go, deliverMsg):
 *
 * <ol>
 *   <li>the publisher's own subscription while it has echo off: {@value MsgTrace#NO_ECHO};</li>
 *   <li>a wildcard subscription whose user may not receive this subject: {@value MsgTrace#SUBSCRIPTION_DENIES};</li>
 *   <li>a subscription already removed: {@value MsgTrace#SUBSCRIPTION_CLOSED};</li>
 *   <li>trace only: recorded as delivered, nothing sent, nothing counted (nats-server 2.11 leaves the connection's
 *       counters alone but still adds the message to the account's and server's: Natrix counts neither);</li>
 *   <li>the subscriber closed or cut off as a slow consumer: {@value MsgTrace#CLIENT_CLOSED}; past its
 *       auto-unsubscribe count: {@value MsgTrace#AUTO_UNSUBSCRIBE_EXCEEDED}.</li>
 * </ol>
 *
 * Internal subscriptions (imports, system services) get the message even when tracing only, as in nats-server,
 * and record no egress: an import records its crossing instead, and the deliveries beyond it.
 *
 * <p>Stateless; runs on the publishing thread.
 */
final class TracedDelivery {

    private TracedDelivery() {
    }

    static boolean deliver(MatchResult result, Message m, MsgTrace trace) {
        boolean delivered = false;
        int[] sent = new int[1];
        for (Subscription s : result.plain()) {
            delivered |= deliverTo(s, m, trace, sent);
        }
        for (Subscription[] group : result.queueGroups()) {
            int n = group.length;
            int first = n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
            for (int k = 0; k < n; k++) {
                if (deliverTo(group[(first + k) % n], m, trace, sent)) {
                    delivered = true;
                    break;
                }
            }
        }
        Router.countSent(m, sent[0]);
        return delivered;
    }

    /** Delivers to one subscription; {@code sent[0]} counts the messages that really went to a client. */
    private static boolean deliverTo(Subscription s, Message m, MsgTrace trace, int[] sent) {
        if (!(s instanceof ClientSubscription sub)) {
            return Router.deliverInternal((InternalSubscription) s, m);
        }
        ClientConnection target = sub.client;
        ClientConnection publisher = m.publisher();
        if (target == publisher && !publisher.echo) {
            trace.egress(target, sub, MsgTrace.NO_ECHO);
            return false;
        }
        PubArgs a = m.args();
        PermissionsSession targetPermissions = target.permissions;
        if (targetPermissions != null && sub.filtered
                && !targetPermissions.policy().deliveryAllowed(sub.queue(), a.subject())) {
            trace.egress(target, sub, MsgTrace.SUBSCRIPTION_DENIES);
            return false;
        }
        if (!target.isClosed() && !target.holds(sub)) {
            trace.egress(target, sub, MsgTrace.SUBSCRIPTION_CLOSED);
            return false;
        }
        if (trace.traceOnly()) {
            trace.egress(target, sub, null);
            return true; // not sent, but it would have been: no "no responders" for the publisher
        }
        if (targetPermissions != null && a.hasReply() && targetPermissions.tracksReplies()) {
            targetPermissions.replyDelivered(a.line, a.replyOffset, a.replyLength);
        }
        if (target.enqueueMessage(sub, m.buf(), a, publisher)) {
            trace.egress(target, sub, null);
            sent[0]++;
            return true;
        }
        String why = target.refusal(sub);
        trace.egress(target, sub, why == null ? MsgTrace.CLIENT_CLOSED : why);
        return false;
    }
}
