package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamOptions;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * A JetStream publisher client, as natscli's {@code js pub sync} and {@code js pub async} publish:
 * <ul>
 *   <li>synchronous: one {@code JetStream.publish} at a time, each waiting for its acknowledgement; every round
 *       trip is timed;</li>
 *   <li>asynchronous: {@code --batch} {@code publishAsync} calls, then wait for all their acknowledgements (up to
 *       the timeout); each batch is timed.</li>
 * </ul>
 * An acknowledgement that is an error, or does not come, fails the client. With {@code --dedup} every message
 * carries a {@code Nats-Msg-Id} unique to the run, client and message. Used by its client's thread only.
 */
final class JsPublisher implements ClientJob {

    private final Connection connection;
    private final JetStreamOptions options;
    private final int index;
    private final Subjects subjects;
    private final Headers headers;
    private final byte[] payload;
    private final long count;
    private final long offset;
    private final int batch;
    private final String idPrefix;
    private final Pacing pacing;
    private final double ratePerSecond;
    private final Duration timeout;
    private final Progress.Bar bar;
    private Throttle throttle;

    /**
     * @param batch    0 for synchronous publishing, else the number of asynchronous publishes per batch
     * @param idPrefix the de-duplication id prefix, or {@code null} without {@code --dedup}
     */
    JsPublisher(Connection connection, JetStreamOptions options, int index, Subjects subjects, Headers headers,
                byte[] payload, long count, long offset, int batch, String idPrefix, Pacing pacing,
                double ratePerSecond, Duration timeout, Progress.Bar bar) {
        this.connection = connection;
        this.options = options;
        this.index = index;
        this.subjects = subjects;
        this.headers = headers;
        this.payload = payload;
        this.count = count;
        this.offset = offset;
        this.batch = batch;
        this.idPrefix = idPrefix;
        this.pacing = pacing;
        this.ratePerSecond = ratePerSecond;
        this.timeout = timeout;
        this.bar = bar;
    }

    @Override
    public Sample run() throws Exception {
        JetStream js = connection.jetStream(options);
        pacing.jitter(index);
        Histogram latencies = new Histogram(3);
        bar.state("Publishing");
        bar.started();
        long start = System.nanoTime();
        throttle = Throttle.start(ratePerSecond);
        if (batch == 0) {
            publishSync(js, latencies);
        } else {
            publishAsync(js, latencies);
        }
        connection.flush(timeout);
        long end = System.nanoTime();
        bar.state("Finished  ");
        return Sample.of(connection, count, payload.length, start, end, latencies);
    }

    private void publishSync(JetStream js, Histogram latencies) throws Exception {
        for (long i = 0; i < count; i++) {
            long n = offset + i;
            long t0 = System.nanoTime();
            try {
                js.publish(subjects.publishSubject(n), headers, payload, publishOptions(n));
            } catch (Exception e) {
                throw JetStreamErrors.failure("publishing synchronously", e);
            }
            latencies.recordValue(System.nanoTime() - t0);
            bar.increment();
            pacing.pause();
            if (throttle != null) {
                throttle.await(i + 1);
            }
        }
    }

    private void publishAsync(JetStream js, Histogram latencies) throws Exception {
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>(batch);
        for (long i = 0; i < count; ) {
            acks.clear();
            long t0 = System.nanoTime();
            for (int j = 0; j < batch && i < count; j++, i++) {
                long n = offset + i;
                acks.add(js.publishAsync(subjects.publishSubject(n), headers, payload, publishOptions(n)));
                bar.increment();
                if (!pacing.isZero()) {
                    long p0 = System.nanoTime();
                    pacing.pause();
                    t0 += System.nanoTime() - p0; // the pauses are not the batch's latency
                }
                if (throttle != null) {
                    t0 += throttle.await(i + 1);
                }
            }
            bar.state("AckWait   ");
            long deadline = System.nanoTime() + timeout.toNanos();
            for (CompletableFuture<PublishAck> ack : acks) {
                try {
                    ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    throw JetStreamErrors.failure("async publish acknowledgement is an error",
                            e.getCause() instanceof Exception cause ? cause : e);
                } catch (TimeoutException e) {
                    throw new CliException("JS PubAsync ack timeout (pending=" + acks.stream()
                            .filter(a -> !a.isDone()).count() + ")");
                }
            }
            latencies.recordValue(System.nanoTime() - t0);
            bar.state("Publishing");
        }
    }

    private PublishOptions publishOptions(long n) {
        return idPrefix == null ? null : PublishOptions.builder().messageId(idPrefix + "-" + index + "-" + n).build();
    }
}
