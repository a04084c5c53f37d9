package io.natrix.cli.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Keeps one client at or below a target rate, as natscli's throttler does: after the n-th message, waits until n /
 * rate seconds have passed since the client started, so a client that fell behind catches up without waiting. Used
 * by its client's thread only.
 */
final class Throttle {

    private final double nanosPerMessage;
    private final long startNanos;

    private Throttle(double ratePerSecond) {
        this.nanosPerMessage = 1e9 / ratePerSecond;
        this.startNanos = System.nanoTime();
    }

    /** A throttle starting now, or {@code null} when {@code ratePerSecond} is 0 (not throttled). */
    static Throttle start(double ratePerSecond) {
        return ratePerSecond > 0 ? new Throttle(ratePerSecond) : null;
    }

    /** Waits until {@code sent} messages are due; returns the nanoseconds waited. */
    long await(long sent) throws InterruptedException {
        long due = startNanos + (long) (sent * nanosPerMessage);
        long waitedFrom = System.nanoTime();
        for (long left = due - waitedFrom; left > 0; left = due - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        return Math.max(0, System.nanoTime() - waitedFrom);
    }
}
