package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * JetStream direct get ({@code js-direct-get}): a fresh file stream with {@code allow_direct} is filled with
 * {@code --js-direct-msgs} messages (asynchronous publishes, before the clock starts), then one jnats connection asks
 * for messages by sequence, one request at a time, at uniformly random sequences. jnats'
 * {@code JetStreamManagement.getMessage} sends these to {@code $JS.API.DIRECT.GET.<stream>} once it has seen that the
 * stream allows direct gets. Reports gets per second and the round-trip latency p50/p99; every answer must carry the
 * sequence asked for and the whole payload. The stream is deleted after the run.
 */
final class JsDirectGet implements JetStreamCase {
    private static final long MAX_GETS = 100_000_000;
    /** Unacknowledged publishes while the stream is being filled. */
    private static final int FILL_IN_FLIGHT = 1000;

    private final int size;
    private final int stored;

    JsDirectGet(int size, int stored) {
        this.size = size;
        this.stored = stored;
    }

    @Override
    public String title() {
        return "jnats JetStream direct get, " + Sizes.label(size);
    }

    @Override
    public List<Metric> metrics() {
        return List.of(
                Metric.rate("rate", "gets/s", size),
                Metric.lower("p50", "latency p50", Metric.Unit.MICROS),
                Metric.lower("p99", "latency p99", Metric.Unit.MICROS),
                Metric.serverCpu("get"));
    }

    @Override
    public Sample measure(ServerProcess server, BenchConfig config, long fixedCount, long durationMillis)
            throws Exception {
        JnatsSupport.ErrorLog errors = new JnatsSupport.ErrorLog();
        Connection connection = JnatsSupport.connect(server.url(), "js-direct-get", config, errors);
        try {
            JetStreamManagement jsm = connection.jetStreamManagement(JsSupport.options());
            JetStream js = connection.jetStream(JsSupport.options());
            String stream = JsSupport.uniqueStream("directget");
            JsSupport.createStream(jsm, stream, true);
            try {
                long deadline = System.nanoTime() + Duration.ofMillis(config.runTimeoutMillis()).toNanos();
                JsSupport.fill(js, JsSupport.subjectOf(stream), JnatsSupport.payload(size), stored, FILL_IN_FLIGHT,
                        deadline);
                // The first get also makes jnats look the stream up once and remember that it allows direct gets.
                jsm.getMessage(stream, 1);
                return get(server, config, jsm, stream, fixedCount, durationMillis, errors);
            } finally {
                JsSupport.deleteQuietly(jsm, stream);
            }
        } finally {
            JnatsSupport.closeQuietly(connection);
        }
    }

    private Sample get(ServerProcess server, BenchConfig config, JetStreamManagement jsm, String stream,
                       long fixedCount, long durationMillis, JnatsSupport.ErrorLog errors) throws Exception {
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        SplittableRandom random = new SplittableRandom(size * 31L + stored);

        long cpuBefore = ProcFs.cpuNanosOfTree(server.handle());
        long start = System.nanoTime();
        long deadline = start + Duration.ofMillis(config.runTimeoutMillis()).toNanos();
        TimedLoop loop = new TimedLoop(fixedCount, MAX_GETS, durationMillis, start, deadline);
        long gets = 0;
        String failure = null;
        while (loop.more(gets)) {
            long seq = 1 + random.nextLong(stored);
            long t0 = System.nanoTime();
            MessageInfo info;
            try {
                info = jsm.getMessage(stream, seq);
            } catch (JetStreamApiException e) {
                failure = "get of sequence " + seq + " failed: " + e.getMessage();
                break;
            }
            histogram.recordValue(Math.min(System.nanoTime() - t0, histogram.getHighestTrackableValue()));
            if (info.getSeq() != seq || info.getData() == null || info.getData().length != size) {
                failure = "get of sequence " + seq + " answered sequence " + info.getSeq() + " with "
                        + (info.getData() == null ? "no" : info.getData().length) + " payload bytes";
                break;
            }
            gets++;
        }
        if (failure == null && loop.timedOut()) {
            failure = "timed out";
        }
        long elapsed = System.nanoTime() - start;
        long cpuAfter = ProcFs.cpuNanosOfTree(server.handle());

        Map<String, Double> values = new HashMap<>(JsSupport.serverCpu(
                cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore, gets, elapsed));
        values.put("rate", gets * 1e9 / elapsed);
        values.put("count", (double) gets);
        values.put("seconds", elapsed / 1e9);
        if (histogram.getTotalCount() > 0) {
            values.put("p50", histogram.getValueAtPercentile(50) / 1e3);
            values.put("p99", histogram.getValueAtPercentile(99) / 1e3);
        }
        if (failure != null) {
            return Sample.failed(failure + " (after " + gets + " gets)", values);
        }
        if (gets == 0) {
            return Sample.failed("no get completed", values);
        }
        if (errors.first() != null) {
            return Sample.failed(errors.first(), values);
        }
        return Sample.ok(values);
    }
}
