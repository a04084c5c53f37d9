package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.Dispatcher;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import io.nats.client.impl.NatsJetStreamMetaData;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * JetStream consumers with jnats: a fresh file stream (created before and deleted after each run, with its
 * consumers) is filled with {@code --js-consume-msgs} messages by asynchronous publishes before the clock starts, then
 * one connection consumes the whole stream through one consumer:
 * <ul>
 *   <li><b>pull</b> ({@code js-pull}): a durable pull consumer with explicit acks (created before the clock starts);
 *       {@value #FETCH_BATCH}-message fetches ({@code ConsumerContext.fetch}), every message acknowledged with a plain
 *       {@code ack()} (a publish, no reply).</li>
 *   <li><b>ordered</b> ({@code js-ordered}): jnats' ordered consumer ({@code StreamContext.createOrderedConsumer} and
 *       {@code consume}, an ephemeral pull consumer with no acks that jnats manages), replaying the stream.</li>
 *   <li><b>push</b> ({@code js-push}): a durable push consumer with ack policy none delivering to a subject the
 *       connection subscribes to in a {@code Dispatcher} (pending limits off); the clock starts just before the
 *       consumer is created, which starts the delivery.</li>
 *   <li><b>redeliver</b> ({@code js-redeliver}): a durable pull consumer with explicit acks, ack wait
 *       {@value #REDELIVER_ACK_WAIT_SECONDS} s and {@code max_ack_pending} = the message count. A first pass (not
 *       measured) fetches every message and acknowledges none. The measured second pass NAKs every first delivery
 *       (plain {@code nak()}, no reply), then fetches the redeliveries and acknowledges each. The ack wait is long
 *       so that no redelivery can come from the timer during the first pass: with an ack wait of 1 s, the first
 *       pass over 100,000 messages outlasted it on the 2-core machine and most messages came back interleaved with
 *       first deliveries, leaving no clean second pass to time.</li>
 * </ul>
 * The clock stops when every message has been received and, for the acknowledging scenarios, the server has answered
 * a PING sent after the last acknowledgement. Reported: messages per second. Every message is checked: its stream
 * sequence (from the reply subject's metadata) must be the next one (in order for pull, ordered and push; each
 * sequence exactly once for redelivery), its delivery count 1 (2 for the redeliveries), its payload whole; an
 * acknowledging consumer must then report its ack floor at the last sequence with nothing pending. Anything else,
 * or a timeout, fails the run. Instances are immutable; a run uses its own connection.
 */
final class JsConsume implements JetStreamCase {
    /** Messages per pull request in the pull and redelivery scenarios. */
    static final int FETCH_BATCH = 500;
    /** Ack wait of the redelivery scenario's consumer: longer than both passes, so only the NAKs redeliver. */
    static final long REDELIVER_ACK_WAIT_SECONDS = 30;
    /** Messages a warm-up run consumes (at most the configured count). */
    private static final int WARMUP_MESSAGES = 20_000;
    /** How long one pull request waits on the server for messages that are not there yet. */
    private static final long FETCH_EXPIRES_MILLIS = 5000;
    /** How long the acknowledgements may take to show in the consumer's state after the last one was flushed. */
    private static final Duration ACK_STATE_TIMEOUT = Duration.ofSeconds(10);
    private static final String DURABLE = "bench";

    /** The four scenarios; {@code option} is the {@code --scenarios} name. */
    enum Mode {
        PULL("js-pull", "pull, explicit ack, batch " + FETCH_BATCH),
        ORDERED("js-ordered", "ordered consumer"),
        PUSH("js-push", "push, ack none"),
        REDELIVER("js-redeliver", "redelivery after NAK, pull, explicit ack");

        final String option;
        final String label;

        Mode(String option, String label) {
            this.option = option;
            this.label = label;
        }
    }

    private final Mode mode;
    private final int size;
    private final int messages;

    JsConsume(Mode mode, int size, int messages) {
        this.mode = mode;
        this.size = size;
        this.messages = messages;
    }

