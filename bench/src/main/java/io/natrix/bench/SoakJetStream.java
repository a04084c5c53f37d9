package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.ConsumerContext;
import io.nats.client.FetchConsumeOptions;
import io.nats.client.FetchConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * JetStream: a file stream {@value #STREAM} with limits retention, {@code max_msgs} and {@code max_bytes} (the oldest
 * messages are discarded, so the store stays bounded however long the soak runs), on {@code soak.js.>}. One
 * connection publishes {@code jsPublishRate} messages a second over {@value #SUBJECTS} subjects, each waiting for
 * its acknowledgement (the publish latency the report follows); another fetches from the durable pull consumer
 * {@value #DURABLE} in batches and acknowledges every message. At the end the consumer must have caught up with
 * every publish.
 */
final class SoakJetStream implements SoakPart {
    static final String STREAM = "SOAK";
    private static final String DURABLE = "soak-worker";
    private static final int SUBJECTS = 16;
    private static final int FETCH_BATCH = 100;
    private static final long FETCH_EXPIRES_MILLIS = 1000;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);

    private final SoakConfig config;
    private final String url;
    private final SoakStats stats;
    private final List<Connection> connections = new ArrayList<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong consumed = new AtomicLong();
    private SoakLoop publisher;
    private SoakLoop worker;

    SoakJetStream(SoakConfig config, String url, SoakStats stats) {
        this.config = config;
        this.url = url;
        this.stats = stats;
    }

    @Override
    public String name() {
        return "js";
    }

    @Override
    public void start() throws Exception {
        Connection publishing = SoakConnections.connect(url, name(), "js-pub", stats);
        connections.add(publishing);
        JetStreamManagement jsm = publishing.jetStreamManagement(JsSupport.options());
        jsm.addStream(StreamConfiguration.builder()
                .name(STREAM)
                .subjects("soak.js.>")
                .storageType(StorageType.File)
                .retentionPolicy(RetentionPolicy.Limits)
                .discardPolicy(DiscardPolicy.Old)
                .maxMessages(config.jsMaxMsgs())
                .maxBytes(config.jsMaxBytes())
                .build());
        jsm.addOrUpdateConsumer(STREAM, ConsumerConfiguration.builder()
                .durable(DURABLE)
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(Duration.ofSeconds(30))
                .build());

        Connection consuming = SoakConnections.connect(url, name(), "js-worker", stats);
        connections.add(consuming);
        ConsumerContext consumer = consuming.getStreamContext(STREAM, JsSupport.options()).getConsumerContext(DURABLE);
        FetchConsumeOptions batch = FetchConsumeOptions.builder()
                .maxMessages(FETCH_BATCH)
                .expiresIn(FETCH_EXPIRES_MILLIS)
                .build();
        worker = SoakLoop.start(name(), "js-worker", 0, () -> {
            try (FetchConsumer fetch = consumer.fetch(batch)) {
                Message message;
                while ((message = fetch.nextMessage()) != null) {
                    message.ack();
                    consumed.incrementAndGet();
                    stats.operations(name(), 1);
                }
            }
        }, stats);

        JetStream js = publishing.jetStream(JsSupport.options());
        byte[] payload = JnatsSupport.payload(config.payloadBytes());
        AtomicLong sequence = new AtomicLong();
        publisher = SoakLoop.start(name(), "js-pub", config.jsPublishRate(), () -> {
            String subject = "soak.js." + sequence.getAndIncrement() % SUBJECTS;
            long start = System.nanoTime();
            PublishAck ack = js.publish(subject, payload);
            long elapsed = System.nanoTime() - start;
            if (ack.hasError()) {
                stats.error(name(), "publish refused: " + ack.getError());
                return;
            }
            stats.publishLatency(elapsed);
            published.incrementAndGet();
            stats.operations(name(), 1);
        }, stats);
    }

    @Override
    public void stop() {
        if (publisher != null) {
            publisher.stop();
        }
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (consumed.get() < published.get() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        if (worker != null) {
            worker.stop();
        }
        long behind = published.get() - consumed.get();
        if (behind > 0) {
            stats.error(name(), "the pull consumer was " + behind + " of " + published.get()
                    + " publishes behind at the end");
        }
        connections.forEach(SoakConnections::closeQuietly);
    }
}
