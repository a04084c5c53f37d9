package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.nats.client.BaseConsumeOptions;
import io.nats.client.BaseConsumerContext;
import io.nats.client.ConsumeOptions;
import io.nats.client.Connection;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import io.nats.client.StreamContext;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;

/**
 * A JetStream consumer client, in one of natscli's three ways:
 * <ul>
 *   <li>{@link Mode#ORDERED}: its own ordered consumer ({@code StreamContext.createOrderedConsumer}, consumed with
 *       {@code consume} and {@code --batch} buffered), reading {@code --msgs} messages: every client replays the
 *       stream;</li>
 *   <li>{@link Mode#CONSUME}: the shared durable consumer through jnats' {@code consume} callback. The clients share
 *       one count and all stop when together they have received {@code --msgs} messages: jnats keeps pulling ahead,
 *       so a client that stopped at a fixed share could sit on messages the others wait for;</li>
 *   <li>{@link Mode#FETCH}: the shared durable consumer through {@code fetch} of up to {@code --batch} messages
 *       at a time (each fetch timed, and waiting at most {@code --timeout}, but never less than jnats' minimum of
 *       one second), until the client has its share.</li>
 * </ul>
 * Messages are acknowledged as the consumer's ack policy asks ({@code ackSync} with {@code --doubleack}); the clock
 * runs from the first message to the last, as natscli times consumers. A consume-mode message beyond the total is
 * NAKed so that the next run gets it at once. A client fails the run when no message has arrived for the idle
 * timeout (for CONSUME, no message to any client: they share the count), so a stream that holds fewer messages
 * than asked for ends the run instead of leaving it waiting for ever. The consume handler runs on jnats' dispatcher
 * thread; the fields it writes are handed to the client's thread through the latch, but for the count, which is
 * volatile because the waiting client's thread watches it.
 */
final class JsConsumer implements ClientJob {

    /** How this client consumes. */
    enum Mode { ORDERED, CONSUME, FETCH }

    /**
     * What the CONSUME clients share: messages claimed (a claim beyond the total is NAKed), messages fully handled,
     * and the latch the client whose message completes the total releases. Handled counts are raised after a
     * message's bookkeeping, so when the latch opens every client's own counts are final and visible.
     */
    static final class Shared {
        private final AtomicLong claimed = new AtomicLong();
        private final AtomicLong handled = new AtomicLong();
        private final CountDownLatch allDone = new CountDownLatch(1);
    }

    private final Mode mode;
    private final Connection connection;
    private final JetStreamOptions options;
    private final String stream;
    private final String consumerName;
    private final List<String> filters;
    private final AckPolicy ackPolicy;
    private final boolean doubleAck;
    private final int batch;
    private final long expected;
    private final Shared shared;
    private final int messageSize;
    private final Pacing pacing;
    private final Duration timeout;
    private final IdleTimeout idle;
    private final Progress.Bar bar;
    private final PrintWriter log;
    private final CountDownLatch done = new CountDownLatch(1);

    private BaseConsumerContext consumer;
    private volatile Exception handlerFailure;
    private volatile long received;
    private long start;
    private long end;

    /**
     * @param expected this client's messages (ORDERED, FETCH) or all the clients' together (CONSUME)
     * @param shared   what all CONSUME clients share ({@code null} otherwise)
     * @param log      where a fetch that came back empty is noted
     */
    JsConsumer(Mode mode, Connection connection, JetStreamOptions options, String stream, String consumerName,
               List<String> filters, AckPolicy ackPolicy, boolean doubleAck, int batch, long expected,
               Shared shared, int messageSize, Pacing pacing, Duration timeout, IdleTimeout idle,
               Progress.Bar bar, PrintWriter log) {
        this.mode = mode;
        this.connection = connection;
        this.options = options;
        this.stream = stream;
        this.consumerName = consumerName;
        this.filters = filters;
        this.ackPolicy = ackPolicy;
        this.doubleAck = doubleAck;
        this.batch = batch;
        this.expected = expected;
        this.shared = shared;
        this.messageSize = messageSize;
        this.pacing = pacing;
        this.timeout = timeout;
        this.idle = idle;
        this.bar = bar;
        this.log = log;
    }

