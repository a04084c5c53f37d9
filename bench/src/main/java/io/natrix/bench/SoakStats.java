package io.natrix.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the soak's load counts while it runs: operations and errors per part, the first few error texts, and the two
 * latencies the report follows (request/reply and synchronous JetStream publish) in HdrHistogram recorders whose
 * interval histograms the sampler takes every sample period.
 *
 * <p>Thread-safe: every load thread and every jnats callback writes here, and the sampler reads.
 */
final class SoakStats {
    /** The highest latency the recorders track; a request that takes longer is counted at this value. */
    private static final long LATENCY_MAX_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** How many distinct error texts are kept for the report; counting goes on past it. */
    private static final int ERROR_TEXTS_MAX = 20;

    private final Map<String, LongAdder> operations = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, String> errorTexts = new ConcurrentHashMap<>();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final Recorder requestLatency = new Recorder(LATENCY_MAX_NANOS, 3);
    private final Recorder publishLatency = new Recorder(LATENCY_MAX_NANOS, 3);

    /** Counts {@code count} operations (messages sent or received, requests, puts…) of a part. */
    void operations(String part, long count) {
        operations.computeIfAbsent(part, p -> new LongAdder()).add(count);
    }

    /** Counts one error of a part; the first text of each kind is kept for the report. */
    void error(String part, String what) {
        errors.computeIfAbsent(part, p -> new LongAdder()).increment();
        String text = part + ": " + what;
        firstError.compareAndSet(null, text);
        if (errorTexts.size() < ERROR_TEXTS_MAX) {
            errorTexts.putIfAbsent(what, text);
        }
    }

    void error(String part, Throwable failure) {
        error(part, String.valueOf(failure));
    }

    void requestLatency(long nanos) {
        requestLatency.recordValue(Math.min(Math.max(nanos, 0), LATENCY_MAX_NANOS));
    }

    void publishLatency(long nanos) {
        publishLatency.recordValue(Math.min(Math.max(nanos, 0), LATENCY_MAX_NANOS));
    }

    /** The request/reply latencies recorded since the last call (nanoseconds). */
    Histogram takeRequestLatency() {
        return requestLatency.getIntervalHistogram();
    }

    /** The JetStream publish latencies recorded since the last call (nanoseconds). */
    Histogram takePublishLatency() {
        return publishLatency.getIntervalHistogram();
    }

    long operations() {
        return operations.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long errors() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Operations per part, for the report. */
    Map<String, Long> operationsByPart() {
        return sums(operations);
    }

    /** Errors per part, for the report. */
    Map<String, Long> errorsByPart() {
        return sums(errors);
    }

    /** Up to {@value #ERROR_TEXTS_MAX} distinct error texts. */
    Iterable<String> errorTexts() {
        return errorTexts.values();
    }

    String firstError() {
        return firstError.get();
    }

    private static Map<String, Long> sums(Map<String, LongAdder> adders) {
        Map<String, Long> sums = new java.util.TreeMap<>();
        adders.forEach((part, adder) -> sums.put(part, adder.sum()));
        return sums;
    }
}
