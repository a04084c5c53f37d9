package io.natrix.cli.messaging;

import io.natrix.cli.CliException;
import io.natrix.cli.output.Human;
import io.nats.client.BaseConsumerContext;
import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.MessageConsumer;
import io.nats.client.MessageHandler;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * Where {@code sub} reads a stream from: natscli's JetStream subscription. The stream is {@code --stream} or the
 * one whose subjects hold the subject given; messages come from an ordered consumer (ephemeral, no acks,
 * recreated by jnats on a gap) or, with {@code --durable}, from that pull consumer (made with the delivery asked
 * for when it does not exist yet), which the caller reads one message at a time. The delivery
 * ({@link Delivery}) maps onto the consumer's deliver policy as natscli maps its flags, and is announced on the
 * status log in natscli's words.
 *
 * <p>Used by one command thread to start; messages then arrive on jnats' dispatcher thread.
 */
final class JetStreamSource {

    /** Where in the stream to start: natscli's {@code --start-sequence/--all/--new/--last/--since/...} flags. */
    record Delivery(long startSequence, boolean all, boolean newOnly, boolean last, Duration since,
                    boolean lastPerSubject) {

        /** Whether any of the flags asks for JetStream. */
        boolean requested() {
            return startSequence > 0 || all || newOnly || last || since != null || lastPerSubject;
        }
    }

    /**
     * A started source: either {@code consumer}, pushing to the handler until stopped, or {@code pull}, a durable
     * consumer the caller reads a message at a time; {@code ack} says whether its messages want acknowledging.
     */
    record Started(MessageConsumer consumer, ConsumerContext pull, boolean ack, String subject) {
    }

    private final Connection conn;
    private final JetStreamOptions options;
    private final StatusLog log;

    JetStreamSource(Connection conn, JetStreamOptions options, StatusLog log) {
        this.conn = conn;
        this.options = options;
        this.log = log;
    }

    /**
     * Starts delivering to {@code handler}. {@code stream} may be null (found from {@code subject}),
     * {@code subject} null (the whole stream), {@code durable} null (an ordered consumer).
     */
    Started start(String stream, String subject, String durable, Delivery delivery, boolean headersOnly,
                  MessageHandler handler) throws IOException, JetStreamApiException {
        JetStreamManagement jsm = conn.jetStreamManagement(options);
        JetStream js = conn.jetStream(options);
        String streamName = stream != null ? stream : streamFor(jsm, subject);
        StreamContext sc = js.getStreamContext(streamName);
        StreamConfiguration config = sc.getStreamInfo().getConfiguration();
        if (durable == null && (config.getRetentionPolicy() == RetentionPolicy.WorkQueue
                || config.getRetentionPolicy() == RetentionPolicy.Interest)) {
            // natscli reads such streams with direct gets so as not to consume them; natrix asks for a consumer.
            throw new CliException("stream " + streamName + " has " + config.getRetentionPolicy()
                    + " retention: subscribe with --durable to consume it");
        }
        String shown = subject == null ? ">" : subject;
        DeliverPolicy policy = announce(shown, delivery);
        if (durable == null) {
            OrderedConsumerConfiguration occ = new OrderedConsumerConfiguration().headersOnly(headersOnly);
            if (subject != null) {
                occ.filterSubject(subject);
            }
            applyTo(occ, policy, delivery);
            BaseConsumerContext ctx = sc.createOrderedConsumer(occ);
            return new Started(ctx.consume(handler), null, false, shown);
        }
        // A work queue only hands messages to consumers that acknowledge them: ack each one once shown.
        AckPolicy ackPolicy = config.getRetentionPolicy() == RetentionPolicy.WorkQueue ? AckPolicy.Explicit
                : AckPolicy.None;
        ConsumerContext ctx = durableConsumer(sc, streamName, subject, durable, policy, delivery, headersOnly,
                ackPolicy);
        ConsumerInfo info = ctx.getCachedConsumerInfo();
        ConsumerConfiguration cc = info.getConsumerConfiguration();
        List<String> filters = cc.getFilterSubjects();
        if (filters != null && filters.size() > 1) {
            throw new CliException("cannot subscribe to multi filter consumers");
        }
        String filter = filters == null || filters.isEmpty() ? shown : filters.get(0);
        // A durable consumer's place is the user's: it is read one message at a time, so that stopping after
        // --count messages leaves none fetched but unshown (lost, under ack policy none).
        return new Started(null, ctx, cc.getAckPolicy() != AckPolicy.None, filter);
    }

