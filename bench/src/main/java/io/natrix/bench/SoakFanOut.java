package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Core publish/subscribe with fan-out: one connection publishes {@code fanoutRate} messages a second to
 * {@value #SUBJECT}, and {@code fanoutSubscribers} connections each receive every one. At the end every delivery is
 * accounted for: fewer or more than published × subscribers is an error. The churning clients
 * ({@link SoakChurn}) subscribe to the same subject, so the server's fan-out list changes under load.
 */
final class SoakFanOut implements SoakPart {
    static final String SUBJECT = "soak.fanout";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);

    private final SoakConfig config;
    private final String url;
    private final SoakStats stats;
    private final List<Connection> connections = new ArrayList<>();
    private final AtomicLong published = new AtomicLong();
    private final LongAdder received = new LongAdder();
    private SoakLoop publisher;

    SoakFanOut(SoakConfig config, String url, SoakStats stats) {
        this.config = config;
        this.url = url;
        this.stats = stats;
    }

    @Override
    public String name() {
        return "fanout";
    }

    @Override
    public void start() throws Exception {
        for (int i = 0; i < config.fanoutSubscribers(); i++) {
            Connection subscriber = SoakConnections.connect(url, name(), "fanout-sub-" + i, stats);
            connections.add(subscriber);
            Dispatcher dispatcher = subscriber.createDispatcher(message -> {
                received.increment();
                stats.operations(name(), 1);
            });
            dispatcher.subscribe(SUBJECT);
            subscriber.flush(Duration.ofSeconds(5));
        }
        Connection connection = SoakConnections.connect(url, name(), "fanout-pub", stats);
        connections.add(connection);
        byte[] payload = JnatsSupport.payload(config.payloadBytes());
        publisher = SoakLoop.start(name(), "fanout-pub", config.fanoutRate(), () -> {
            connection.publish(SUBJECT, payload);
            published.incrementAndGet();
            stats.operations(name(), 1);
        }, stats);
    }

    @Override
    public void stop() {
        if (publisher != null) {
            publisher.stop();
        }
        long expected = published.get() * config.fanoutSubscribers();
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (received.sum() < expected && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        long got = received.sum();
        if (got != expected) {
            stats.error(name(), (got < expected ? "lost " + (expected - got) : "extra " + (got - expected))
                    + " of " + expected + " deliveries");
        }
        connections.forEach(SoakConnections::closeQuietly);
    }
}