    /** The selected consumer cases, by scenario then payload size ({@code --js-sizes}). */
    static List<BenchCase> cases(BenchConfig config) {
        List<BenchCase> cases = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            if (config.wants(mode.option)) {
                config.jsSizes().forEach(size -> cases.add(new JsConsume(mode, size, config.jsConsumeMsgs())));
            }
        }
        return cases;
    }

    /** Warm-ups for the selected consumer scenarios: 128 B, at most {@value #WARMUP_MESSAGES} messages a run. */
    static List<BenchCase> warmUps(BenchConfig config) {
        List<BenchCase> warmups = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            if (config.wants(mode.option)) {
                warmups.add(new JsConsume(mode, 128, Math.min(WARMUP_MESSAGES, config.jsConsumeMsgs())));
            }
        }
        return warmups;
    }

    @Override
    public String title() {
        return "jnats JetStream " + mode.label + ", " + Sizes.label(size);
    }

    @Override
    public List<Metric> metrics() {
        return List.of(Metric.rate("rate", mode == Mode.REDELIVER ? "redelivered msg/s" : "msg/s", size),
                Metric.serverCpu("msg"));
    }

    /** Fixed work (this case's messages; a warm-up's are few): the count and the duration do not apply. */
    @Override
    public Sample measure(ServerProcess server, BenchConfig config, long fixedCount, long durationMillis)
            throws Exception {
        JnatsSupport.ErrorLog errors = new JnatsSupport.ErrorLog();
        Connection connection = JnatsSupport.connect(server.url(), mode.option, config, errors);
        try {
            JetStreamManagement jsm = connection.jetStreamManagement(JsSupport.options());
            JetStream js = connection.jetStream(JsSupport.options());
            String stream = JsSupport.uniqueStream(mode.option.substring(3));
            JsSupport.createStream(jsm, stream, false);
            try {
                long deadline = System.nanoTime() + Duration.ofMillis(config.runTimeoutMillis()).toNanos();
                JsSupport.fill(js, JsSupport.subjectOf(stream), JnatsSupport.payload(size), messages,
                        config.jsInFlight(), deadline);
                Run run = new Run(server, connection, jsm, stream, errors,
                        System.nanoTime() + Duration.ofMillis(config.runTimeoutMillis()).toNanos());
                return switch (mode) {
                    case PULL -> run.pull();
                    case ORDERED -> run.ordered();
                    case PUSH -> run.push();
                    case REDELIVER -> run.redeliver();
                };
            } finally {
                JsSupport.deleteQuietly(jsm, stream);
            }
        } finally {
            JnatsSupport.closeQuietly(connection);
        }
    }

    /** One measured run against one stream; used by one thread (the handlers of a Dispatcher only touch a Tally). */
    private final class Run {
        private final ServerProcess server;
        private final Connection connection;
        private final JetStreamManagement jsm;
        private final String stream;
        private final JnatsSupport.ErrorLog errors;
        private final long deadline;
        private long cpuBefore;
        private long start;

        Run(ServerProcess server, Connection connection, JetStreamManagement jsm, String stream,
            JnatsSupport.ErrorLog errors, long deadline) {
            this.server = server;
            this.connection = connection;
            this.jsm = jsm;
            this.stream = stream;
            this.errors = errors;
            this.deadline = deadline;
        }

        private void startClock() {
            cpuBefore = ProcFs.cpuNanosOfTree(server.handle());
            start = System.nanoTime();
        }

        Sample pull() throws Exception {
            ConsumerContext consumer = durable(ConsumerConfiguration.builder()
                    .durable(DURABLE).ackPolicy(AckPolicy.Explicit).build());
            Tally tally = new Tally(true, 1);
            startClock();
            String failure = fetchAll(consumer, tally);
            if (failure == null) {
                connection.flush(remaining());
            }
            long elapsed = System.nanoTime() - start;
            return finish(tally.count, elapsed, failure != null ? failure : tally.failure(), true);
        }

        Sample ordered() throws Exception {
            StreamContext context = connection.getStreamContext(stream, JsSupport.options());
            Tally tally = new Tally(true, 1);
            CountDownLatch done = new CountDownLatch(1);
            startClock();
            MessageConsumer consumer = context.createOrderedConsumer(new OrderedConsumerConfiguration())
                    .consume(message -> tally.acceptAsync(message, done));
            long elapsed;
            try {
                boolean finished = done.await(remaining().toNanos(), TimeUnit.NANOSECONDS);
                elapsed = System.nanoTime() - start;
                if (!finished) {
                    tally.fail("timed out");
                }
            } finally {
                consumer.stop();
            }
            return finish(tally.countNow(), elapsed, tally.failure(), false);
        }

        Sample push() throws Exception {
            String deliver = "bench.deliver." + Long.toHexString(ThreadLocalRandom.current().nextLong());
            Tally tally = new Tally(true, 1);
            CountDownLatch done = new CountDownLatch(1);
            Dispatcher dispatcher = connection.createDispatcher(message -> tally.acceptAsync(message, done));
            dispatcher.setPendingLimits(0, 0);
            dispatcher.subscribe(deliver);
            connection.flush(remaining());
            startClock();
            // Creating the consumer starts the delivery.
            jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder()
                    .durable(DURABLE).deliverSubject(deliver).ackPolicy(AckPolicy.None)
                    .deliverPolicy(DeliverPolicy.All).build());
            long elapsed;
            try {
                boolean finished = done.await(remaining().toNanos(), TimeUnit.NANOSECONDS);
                elapsed = System.nanoTime() - start;
                if (!finished) {
                    tally.fail("timed out");
                }
            } finally {
                connection.closeDispatcher(dispatcher);
            }
            return finish(tally.countNow(), elapsed, tally.failure(), false);
        }

        Sample redeliver() throws Exception {
            ConsumerContext consumer = durable(ConsumerConfiguration.builder()
                    .durable(DURABLE).ackPolicy(AckPolicy.Explicit)
                    .ackWait(Duration.ofSeconds(REDELIVER_ACK_WAIT_SECONDS)).maxAckPending(messages).build());
            // First pass, not measured: every message once, in order, none acknowledged.
            Tally first = new Tally(true, 1);
            List<Message> delivered = new ArrayList<>(messages);
            while (delivered.size() < messages && first.failure() == null) {
                if (System.nanoTime() - deadline > 0) {
                    return Sample.failed("timed out in the first pass (" + delivered.size() + " of " + messages
                            + " delivered)");
                }
                try (FetchConsumer fetch = consumer.fetch(batch(messages - delivered.size()))) {
                    Message message;
                    while ((message = fetch.nextMessage()) != null) {
                        first.accept(message);
                        delivered.add(message);
                    }
                }
            }
            if (first.failure() != null) {
                return Sample.failed("first pass: " + first.failure());
            }
            // Second pass, measured: NAK every first delivery, then take every redelivery and acknowledge it.
            Tally second = new Tally(false, 2);
            startClock();
            for (Message message : delivered) {
                message.nak();
            }
            delivered.clear();
            String failure = fetchAll(consumer, second);
            if (failure == null) {
                connection.flush(remaining());
            }
            long elapsed = System.nanoTime() - start;
            return finish(second.count, elapsed, failure != null ? failure : second.failure(), true);
        }

        /** Creates a durable consumer, outside the measured interval, and returns its context. */
        private ConsumerContext durable(ConsumerConfiguration config) throws IOException, JetStreamApiException {
            jsm.addOrUpdateConsumer(stream, config);
            return connection.getStreamContext(stream, JsSupport.options()).getConsumerContext(DURABLE);
        }

        /** Fetches until the tally has every message it expects, acknowledging each; returns a failure or null. */
        private String fetchAll(ConsumerContext consumer, Tally tally) throws Exception {
            while (tally.count < tally.expected()) {
                if (System.nanoTime() - deadline > 0) {
                    return "timed out";
                }
                try (FetchConsumer fetch = consumer.fetch(batch(tally.expected() - tally.count))) {
                    Message message;
                    while ((message = fetch.nextMessage()) != null) {
                        tally.accept(message);
                        message.ack();
                    }
                } catch (JetStreamStatusCheckedException e) {
                    return "fetch failed: " + e.getMessage();
                }
                if (tally.failure() != null) {
                    return tally.failure();
                }
            }
            return null;
        }

        private FetchConsumeOptions batch(long wanted) {
            return FetchConsumeOptions.builder()
                    .maxMessages((int) Math.min(FETCH_BATCH, wanted))
                    .expiresIn(FETCH_EXPIRES_MILLIS)
                    .build();
        }

        private Duration remaining() {
            return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
        }

        private Sample finish(long count, long elapsed, String failure, boolean acked) throws Exception {
            long cpuAfter = ProcFs.cpuNanosOfTree(server.handle());
            Map<String, Double> values = new HashMap<>(JsSupport.serverCpu(
                    cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore, count, elapsed));
            values.put("rate", count * 1e9 / elapsed);
            values.put("count", (double) count);
            values.put("seconds", elapsed / 1e9);
            if (failure != null) {
                return Sample.failed(failure + " (after " + count + " messages)", values);
            }
            if (acked) {
                String state = awaitAllAcked();
                if (state != null) {
                    return Sample.failed(state, values);
                }
            }
            if (errors.first() != null) {
                return Sample.failed(errors.first(), values);
            }
            return Sample.ok(values);
        }

        /** Waits (bounded) until the consumer reports every message acknowledged; returns a failure or null. */
        private String awaitAllAcked() throws Exception {
            long until = System.nanoTime() + ACK_STATE_TIMEOUT.toNanos();
            ConsumerInfo info;
            do {
                info = jsm.getConsumerInfo(stream, DURABLE);
                if (info.getAckFloor().getStreamSequence() == messages && info.getNumAckPending() == 0
                        && info.getNumPending() == 0) {
                    return null;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            } while (System.nanoTime() - until < 0);
            return "after every acknowledgement the consumer reports ack floor "
                    + info.getAckFloor().getStreamSequence() + ", " + info.getNumAckPending()
                    + " awaiting acknowledgement and " + info.getNumPending() + " pending, expected ack floor "
                    + messages;
        }
    }

    /**
     * What one consumer received: every stream sequence in 1..messages at most once (and in order if
     * {@code ordered}), each with delivery count {@code deliveries} and a whole payload. The first problem is kept.
     * Used by one thread at a time; {@link #acceptAsync} is for a Dispatcher's thread, read after its latch.
     */
    private final class Tally {
        private final boolean ordered;
        private final int deliveries;
        private final BitSet seen = new BitSet();
        private long count;
        private volatile long published;
        private volatile String failure;

        Tally(boolean ordered, int deliveries) {
            this.ordered = ordered;
            this.deliveries = deliveries;
        }

        long expected() {
            return messages;
        }

        void accept(Message message) {
            if (failure != null) {
                return;
            }
            NatsJetStreamMetaData meta;
            try {
                meta = message.metaData();
            } catch (IllegalStateException e) {
                fail("a message on " + message.getSubject() + " is not a JetStream message: " + e.getMessage());
                return;
            }
            long seq = meta.streamSequence();
            if (seq < 1 || seq > messages) {
                fail("stream sequence " + seq + " is outside 1.." + messages);
            } else if (ordered && seq != count + 1) {
                fail("stream sequence " + seq + " where " + (count + 1) + " was next");
            } else if (seen.get((int) seq)) {
                fail("stream sequence " + seq + " delivered twice");
            } else if (meta.deliveredCount() != deliveries) {
                fail("stream sequence " + seq + " has delivery count " + meta.deliveredCount() + ", expected "
                        + deliveries);
            } else if (message.getData() == null || message.getData().length != size) {
                fail("stream sequence " + seq + " has " + (message.getData() == null ? 0 : message.getData().length)
                        + " payload bytes, expected " + size);
            } else {
                if (!ordered) {
                    seen.set((int) seq);
                }
                count++;
                published = count;
            }
        }

        /** {@link #accept} from a Dispatcher: opens {@code done} at the last expected message or a failure. */
        void acceptAsync(Message message, CountDownLatch done) {
            accept(message);
            if (failure != null || count == messages) {
                done.countDown();
            }
        }

        void fail(String why) {
            if (failure == null) {
                failure = why;
            }
        }

        String failure() {
            return failure;
        }

        /** The count as another thread may read it while the consumer is still running. */
        long countNow() {
            return published;
        }
    }
}
