package io.natrix.cli.bench;

import io.nats.client.Connection;
import io.nats.client.impl.Headers;
import java.time.Duration;

/**
 * A Core NATS publisher client: publishes its share of the messages as fast as jnats takes them (or paced by
 * {@code --sleep} and {@code --throughput}), then flushes; the clock runs from the first publish to the end of the
 * flush, so messages still in the client's buffers are not counted as sent. Used by its client's thread only.
 */
record CorePublisher(Connection connection, int index, Subjects subjects, Headers headers, byte[] payload, long count,
                     long offset, Pacing pacing, double ratePerSecond, Duration flushTimeout, Progress.Bar bar)
        implements ClientJob {

    @Override
    public Sample run() throws Exception {
        pacing.jitter(index);
        bar.state("Publishing");
        bar.started();
        long start = System.nanoTime();
        Throttle throttle = Throttle.start(ratePerSecond);
        for (long i = 0; i < count; i++) {
            if (Thread.interrupted()) {
                // A publish only queues the message and never waits, so it would not notice the run stopping.
                throw new InterruptedException();
            }
            connection.publish(subjects.publishSubject(offset + i), headers, payload);
            bar.increment();
            pacing.pause();
            if (throttle != null) {
                throttle.await(i + 1);
            }
        }
        connection.flush(flushTimeout);
        long end = System.nanoTime();
        bar.state("Finished  ");
        return Sample.of(connection, count, payload.length, start, end, null);
    }
}
