package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.HdrHistogram.Histogram;

/**
 * A service requester client: sends its share of requests one after another, each waiting for its reply, and times
 * every round trip into a histogram. A reply that is empty, starts with {@code -} or mentions {@code error} is a
 * failure, as natscli treats it. Used by its client's thread only.
 */
record Requester(Connection connection, int index, Subjects subjects, Headers headers, byte[] payload, long count,
                 long offset, Pacing pacing, double ratePerSecond, Duration timeout, Progress.Bar bar)
        implements ClientJob {

    @Override
    public Sample run() throws Exception {
        pacing.jitter(index);
        Histogram latencies = new Histogram(3);
        bar.state("Requesting");
        bar.started();
        long start = System.nanoTime();
        Throttle throttle = Throttle.start(ratePerSecond);
        for (long i = 0; i < count; i++) {
            String subject = subjects.publishSubject(offset + i);
            long t0 = System.nanoTime();
            Message reply = connection.request(subject, headers, payload, timeout);
            long t1 = System.nanoTime();
            if (reply == null) {
                throw new CliException("requesting: no reply on " + subject + " within " + timeout.toMillis() + "ms");
            }
            if (reply.isStatusMessage()) {
                throw new CliException("requesting: " + reply.getStatus().getCode() + " "
                        + reply.getStatus().getMessage() + " on " + subject);
            }
            checkReply(reply.getData());
            latencies.recordValue(t1 - t0);
            bar.increment();
            pacing.pause();
            if (throttle != null) {
                throttle.await(i + 1);
            }
        }
        connection.flush(timeout);
        long end = System.nanoTime();
        bar.state("Finished  ");
        return Sample.of(connection, count, payload.length, start, end, latencies);
    }

    private static void checkReply(byte[] data) {
        String text = data == null ? "" : new String(data, StandardCharsets.UTF_8);
        if (text.isEmpty() || text.charAt(0) == '-' || text.contains("error")) {
            throw new CliException("request did not receive a good reply: \"" + text + "\"");
        }
    }
}
