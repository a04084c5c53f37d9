package io.natrix.bench;

import org.HdrHistogram.Histogram;

/**
 * One sample of a soak: what the server held at that moment and what the load saw since the previous sample.
 *
 * @param seconds          seconds since the load started
 * @param rssBytes         the server's resident set (its process tree)
 * @param fds              open file descriptors of the server
 * @param threads          threads of the server
 * @param heapBytes        heap in use after a full collection ({@link HeapProbe}), or -1 when not known
 * @param heapProbeMillis  how long the heap reading took, the collection included, or -1
 * @param nonHeapBytes     the runtime's memory outside the heap that it names (JVM: metaspace, code cache), or -1
 * @param serverCpuShare   the share of one CPU the server used over the interval
 * @param otherCpuShare    the share of the server's CPU used by other processes over the interval, or -1 when the
 *                         server is not pinned
 * @param driverOtherCpuShare the share of the driver's CPU used by other processes over the interval, or -1 when
 *                         the driver is not pinned to one CPU
 * @param loadAverage      the machine's one-minute load average
 * @param requestLatency   request/reply latencies of the interval, in nanoseconds
 * @param publishLatency   JetStream publish latencies of the interval, in nanoseconds
 * @param operations       operations of the load so far (messages sent and received, requests, puts, gets…)
 * @param errors           errors of the load so far
 */
record SoakSample(
        double seconds,
        long rssBytes,
        long fds,
        long threads,
        long heapBytes,
        long heapProbeMillis,
        long nonHeapBytes,
        double serverCpuShare,
        double otherCpuShare,
        double driverOtherCpuShare,
        double loadAverage,
        Histogram requestLatency,
        Histogram publishLatency,
        long operations,
        long errors) {
}
