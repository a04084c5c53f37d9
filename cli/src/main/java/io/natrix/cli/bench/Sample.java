package io.natrix.cli.bench;

import io.nats.client.Connection;
import io.nats.client.Statistics;
import org.HdrHistogram.Histogram;

/**
 * What one client measured: the messages its job was ({@code jobMessages}, what the rate counts), the payload bytes
 * they carried, the messages and bytes its connection moved in total (protocol overhead, API calls and
 * acknowledgements included, as natscli's CSV reports them), the measured interval, and the latency of each operation
 * when the benchmark times operations (else {@code null}). Immutable once made; the histogram is not copied and must
 * not be changed afterwards.
 *
 * @param jobMessages   messages published, received, requested, put or got
 * @param messageBytes  payload bytes of those messages ({@code jobMessages} × message size)
 * @param ioMessages    messages the connection sent and received during the run
 * @param ioBytes       bytes the connection sent and received during the run
 * @param startNanos    start of the measured interval ({@link System#nanoTime()})
 * @param endNanos      end of the measured interval ({@link System#nanoTime()})
 * @param latencies     nanoseconds per operation, or {@code null}
 */
record Sample(long jobMessages, long messageBytes, long ioMessages, long ioBytes, long startNanos, long endNanos,
              Histogram latencies) {

    /**
     * A client's sample: {@code jobMessages} of {@code messageSize} bytes each, between two {@link System#nanoTime()}
     * readings, with the connection's message and byte counts as they stand now.
     */
    static Sample of(Connection connection, long jobMessages, long messageSize, long startNanos, long endNanos,
                     Histogram latencies) {
        Statistics stats = connection.getStatistics();
        return new Sample(jobMessages, jobMessages * messageSize, stats.getInMsgs() + stats.getOutMsgs(),
                stats.getInBytes() + stats.getOutBytes(), startNanos, endNanos, latencies);
    }

    /** The measured interval in nanoseconds, at least one so that rates stay finite. */
    long durationNanos() {
        return Math.max(1, endNanos - startNanos);
    }

    /** Messages per second, truncated as natscli truncates. */
    long rate() {
        return (long) (jobMessages * 1e9 / durationNanos());
    }

    /** Payload bytes per second. */
    double throughput() {
        return messageBytes * 1e9 / durationNanos();
    }

    boolean hasLatencies() {
        return latencies != null && latencies.getTotalCount() > 0;
    }
}
