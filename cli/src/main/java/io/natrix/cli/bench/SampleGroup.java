package io.natrix.cli.bench;

import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The samples of one side of a benchmark (publishers, or subscribers), in client order, and what they add up to: the
 * group's interval runs from the earliest start to the latest end, so its rate is the aggregate rate the clients
 * reached together; its latencies are every client's operations in one histogram. Not thread-safe: filled and read by
 * the command's thread after the clients finished.
 */
final class SampleGroup {

    private final List<Sample> samples = new ArrayList<>();

    void add(Sample sample) {
        samples.add(sample);
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    boolean isEmpty() {
        return samples.isEmpty();
    }

    /** The group as one sample: counts summed over the whole interval; {@code null} for an empty group. */
    Sample total() {
        if (samples.isEmpty()) {
            return null;
        }
        long jobs = 0;
        long bytes = 0;
        long ioMessages = 0;
        long ioBytes = 0;
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        Histogram latencies = null;
        for (Sample s : samples) {
            jobs += s.jobMessages();
            bytes += s.messageBytes();
            ioMessages += s.ioMessages();
            ioBytes += s.ioBytes();
            start = Math.min(start, s.startNanos());
            end = Math.max(end, s.endNanos());
            if (s.hasLatencies()) {
                if (latencies == null) {
                    latencies = new Histogram(s.latencies().getNumberOfSignificantValueDigits());
                }
                latencies.add(s.latencies());
            }
        }
        return new Sample(jobs, bytes, ioMessages, ioBytes, start, end, latencies);
    }

    long minRate() {
        return samples.stream().mapToLong(Sample::rate).min().orElse(0);
    }

    long maxRate() {
        return samples.stream().mapToLong(Sample::rate).max().orElse(0);
    }

    /** The mean of the clients' rates, truncated as natscli truncates it. */
    long avgRate() {
        return samples.isEmpty() ? 0 : samples.stream().mapToLong(Sample::rate).sum() / samples.size();
    }

    /** The population standard deviation of the clients' rates around {@link #avgRate()}. */
    double stdDevRate() {
        if (samples.isEmpty()) {
            return 0;
        }
        double avg = avgRate();
        double sum = 0;
        for (Sample s : samples) {
            double d = s.rate() - avg;
            sum += d * d;
        }
        return Math.sqrt(sum / samples.size());
    }
}
