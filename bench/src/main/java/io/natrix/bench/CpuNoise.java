package io.natrix.bench;

import java.util.function.LongSupplier;

/**
 * How much of one CPU other processes used over an interval: the CPU's busy time ({@code /proc/stat}) minus the time
 * one known process (the server on its CPU, or the driver on its own) used, as a share of the interval. On a shared
 * machine this is what explains a latency figure that moved without the server changing. Not thread-safe: one
 * sampler owns it.
 */
final class CpuNoise {
    private final int cpu;
    private final LongSupplier ownNanos;
    private long lastBusyNanos;
    private long lastOwnNanos;
    private long lastAtNanos;

    /** Follows {@code cpu}, leaving out what {@code ownNanos} (a process's CPU time so far) reports. */
    CpuNoise(int cpu, LongSupplier ownNanos) {
        this.cpu = cpu;
        this.ownNanos = ownNanos;
        this.lastBusyNanos = ProcFs.busyNanosOfCpu(cpu);
        this.lastOwnNanos = ownNanos.getAsLong();
        this.lastAtNanos = System.nanoTime();
    }

    /** The CPU of this process when it is pinned to exactly one, else -1. */
    static int pinnedCpuOfThisProcess() {
        String allowed = ProcFs.allowedCpus();
        return allowed.matches("\\d+") ? Integer.parseInt(allowed) : -1;
    }

    /** The share of the CPU others used since the previous call (or since construction); -1 when unknown. */
    double next() {
        long busy = ProcFs.busyNanosOfCpu(cpu);
        long own = ownNanos.getAsLong();
        long at = System.nanoTime();
        double share = busy < 0 || lastBusyNanos < 0 || at == lastAtNanos ? -1
                : Math.max(0, (busy - lastBusyNanos - (own - lastOwnNanos)) / (double) (at - lastAtNanos));
        lastBusyNanos = busy;
        lastOwnNanos = own;
        lastAtNanos = at;
        return share;
    }
}
