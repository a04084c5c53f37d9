package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput of one messaging pattern at one payload size, driven by jnats: one publisher connection publishing in a
 * tight loop, and 0, 1 or N subscriber connections each counting deliveries in a Dispatcher.
 *
 * <p>The clock runs from the first publish until the last expected message has been received by the subscribers
 * (publish-only: until the server answers a PING sent after the last message), so the figure is the end-to-end rate,
 * not the rate at which the client library queued messages. Every run checks that exactly the expected number of
 * messages arrived; anything else is a failure, never a lower rate.
 *
 * <p>Flow control: the publisher never gets more than {@code --window-bytes} (payload plus about 64 bytes of protocol
 * per message) per subscriber ahead of what the subscribers received, so neither server is pushed into its
 * slow-consumer limit (64 MB pending by default) by a client that cannot keep up.
 */
final class JnatsThroughput implements BenchCase, BenchCase.WarmUp {
    private static final long PARK_NANOS = 20_000;
    /** Roughly what a MSG line adds to each payload on the wire; the window counts it so servers see bytes. */
    private static final int PROTOCOL_OVERHEAD_BYTES = 64;
    /** Bytes jnats may hold unwritten before the publisher pauses (its message limit alone allows gigabytes). */
    private static final long OUTGOING_BYTES_HIGH_WATER = 32L << 20;

    private final Pattern pattern;
    private final int size;
    private final int subscribersConfigured;
    private final List<Metric> metrics;

    JnatsThroughput(Pattern pattern, int size, int subscribersConfigured) {
        this.pattern = pattern;
        this.size = size;
        this.subscribersConfigured = subscribersConfigured;
        this.metrics = List.of(Metric.rate("rate", "msg/s", size), Metric.serverCpu("msg"));
    }

    @Override
    public String title() {
        return "jnats " + pattern.describe(subscribersConfigured) + ", " + Sizes.label(size);
    }

    @Override
    public List<Metric> metrics() {
        return metrics;
    }

    @Override
    public boolean usesSharedServer() {
        return true;
    }

    @Override
    public Sample run(Context context) throws Exception {
        BenchConfig config = context.config();
        return measure(context.shared().url(), config, config.msgs(), config.durationMillis());
    }

    @Override
    public Sample warmUp(ServerProcess server, BenchConfig config, long millis) throws Exception {
        return measure(server.url(), config, 0, millis);
    }

    /** Runs once with the given count (if positive) or duration; also used for warm-up. */
    Sample measure(String url, BenchConfig config, long fixedCount, long durationMillis) throws Exception {
        JnatsSupport.ErrorLog errors = new JnatsSupport.ErrorLog();
        String subject = JnatsSupport.uniqueSubject(pattern.option());
        int subscribers = pattern.subscribers(subscribersConfigured);
        long perMessage = pattern.deliveriesPerMessage(subscribersConfigured);
        AtomicLong received = new AtomicLong();
        List<Connection> connections = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMillis(config.runTimeoutMillis()).toNanos();
        try {
            for (int i = 0; i < subscribers; i++) {
                Connection connection = JnatsSupport.connect(url, "sub-" + i, config, errors);
                connections.add(connection);
                Dispatcher dispatcher = connection.createDispatcher(message -> received.incrementAndGet());
                // Zero means unlimited: the client must never drop messages on its side.
                dispatcher.setPendingLimits(0, 0);
                if (pattern == Pattern.QUEUE) {
                    dispatcher.subscribe(subject, "workers");
                } else {
                    dispatcher.subscribe(subject);
                }
                // The PONG proves the server has registered the subscription before anything is published.
                connection.flush(Duration.ofSeconds(10));
            }
            Connection publisher = JnatsSupport.connect(url, "pub", config, errors);
            connections.add(publisher);

            byte[] payload = JnatsSupport.payload(size);
            long windowMessages = 0;
            if (config.windowBytes() > 0 && subscribers > 0) {
                windowMessages = Math.max(16, config.windowBytes() / (size + PROTOCOL_OVERHEAD_BYTES));
            }
            long checkEvery = windowMessages > 0 ? Math.max(1, Math.min(256, windowMessages / 8)) : 256;
            long outgoingHighWater = Math.max(checkEvery, config.jnatsOutgoingQueue() / 2);
            long publishNanos = Duration.ofMillis(durationMillis).toNanos();

            long start = System.nanoTime();
            long sent = 0;
            String failure = null;
            while (fixedCount <= 0 || sent < fixedCount) {
                if (sent % checkEvery == 0) {
                    long now = System.nanoTime();
                    if (fixedCount <= 0 && now - start >= publishNanos) {
                        break;
                    }
                    if (now - deadline > 0) {
                        failure = "timed out while publishing";
                        break;
                    }
                    // Keep jnats' outgoing queue from filling up: a full queue makes the publisher and jnats' writer
                    // thread hand over every single message (a context switch each on one CPU), and the run would
                    // measure that instead of the server.
                    while (publisher.outgoingPendingMessageCount() > outgoingHighWater
                            || publisher.outgoingPendingBytes() > OUTGOING_BYTES_HIGH_WATER) {
                        if (System.nanoTime() - deadline > 0) {
                            failure = "timed out waiting for jnats to write its outgoing queue";
                            break;
                        }
                        LockSupport.parkNanos(PARK_NANOS);
                    }
                    while (failure == null && windowMessages > 0
                            && sent * perMessage - received.get() > windowMessages * perMessage) {
                        if (System.nanoTime() - deadline > 0) {
                            failure = "timed out waiting for subscribers (flow control)";
                            break;
                        }
                        LockSupport.parkNanos(PARK_NANOS);
                    }
                    if (failure != null) {
                        break;
                    }
                }
                publisher.publish(subject, payload);
                sent++;
            }

            long expected = perMessage == 0 ? sent : sent * perMessage;
            if (failure == null) {
                if (subscribers == 0) {
                    publisher.flush(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                } else {
                    while (received.get() < expected && System.nanoTime() - deadline < 0) {
                        LockSupport.parkNanos(PARK_NANOS);
                    }
                }
            }
            long elapsed = System.nanoTime() - start;
            long got = subscribers == 0 ? sent : received.get();
            double rate = expected * 1e9 / elapsed;
            Map<String, Double> values = Map.of("rate", rate, "count", (double) expected, "seconds", elapsed / 1e9);
            if (failure != null) {
                return Sample.failed(failure + " (sent " + sent + ", received " + got + ")", values);
            }
            if (got != expected) {
                String what = got < expected ? "lost " + (expected - got) : "got " + (got - expected) + " extra";
                return Sample.failed(what + " of " + expected + " messages", values);
            }
            if (errors.first() != null) {
                return Sample.failed(errors.first(), values);
            }
            for (Connection connection : connections) {
                if (connection.getStatus() != Connection.Status.CONNECTED) {
                    return Sample.failed("a connection was closed by the server during the run", values);
                }
            }
            return Sample.ok(values);
        } finally {
            connections.forEach(JnatsSupport::closeQuietly);
        }
    }
}
