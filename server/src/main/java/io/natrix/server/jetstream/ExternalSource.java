package io.natrix.server.jetstream;

import io.natrix.server.account.Account;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.Router;
import io.natrix.server.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mirror or source whose origin is reached through an {@code external} API prefix that is not this account's own
 * JetStream: another account's, through the imports of the sourcing account. It reads the origin as nats-server
 * does, through a consumer it asks the origin's JetStream for ({@link SourceConsumerRequest}): an ephemeral push
 * consumer with flow control and heartbeats, delivering on a subject under {@code external.deliver}.
 *
 * <p>What the sourcing account needs (nats-server's cross-account configuration): a service import of the origin
 * account's {@code $JS.API.CONSUMER.>} (or {@code $JS.API.>}) under the {@code api} prefix, a stream import of the
 * deliver subjects (exported by the origin account under the {@code deliver} prefix, imported unchanged), and a
 * service import of {@code $JS.FC.>} for flow-control replies. What is missing shows as the mirror's or source's
 * {@code error}: a create request nobody takes, a consumer whose messages never arrive, a flow-control reply
 * nobody takes.
 *
 * <p><b>Life of the consumer.</b> {@code IDLE → CREATING} sends the create request (the deliver subscription is
 * made first, so nothing delivered before the answer is lost); {@code CREATING → ACTIVE} on a good answer, back to
 * {@code IDLE} on an error answer or after {@link #CREATE_TIMEOUT_NANOS}, retried after a back-off that grows with
 * the failures ({@link #RETRY_MIN_NANOS} times their number, at most {@link #RETRY_MAX_NANOS}). An active consumer
 * is made again (from the last origin sequence taken) when a delivery sequence is skipped (a heartbeat's
 * {@code Nats-Last-Consumer} differs, or a message's consumer sequence is not the next), when the stream refuses a
 * message, or when nothing arrived for {@link #STALL_NANOS}; an origin deleted and created again is found this way.
 * A consumer given up is deleted ({@code CONSUMER.DELETE} under the same prefix). An import of only
 * {@code CONSUMER.CREATE.>} does not carry that request, and the origin's stream import counts as a subscriber, so
 * such consumers stay in the origin's account: import {@code $JS.API.CONSUMER.>}, as nats-server's example does.
 * Requests go at most every {@link #RETRY_MIN_NANOS}.
 *
 * <p><b>Messages.</b> Each delivery's reply ({@link AckReply}) gives the origin sequence, time and pending count. A
 * mirror stores at the origin sequence (origin gaps are skipped, {@link Stream#storeCopied}); a source adds its
 * {@code Nats-Stream-Source} header. Deliveries of an older consumer, redeliveries and sequences already taken are
 * dropped. Flow-control requests are answered as the messages before them are stored, which bounds what waits
 * here.
 *
 * <p>Threads: the subscriptions run on the publishers' threads (the origin's consumer, the origin's API thread) and
 * only queue a copy of the message ({@link #inbox}, bounded) and wake the stream's sourcing; everything else runs
 * in {@link #copy} and {@link #close}, on the sourcing thread under {@link StreamSourcing}'s run lock. Publishing
 * (requests, flow-control replies) happens there too: into this account, where imports carry it on.
 */
final class ExternalSource {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalSource.class);

    /**
     * How long without a message or heartbeat (one a second) before the consumer is made again. nats-server looks
     * every ten seconds; this is looked at on every one-second tick, so an origin that went is noticed sooner.
     */
    static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long a create request may go unanswered. */
    static final long CREATE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** nats-server's sourceConsumerRetryThreshold: the least time between two create requests. */
    static final long RETRY_MIN_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The longest back-off between failed create requests. */
    static final long RETRY_MAX_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** Most messages waiting in {@link #inbox}; more are dropped (the sequence checks then make the consumer again). */
    static final int INBOX_MSGS_MAX = 16_384;
    /** Most bytes waiting in {@link #inbox}: twice what a flow-controlled consumer may have in flight. */
    static final long INBOX_BYTES_MAX = 2 * Consumer.FLOW_CONTROL_MAX_PENDING;

    private static final String TOKEN_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final byte[] NO_BYTES = new byte[0];
    private static final String LAST_CONSUMER = "Nats-Last-Consumer";
    private static final String STALLED = "Nats-Consumer-Stalled";

    /** Stores one message taken from the origin; false when the stream refused it. */
    @FunctionalInterface
    interface Storer {
        boolean store(SourceCursor cursor, StoredMessage message);
    }

    private enum State { IDLE, CREATING, ACTIVE }

    /** A message queued by a subscription: a create answer or a delivery, of consumer {@code generation}. */
    private record Inbound(int generation, boolean answer, String subject, String reply, byte[] headers,
                           byte[] payload) {
        long size() {
            return payload.length + (headers == null ? 0 : headers.length);
        }
    }

    private final Account account;
    private final String streamName;
    private final SourceCursor cursor;
    private final StreamSource source;
    private final Runnable wake;
    private final Storer storer;
    private final String namePrefix;
    /** Create answers come back on {@code <replyPrefix><generation>}. */
    private final String replyPrefix;
    private final InternalSubscription answers;
    private final ConcurrentLinkedQueue<Inbound> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxMsgs = new AtomicInteger();
    private final AtomicLong inboxBytes = new AtomicLong();

    // ---- the sourcing thread only
    /** Which consumer is current; what an older one sent is dropped. Read by nobody else. */
    private int generation;
    private State state = State.IDLE;
    /** The name asked for, also while creating (deliveries may come before the answer). */
    private String consumerName;
    private String deliverSubject;
    private InternalSubscription deliveries;
    /** The consumer sequence of the last delivery taken. */
    private long dseq;
    private long requestedAtNanos;
    private long retryAtNanos;
    private long lastHeardNanos;
    private boolean heard;
    private int fails;
    /** An error that stays shown while messages still flow (flow-control replies reaching nobody). */
    private JsApiError lasting;
    private String logged;

    /**
     * Reads {@code cursor}'s external origin for the stream {@code streamName} of {@code account}; nothing is sent
     * before the first {@link #copy}.
     */
    ExternalSource(Account account, String streamName, SourceCursor cursor, Runnable wake, Storer storer) {
        this.account = account;
        this.streamName = streamName;
        this.cursor = cursor;
        this.source = cursor.config();
        this.wake = wake;
        this.storer = storer;
        this.namePrefix = (cursor.isMirror() ? "JS_MIRROR_" : "JS_SRC_")
                + SourceHeader.hash(account.name() + ' ' + streamName + ' ' + cursor.indexName());
        this.replyPrefix = "$JSC.R." + token() + ".";
        this.answers = new InternalSubscription(replyPrefix + "*", null) {
            @Override
            protected boolean onMessage(Message m) {
                int g = generationOf(m.subject());
                if (g >= 0) {
                    offer(new Inbound(g, true, m.subject(), null, null, m.payload()));
                }
                return true;
            }
        };
        account.index().insert(answers);
    }

    /**
     * Takes what arrived (at most one batch), answers flow control, and moves the consumer along its life; whether
     * more is waiting. Sourcing thread, under the run lock.
     */
    boolean copy(long nowNanos) {
        int taken = 0;
        long bytes = 0;
        Inbound in;
        while (taken < StreamSourcing.BATCH_MSGS_MAX && bytes < StreamSourcing.BATCH_BYTES_MAX
                && (in = inbox.poll()) != null) {
            inboxMsgs.decrementAndGet();
            inboxBytes.addAndGet(-in.size());
            taken++;
            bytes += in.size();
            if (in.generation() != generation || state == State.IDLE) {
                continue;
            }
            if (in.answer()) {
                onAnswer(in.payload(), nowNanos);
            } else {
                onDelivery(in, nowNanos);
            }
        }
        switch (state) {
            case IDLE -> {
                if (nowNanos - retryAtNanos >= 0) {
                    request(nowNanos);
                }
            }
            case CREATING -> {
                if (nowNanos - requestedAtNanos > CREATE_TIMEOUT_NANOS) {
                    failed(nowNanos, SourceConsumerRequest.setupFailed(cursor.isMirror(),
                            "timeout creating consumer of '" + source.name() + "' through '" + source.external().api()
                                    + "'"));
                }
            }
            case ACTIVE -> {
                if (nowNanos - lastHeardNanos > STALL_NANOS) {
                    if (!heard) {
                        failed(nowNanos, SourceConsumerRequest.setupFailed(cursor.isMirror(), "consumer '"
                                + consumerName + "' of '" + source.name() + "' sent nothing to '" + deliverSubject
                                + "': is the deliver prefix '" + source.external().deliver() + "' imported?"));
                    } else {
                        restart();
                    }
                }
            }
        }
        return !inbox.isEmpty();
    }

    /** Gives the consumer up and stops listening. Sourcing thread (or with the run lock held). */
    void close() {
        cancel();
        account.index().remove(answers);
        inbox.clear();
    }

    // ---------------------------------------------------------------- the consumer's life

    private void request(long nowNanos) {
        generation++;
        consumerName = namePrefix + "_" + token();
        String prefix = source.external().deliver().isEmpty() ? "$JS" : source.external().deliver();
        deliverSubject = (prefix + (cursor.isMirror() ? ".M." : ".S.") + token()).replace("..", ".");
        int g = generation;
        deliveries = new InternalSubscription(deliverSubject, null) {
            @Override
            protected boolean onMessage(Message m) {
                offer(new Inbound(g, false, m.subject(), m.reply(), m.headers(), m.payload()));
                return true;
            }
        };
        account.index().insert(deliveries);
        long startSeq = cursor.startTimeNanos != 0 || cursor.lastSeq == 0 ? 0 : cursor.lastSeq + 1;
        SourceConsumerRequest.Request r = SourceConsumerRequest.create(source, consumerName, deliverSubject,
                startSeq, cursor.startTimeNanos);
        state = State.CREATING;
        requestedAtNanos = nowNanos;
        lastHeardNanos = nowNanos;
        heard = false;
        dseq = 0;
        if (!Router.publish(account, r.subject(), replyPrefix + g, null, r.body())) {
            failed(nowNanos, SourceConsumerRequest.setupFailed(cursor.isMirror(), "no responders for '"
                    + r.subject() + "': is the JetStream API of the origin's account imported under '"
                    + source.external().api() + "'?"));
        }
    }

    private void onAnswer(byte[] answer, long nowNanos) {
        if (state != State.CREATING) {
            return;
        }
        SourceConsumerRequest.Created created;
        try {
            created = SourceConsumerRequest.read(answer, cursor.isMirror());
        } catch (JsApiException e) {
            failed(nowNanos, e.error());
            return;
        }
        state = State.ACTIVE;
        if (fails > 0) {
            LOG.info("Stream '{} > {}' reads '{}' again through consumer '{}'", account.name(), streamName,
                    source.name(), created.name());
        }
        fails = 0;
        logged = null;
        // The position stays where it is, unlike nats-server's (which moves it to the answer's delivered stream
        // sequence): the consumer may have delivered before answering, and those deliveries may still be queued.
        contact(nowNanos);
    }

    private void onDelivery(Inbound in, long nowNanos) {
        lastHeardNanos = nowNanos;
        heard = true;
        if (in.payload().length == 0 && isStatus100(in.headers())) {
            control(in, nowNanos);
            return;
        }
        AckReply a = AckReply.parse(in.reply());
        if (a == null || !a.consumer().equals(consumerName) || a.deliveries() > 1) {
            return;
        }
        if (a.streamSeq() <= cursor.lastSeq) {
            if (a.consumerSeq() == dseq + 1) {
                dseq++;
            }
            return;
        }
        if (a.consumerSeq() != dseq + 1) {
            restart(); // something was lost on the way: read again from the last message taken
            return;
        }
        StoredMessage m = new StoredMessage(a.streamSeq(), in.subject(), in.headers(), in.payload(),
                a.timestampNanos());
        if (!storer.store(cursor, m)) {
            restart(); // refused (limits, size): tried again from this message on
            return;
        }
        dseq = a.consumerSeq();
        cursor.lastSeq = a.streamSeq();
        cursor.startTimeNanos = 0;
        cursor.lag(a.pending());
        contact(nowNanos);
    }

    /** A heartbeat or flow-control request ({@code NATS/1.0 100 ...}, no payload). */
    private void control(Inbound in, long nowNanos) {
        if (in.reply() != null && !in.reply().isEmpty()) {
            flowControl(in.reply(), nowNanos);
            return;
        }
        NatsHeaders h = NatsHeaders.parse(in.headers());
        String last = h.get(LAST_CONSUMER);
        if (last != null && !last.isEmpty()) {
            try {
                long sent = Long.parseLong(last.trim());
                if (sent > 0 && sent != dseq) {
                    restart(); // deliveries were lost
                    return;
                }
            } catch (NumberFormatException e) {
                // not a heartbeat we understand: ignored
            }
        }
        String stalled = h.get(STALLED);
        if (stalled != null && !stalled.isEmpty()) {
            flowControl(stalled.trim(), nowNanos);
            return;
        }
        contact(nowNanos);
    }

    /** Answers a flow-control request; one that reaches nobody is an error, and the consumer is made again. */
    private void flowControl(String reply, long nowNanos) {
        if (Router.publish(account, reply, null, null, NO_BYTES)) {
            lasting = null;
            contact(nowNanos);
            return;
        }
        lasting = SourceConsumerRequest.setupFailed(cursor.isMirror(), "flow control reply to '" + reply
                + "' reaches nobody: is $JS.FC.> of the origin's account imported?");
        cursor.fail(lasting);
        logOnce(lasting);
        restart(); // a new consumer delivers again up to its flow-control window
    }

    private void contact(long nowNanos) {
        cursor.contact(nowNanos);
        if (lasting != null) {
            cursor.fail(lasting);
        }
    }

    /**
     * Gives the consumer up and asks for a new one from the last message taken, no sooner than
     * {@link #RETRY_MIN_NANOS} after the last request (the sourcing's one-second tick sends it).
     */
    private void restart() {
        LOG.debug("Stream '{} > {}' asks again for a consumer of '{}' from sequence {}", account.name(), streamName,
                source.name(), cursor.lastSeq + 1);
        cancel();
        retryAtNanos = requestedAtNanos + RETRY_MIN_NANOS;
    }

    /** Gives the consumer up after {@code why}, shown in the info; tried again after a back-off. */
    private void failed(long nowNanos, JsApiError why) {
        cancel();
        fails++;
        retryAtNanos = nowNanos + Math.min(RETRY_MAX_NANOS, RETRY_MIN_NANOS * fails);
        cursor.fail(why);
        logOnce(why);
    }

    /** Unsubscribes from the current consumer and deletes it at the origin. */
    private void cancel() {
        if (deliveries != null) {
            account.index().remove(deliveries);
            deliveries = null;
        }
        if (state != State.IDLE && consumerName != null) {
            Router.publish(account, SourceConsumerRequest.deleteSubject(source, consumerName), null, null, NO_BYTES);
        }
        generation++;
        state = State.IDLE;
        consumerName = null;
    }

    // ---------------------------------------------------------------- publishers' threads

    private void offer(Inbound in) {
        if (inboxMsgs.get() >= INBOX_MSGS_MAX || inboxBytes.get() >= INBOX_BYTES_MAX) {
            return; // dropped: the consumer sequence shows the gap and the consumer is made again
        }
        inboxMsgs.incrementAndGet();
        inboxBytes.addAndGet(in.size());
        inbox.add(in);
        wake.run();
    }

    private int generationOf(String subject) {
        if (!subject.startsWith(replyPrefix)) {
            return -1;
        }
        try {
            return Integer.parseInt(subject.substring(replyPrefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static boolean isStatus100(byte[] headers) {
        if (headers == null || headers.length < 12) {
            return false;
        }
        return new String(headers, 0, 12, StandardCharsets.US_ASCII).equals("NATS/1.0 100");
    }

    private void logOnce(JsApiError why) {
        String text = why.description();
        if (!text.equals(logged)) {
            logged = text;
            LOG.warn("Stream '{} > {}' can not read '{}' through '{}': {}", account.name(), streamName,
                    source.name(), source.external().api(), text);
        }
    }

    private static String token() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] t = new char[8];
        for (int i = 0; i < t.length; i++) {
            t[i] = TOKEN_DIGITS.charAt(r.nextInt(TOKEN_DIGITS.length()));
        }
        return new String(t);
    }
}