    @Override
    public void prepare() throws Exception {
        StreamContext sc;
        try {
            sc = connection.getStreamContext(stream, options);
        } catch (Exception e) {
            throw JetStreamErrors.failure("getting stream '" + stream + "'", e);
        }
        try {
            if (mode == Mode.ORDERED) {
                OrderedConsumerConfiguration config = new OrderedConsumerConfiguration();
                if (!filters.isEmpty()) {
                    config.filterSubjects(filters);
                }
                consumer = sc.createOrderedConsumer(config);
            } else {
                consumer = sc.getConsumerContext(consumerName);
            }
        } catch (Exception e) {
            throw JetStreamErrors.failure(mode == Mode.ORDERED ? "creating the ephemeral ordered consumer"
                    : "getting durable consumer '" + consumerName + "'", e);
        }
        bar.state(mode == Mode.FETCH ? "Fetching  " : mode == Mode.CONSUME ? "Consuming " : "Receiving ");
    }

    @Override
    public Sample run() throws Exception {
        Histogram latencies = null;
        switch (mode) {
            case ORDERED -> consume(done, () -> received);
            case CONSUME -> consume(shared.allDone, shared.handled::get);
            case FETCH -> latencies = fetch();
        }
        if (handlerFailure != null) {
            throw handlerFailure;
        }
        bar.state("Finished  ");
        return Sample.of(connection, received, messageSize, start, end, latencies);
    }

    private void consume(CountDownLatch finished, LongSupplier count) throws Exception {
        MessageConsumer mc = consumer.consume(ConsumeOptions.builder().batchSize(batch).build(), this::onMessage);
        try {
            idle.await(finished, connection, count, expected);
        } finally {
            mc.stop();
        }
    }

    /** The consume handler (dispatcher thread). */
    private void onMessage(Message msg) {
        if (handlerFailure != null) {
            return;
        }
        try {
            if (mode == Mode.CONSUME) {
                if (shared.claimed.incrementAndGet() > expected) {
                    if (ackPolicy != AckPolicy.None) {
                        msg.nak();
                    }
                    return;
                }
                handle(msg);
                if (shared.handled.incrementAndGet() == expected) {
                    shared.allDone.countDown();
                }
            } else if (received < expected) {
                handle(msg);
                if (received == expected) {
                    done.countDown();
                }
            }
        } catch (Exception e) {
            handlerFailure = e instanceof InterruptedException ? e
                    : new CliException("acknowledging the message: " + e.getMessage(), e);
            (mode == Mode.CONSUME ? shared.allDone : done).countDown();
        }
    }

    private void handle(Message msg) throws Exception {
        long n = received + 1; // only one thread handles this client's messages
        received = n;
        long now = System.nanoTime();
        if (n == 1) {
            start = now;
            bar.started();
        }
        end = now;
        pacing.pause();
        if (mode != Mode.ORDERED && ackPolicy != AckPolicy.None) {
            if (doubleAck) {
                msg.ackSync(timeout);
            } else {
                msg.ack();
            }
        }
        bar.increment();
    }

    private Histogram fetch() throws Exception {
        Histogram latencies = new Histogram(3);
        IdleTimeout.Watch watch = idle.watch();
        while (received < expected) {
            int n = (int) Math.min(batch, expected - received);
            long expiresMillis = Math.max(BaseConsumeOptions.MIN_EXPIRES_MILLS,
                    Math.min(timeout.toMillis(), TimeUnit.NANOSECONDS.toMillis(watch.remainingNanos())));
            long t0 = System.nanoTime();
            long got = 0;
            try (FetchConsumer fc = consumer.fetch(FetchConsumeOptions.builder()
                    .maxMessages(n).expiresIn(expiresMillis).build())) {
                for (Message msg = fc.nextMessage(); msg != null; msg = fc.nextMessage()) {
                    handle(msg);
                    got++;
                }
            } catch (JetStreamStatusCheckedException e) {
                throw JetStreamErrors.failure("fetching from the consumer '" + consumerName + "'", e);
            }
            if (got == 0) {
                BenchBase.log(log, "Fetch timeout! (no messages within " + expiresMillis + "ms)");
                watch.observe(received, expected);
                continue;
            }
            watch.observe(received, expected);
            latencies.recordValue(System.nanoTime() - t0);
        }
        return latencies;
    }
}
