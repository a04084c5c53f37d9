package io.natrix.cli.bench;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import org.HdrHistogram.Histogram;

/**
 * A JetStream getter client, as natscli's {@code js get sync} works: reads {@code --msgs} messages by sequence, one
 * {@code getMessage} at a time from the stream's first sequence on, each timed; a sequence that is not there fails
 * the client. Every client reads the same messages. Used by its client's thread only.
 */
final class JsGetter implements ClientJob {

    private final Connection connection;
    private final JetStreamOptions options;
    private final String stream;
    private final long count;
    private final int messageSize;
    private final Pacing pacing;
    private final Progress.Bar bar;
    private JetStreamManagement jsm;
    private long firstSequence;

    JsGetter(Connection connection, JetStreamOptions options, String stream, long count, int messageSize,
             Pacing pacing, Progress.Bar bar) {
        this.connection = connection;
        this.options = options;
        this.stream = stream;
        this.count = count;
        this.messageSize = messageSize;
        this.pacing = pacing;
        this.bar = bar;
    }

    @Override
    public void prepare() {
        try {
            jsm = connection.jetStreamManagement(options);
            firstSequence = jsm.getStreamInfo(stream).getStreamState().getFirstSequence();
        } catch (Exception e) {
            throw JetStreamErrors.failure("getting stream info for '" + stream + "'", e);
        }
        bar.state("Getting   ");
    }

    @Override
    public Sample run() throws Exception {
        Histogram latencies = new Histogram(3);
        bar.started();
        long start = System.nanoTime();
        for (long i = 0; i < count; i++) {
            long seq = firstSequence + i;
            long t0 = System.nanoTime();
            try {
                jsm.getMessage(stream, seq);
            } catch (Exception e) {
                throw JetStreamErrors.failure("getting message sequence number " + seq + " from the stream", e);
            }
            latencies.recordValue(System.nanoTime() - t0);
            bar.increment();
            pacing.pause();
        }
        long end = System.nanoTime();
        bar.state("Finished  ");
        return Sample.of(connection, count, messageSize, start, end, latencies);
    }
}
