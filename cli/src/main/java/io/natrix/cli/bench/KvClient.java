package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueEntry;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;

/**
 * A key-value client, as natscli's {@code kv put} and {@code kv get} work: its share of the operations on keys
 * named by number, {@code offset} upwards (or random below {@code --randomize}), each timed. A put stores the
 * message-size value; a get of a key that is not there fails the client. Used by its client's thread only.
 */
final class KvClient implements ClientJob {

    private final boolean put;
    private final Connection connection;
    private final KeyValueOptions options;
    private final String bucket;
    private final int index;
    private final long count;
    private final long offset;
    private final int randomize;
    private final byte[] value;
    private final Pacing pacing;
    private final double ratePerSecond;
    private final Duration timeout;
    private final Progress.Bar bar;
    private KeyValue kv;

    KvClient(boolean put, Connection connection, KeyValueOptions options, String bucket, int index, long count,
             long offset, int randomize, byte[] value, Pacing pacing, double ratePerSecond, Duration timeout,
             Progress.Bar bar) {
        this.put = put;
        this.connection = connection;
        this.options = options;
        this.bucket = bucket;
        this.index = index;
        this.count = count;
        this.offset = offset;
        this.randomize = randomize;
        this.value = value;
        this.pacing = pacing;
        this.ratePerSecond = ratePerSecond;
        this.timeout = timeout;
        this.bar = bar;
    }

    @Override
    public void prepare() {
        try {
            kv = connection.keyValue(bucket, options);
        } catch (Exception e) {
            throw JetStreamErrors.failure("getting the kv bucket '" + bucket + "'", e);
        }
    }

    @Override
    public Sample run() throws Exception {
        if (put) {
            pacing.jitter(index);
        }
        Histogram latencies = new Histogram(3);
        bar.state(put ? "Putting   " : "Getting   ");
        bar.started();
        long start = System.nanoTime();
        Throttle throttle = Throttle.start(ratePerSecond);
        for (long i = 0; i < count; i++) {
            String key = Long.toString(randomize > 0 ? ThreadLocalRandom.current().nextInt(randomize) : offset + i);
            long t0 = System.nanoTime();
            if (put) {
                try {
                    kv.put(key, value);
                } catch (Exception e) {
                    throw JetStreamErrors.failure("putting key '" + key + "'", e);
                }
            } else {
                KeyValueEntry entry;
                try {
                    entry = kv.get(key);
                } catch (Exception e) {
                    throw JetStreamErrors.failure("getting key '" + key + "'", e);
                }
                if (entry == null) {
                    throw new CliException("getting key '" + key + "': key not found");
                }
            }
            latencies.recordValue(System.nanoTime() - t0);
            bar.increment();
            pacing.pause();
            if (throttle != null) {
                throttle.await(i + 1);
            }
        }
        if (put) {
            connection.flush(timeout);
        }
        long end = System.nanoTime();
        bar.state("Finished  ");
        return Sample.of(connection, count, value.length, start, end, latencies);
    }
}
