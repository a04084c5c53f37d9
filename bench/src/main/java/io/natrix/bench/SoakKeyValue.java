package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import io.nats.client.impl.NatsKeyValueWatchSubscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Key-value: a file bucket {@value #BUCKET} keeping {@code kvHistory} revisions per key. One connection puts
 * {@code kvPutRate} values a second to random keys of {@code kvKeys}, and gets as many; once a second it reads one
 * key's history (an ephemeral consumer created and removed each time); a third connection watches every key and
 * must see every put by the end.
 */
final class SoakKeyValue implements SoakPart {
    static final String BUCKET = "SOAK";
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(15);
    private static final double HISTORY_READS_PER_SECOND = 1;

    private final SoakConfig config;
    private final String url;
    private final SoakStats stats;
    private final List<Connection> connections = new ArrayList<>();
    private final List<SoakLoop> loops = new ArrayList<>();
    private final AtomicLong puts = new AtomicLong();
    private final AtomicLong watched = new AtomicLong();
    private NatsKeyValueWatchSubscription watch;

    SoakKeyValue(SoakConfig config, String url, SoakStats stats) {
        this.config = config;
        this.url = url;
        this.stats = stats;
    }

    @Override
    public String name() {
        return "kv";
    }

    @Override
    public void start() throws Exception {
        KeyValueOptions options = KeyValueOptions.builder(JsSupport.options()).build();
        Connection writer = SoakConnections.connect(url, name(), "kv-writer", stats);
        connections.add(writer);
        KeyValueManagement kvm = writer.keyValueManagement(options);
        kvm.create(KeyValueConfiguration.builder()
                .name(BUCKET)
                .storageType(StorageType.File)
                .maxHistoryPerKey(config.kvHistory())
                .build());
        KeyValue kv = writer.keyValue(BUCKET, options);

        Connection watcher = SoakConnections.connect(url, name(), "kv-watcher", stats);
        connections.add(watcher);
        watch = watcher.keyValue(BUCKET, options).watchAll(new Counter());

        byte[] value = JnatsSupport.payload(config.payloadBytes());
        loops.add(SoakLoop.start(name(), "kv-put", config.kvPutRate(), () -> {
            kv.put(randomKey(), value);
            puts.incrementAndGet();
            stats.operations(name(), 1);
        }, stats));
        loops.add(SoakLoop.start(name(), "kv-get", config.kvPutRate(), () -> {
            KeyValueEntry entry = kv.get(randomKey());
            if (entry != null && entry.getValue() != null && entry.getValue().length != value.length) {
                stats.error(name(), "get returned " + entry.getValue().length + " bytes, expected " + value.length);
            }
            stats.operations(name(), 1);
        }, stats));
        loops.add(SoakLoop.start(name(), "kv-history", HISTORY_READS_PER_SECOND, () -> {
            List<KeyValueEntry> history = kv.history(randomKey());
            if (history.size() > config.kvHistory()) {
                stats.error(name(), "history of " + history.size() + " entries, the bucket keeps "
                        + config.kvHistory());
            }
            stats.operations(name(), 1);
        }, stats));
    }

    private String randomKey() {
        return "k" + ThreadLocalRandom.current().nextInt(config.kvKeys());
    }

    @Override
    public void stop() {
        if (!loops.isEmpty()) {
            loops.getFirst().stop();
        }
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (watched.get() < puts.get() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
        loops.forEach(SoakLoop::stop);
        if (watched.get() != puts.get()) {
            stats.error(name(), "the watcher saw " + watched.get() + " of " + puts.get() + " puts");
        }
        if (watch != null) {
            try {
                watch.unsubscribe();
            } catch (RuntimeException e) {
                stats.error(name(), e);
            }
        }
        connections.forEach(SoakConnections::closeQuietly);
    }

    /** Counts the puts the watch delivers; called on the watch's dispatcher thread. */
    private final class Counter implements KeyValueWatcher {
        @Override
        public void watch(KeyValueEntry entry) {
            if (entry.getOperation() == KeyValueOperation.PUT) {
                watched.incrementAndGet();
                stats.operations(name(), 1);
            }
        }

        @Override
        public void endOfData() {
            // The bucket is empty when the watch starts; only the updates that follow are counted.
        }
    }
}
