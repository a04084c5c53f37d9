package io.natrix.bench;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Request/reply with jnats: a replier connection answers every request from a Dispatcher, and one requester sends
 * synchronous requests one after another (jnats' default shared reply inbox). Each round trip is recorded in an
 * HdrHistogram; the case reports p50, p99 and the request rate. A request without a reply is a failure.
 */
final class JnatsRequestReply implements BenchCase, BenchCase.WarmUp {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final long MAX_REQUESTS = 10_000_000;

    private final int size;

    JnatsRequestReply(int size) {
        this.size = size;
    }

    @Override
    public String title() {
        return "jnats request/reply, " + Sizes.label(size);
    }

    @Override
    public List<Metric> metrics() {
        return List.of(
                Metric.lower("p50", "latency p50", Metric.Unit.MICROS),
                Metric.lower("p99", "latency p99", Metric.Unit.MICROS),
                Metric.rate("rate", "requests/s", 0),
                Metric.serverCpu("request"));
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

    Sample measure(String url, BenchConfig config, long fixedCount, long durationMillis) throws Exception {
        JnatsSupport.ErrorLog errors = new JnatsSupport.ErrorLog();
        String subject = JnatsSupport.uniqueSubject("reqrep");
        byte[] payload = JnatsSupport.payload(size);
        List<Connection> connections = new ArrayList<>();
        try {
            Connection replier = JnatsSupport.connect(url, "replier", config, errors);
            connections.add(replier);
            Dispatcher dispatcher = replier.createDispatcher(
                    (Message request) -> replier.publish(request.getReplyTo(), payload));
            dispatcher.subscribe(subject);
            replier.flush(Duration.ofSeconds(10));
            Connection requester = JnatsSupport.connect(url, "requester", config, errors);
            connections.add(requester);

            Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
            long limit = fixedCount > 0 ? Math.min(fixedCount, MAX_REQUESTS) : MAX_REQUESTS;
            long runNanos = Duration.ofMillis(durationMillis).toNanos();
            long hardStop = Duration.ofMillis(config.runTimeoutMillis()).toNanos();
            long start = System.nanoTime();
            long sent = 0;
            long unanswered = 0;
            while (sent < limit) {
                long now = System.nanoTime();
                if ((fixedCount <= 0 && now - start >= runNanos) || now - start >= hardStop) {
                    break;
                }
                long t0 = System.nanoTime();
                Message reply = requester.request(subject, payload, REQUEST_TIMEOUT);
                long t1 = System.nanoTime();
                sent++;
                if (reply == null) {
                    unanswered++;
                } else {
                    histogram.recordValue(Math.min(t1 - t0, histogram.getHighestTrackableValue()));
                }
            }
            long elapsed = System.nanoTime() - start;
            Map<String, Double> values = Map.of(
                    "p50", histogram.getValueAtPercentile(50) / 1e3,
                    "p99", histogram.getValueAtPercentile(99) / 1e3,
                    "rate", (sent - unanswered) * 1e9 / elapsed,
                    "count", (double) (sent - unanswered),
                    "seconds", elapsed / 1e9);
            if (sent == 0) {
                return Sample.failed("no request was sent");
            }
            if (unanswered > 0) {
                return Sample.failed(unanswered + " of " + sent + " requests got no reply", values);
            }
            if (errors.first() != null) {
                return Sample.failed(errors.first(), values);
            }
            return Sample.ok(values);
        } finally {
            connections.forEach(JnatsSupport::closeQuietly);
        }
    }
}
