package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.PublishAck;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * JetStream publishing with jnats into a fresh file stream (created before and deleted after each run, outside the
 * measured interval), one connection:
 * <ul>
 *   <li><b>sync</b> ({@code js-pub-sync}): {@code JetStream.publish} one message at a time, each waiting for its
 *       acknowledgement; reports acknowledged messages per second and the round-trip latency p50/p99.</li>
 *   <li><b>async</b> ({@code js-pub-async}): {@code JetStream.publishAsync} with at most {@code --js-inflight}
 *       messages unacknowledged (the publisher waits for the oldest acknowledgement when the window is full);
 *       reports acknowledged messages per second.</li>
 * </ul>
 * The clock stops at the last acknowledgement. Every acknowledgement must name the stream and the next sequence, and
 * the stream must then hold exactly the messages acknowledged; anything else fails the run. Both servers keep their
 * default fsync policy (nats-server 2.9: every two minutes; Natrix: group commit, an fsync per batch before the
 * acknowledgements) unless {@code --natrix-args "-c FILE"} sets Natrix's {@code sync_interval}.
 */
final class JsPublish implements JetStreamCase {
    private static final long MAX_MESSAGES = 100_000_000;

    private final boolean async;
    private final int size;
    private final int inFlight;

    private JsPublish(boolean async, int size, int inFlight) {
        this.async = async;
        this.size = size;
        this.inFlight = inFlight;
    }

    static JsPublish sync(int size) {
        return new JsPublish(false, size, 1);
    }

    static JsPublish async(int size, int inFlight) {
        return new JsPublish(true, size, inFlight);
    }

    @Override
    public String title() {
        return async ? "jnats JetStream publish, async ×" + inFlight + ", " + Sizes.label(size)
                : "jnats JetStream publish, sync, " + Sizes.label(size);
    }

    @Override
    public List<Metric> metrics() {
        if (async) {
            return List.of(Metric.rate("rate", "acked msg/s", size), Metric.serverCpu("msg"));
        }
        return List.of(
                Metric.rate("rate", "acked msg/s", size),
                Metric.lower("p50", "latency p50", Metric.Unit.MICROS),
                Metric.lower("p99", "latency p99", Metric.Unit.MICROS),
                Metric.serverCpu("msg"));
    }

    @Override
    public Sample measure(ServerProcess server, BenchConfig config, long fixedCount, long durationMillis)
            throws Exception {
        JnatsSupport.ErrorLog errors = new JnatsSupport.ErrorLog();
        Connection connection = JnatsSupport.connect(server.url(), "js-pub", config, errors);
        try {
            JetStreamManagement jsm = connection.jetStreamManagement(JsSupport.options());
            JetStream js = connection.jetStream(JsSupport.options());
            String stream = JsSupport.uniqueStream(async ? "pubasync" : "pubsync");
            JsSupport.createStream(jsm, stream, false);
            try {
                return publish(server, config, js, jsm, stream, fixedCount, durationMillis, errors);
            } finally {
                JsSupport.deleteQuietly(jsm, stream);
            }
        } finally {
            JnatsSupport.closeQuietly(connection);
        }
    }

    private Sample publish(ServerProcess server, BenchConfig config, JetStream js, JetStreamManagement jsm,
                           String stream, long fixedCount, long durationMillis, JnatsSupport.ErrorLog errors)
            throws Exception {
        String subject = JsSupport.subjectOf(stream);
        byte[] payload = JnatsSupport.payload(size);
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        ArrayDeque<CompletableFuture<PublishAck>> pending = new ArrayDeque<>(inFlight);

        long cpuBefore = ProcFs.cpuNanosOfTree(server.handle());
        long start = System.nanoTime();
        long deadline = start + Duration.ofMillis(config.runTimeoutMillis()).toNanos();
        TimedLoop loop = new TimedLoop(fixedCount, MAX_MESSAGES, durationMillis, start, deadline);
        long sent = 0;
        long acked = 0;
        String failure = null;
        try {
            while (loop.more(sent)) {
                if (async) {
                    if (pending.size() >= inFlight) {
                        checkAck(JsSupport.awaitAck(pending.poll(), deadline), stream, ++acked);
                    }
                    pending.add(js.publishAsync(subject, payload));
                } else {
                    long t0 = System.nanoTime();
                    PublishAck ack = js.publish(subject, payload);
                    histogram.recordValue(Math.min(System.nanoTime() - t0, histogram.getHighestTrackableValue()));
                    checkAck(ack, stream, ++acked);
                }
                sent++;
            }
            if (loop.timedOut()) {
                failure = "timed out while publishing";
            }
            while (failure == null && !pending.isEmpty()) {
                checkAck(JsSupport.awaitAck(pending.poll(), deadline), stream, ++acked);
            }
        } catch (IOException e) {
            failure = e.getMessage();
        }
        long elapsed = System.nanoTime() - start;
        long cpuAfter = ProcFs.cpuNanosOfTree(server.handle());

        Map<String, Double> values = new HashMap<>(JsSupport.serverCpu(
                cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore, acked, elapsed));
        values.put("rate", acked * 1e9 / elapsed);
        values.put("count", (double) acked);
        values.put("seconds", elapsed / 1e9);
        if (!async && histogram.getTotalCount() > 0) {
            values.put("p50", histogram.getValueAtPercentile(50) / 1e3);
            values.put("p99", histogram.getValueAtPercentile(99) / 1e3);
        }
        if (failure != null) {
            return Sample.failed(failure + " (sent " + sent + ", acknowledged " + acked + ")", values);
        }
        if (acked == 0) {
            return Sample.failed("nothing was acknowledged", values);
        }
        long stored = jsm.getStreamInfo(stream).getStreamState().getMsgCount();
        if (stored != acked) {
            return Sample.failed("the stream holds " + stored + " messages, " + acked + " were acknowledged", values);
        }
        if (errors.first() != null) {
            return Sample.failed(errors.first(), values);
        }
        return Sample.ok(values);
    }

    /** An acknowledgement must come from our stream, in order: the n-th one carries sequence n. */
    private static void checkAck(PublishAck ack, String stream, long expectedSeq) throws IOException {
        if (ack == null || !stream.equals(ack.getStream()) || ack.getSeqno() != expectedSeq || ack.isDuplicate()) {
            throw new IOException("unexpected acknowledgement " + ack + ", expected sequence " + expectedSeq);
        }
    }
}