    private static String streamFor(JetStreamManagement jsm, String subject)
            throws IOException, JetStreamApiException {
        List<String> names = jsm.getStreamNames(subject);
        if (names.isEmpty()) {
            throw new CliException("no stream found with subject: " + subject);
        }
        return names.get(0);
    }

    private ConsumerContext durableConsumer(StreamContext sc, String stream, String subject, String durable,
                                            DeliverPolicy policy, Delivery delivery, boolean headersOnly,
                                            AckPolicy ackPolicy) throws IOException, JetStreamApiException {
        ConsumerInfo existing = null;
        try {
            existing = sc.getConsumerInfo(durable);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != 10014) {
                throw e;
            }
        }
        if (existing != null) {
            if (existing.getConsumerConfiguration().getDeliverSubject() != null) {
                throw new CliException("consumer " + durable + " is a push consumer: natrix sub reads pull consumers");
            }
            log.printf("Subscribing to JetStream Stream \"%s\" using existing pull consumer \"%s\"", stream, durable);
            return sc.getConsumerContext(durable);
        }
        ConsumerConfiguration.Builder b = ConsumerConfiguration.builder().durable(durable)
                .ackPolicy(ackPolicy).headersOnly(headersOnly).deliverPolicy(policy);
        if (subject != null) {
            b.filterSubject(subject);
        }
        if (policy == DeliverPolicy.ByStartSequence) {
            b.startSequence(delivery.startSequence());
        } else if (policy == DeliverPolicy.ByStartTime) {
            b.startTime(ZonedDateTime.now().minus(delivery.since()));
        }
        try {
            return sc.createOrUpdateConsumer(b.build());
        } catch (JetStreamApiException e) {
            throw new CliException("failed to create durable consumer \"" + durable + "\": "
                    + e.getErrorDescription() + " (" + e.getApiErrorCode() + ")", e);
        }
    }

    /** The deliver policy for the flags, announced as natscli announces it (nothing for the default). */
    private DeliverPolicy announce(String subject, Delivery d) {
        if (d.startSequence() > 0) {
            log.printf("Subscribing to subject %s starting at sequence %d", subject, d.startSequence());
            return DeliverPolicy.ByStartSequence;
        }
        if (d.last()) {
            log.printf("Subscribing to subject %s from last received message", subject);
            return DeliverPolicy.Last;
        }
        if (d.all()) {
            log.printf("Subscribing to subject %s from first received message", subject);
            return DeliverPolicy.All;
        }
        if (d.newOnly()) {
            log.printf("Subscribing to subject %s for new messages", subject);
            return DeliverPolicy.New;
        }
        if (d.since() != null) {
            log.printf("Subscribing to subject %s since %s", subject, Human.duration(d.since()));
            return DeliverPolicy.ByStartTime;
        }
        if (d.lastPerSubject()) {
            log.printf("Subscribing to subject %s for last message per subject", subject);
            return DeliverPolicy.LastPerSubject;
        }
        return DeliverPolicy.All;
    }

    private static void applyTo(OrderedConsumerConfiguration occ, DeliverPolicy policy, Delivery d) {
        occ.deliverPolicy(policy);
        if (policy == DeliverPolicy.ByStartSequence) {
            occ.startSequence(d.startSequence());
        } else if (policy == DeliverPolicy.ByStartTime) {
            occ.startTime(ZonedDateTime.now().minus(d.since()));
        }
    }
}
