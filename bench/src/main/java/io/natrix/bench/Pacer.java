package io.natrix.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Paces a loop to a steady rate: each call to {@link #await} returns at the next slot of a fixed schedule. A loop that
 * falls more than a second behind (the machine stalled) skips the missed slots instead of bursting to catch up, so a
 * stall never turns into a load spike. Not thread-safe: one loop owns it.
 */
final class Pacer {
    private static final long CATCH_UP_MAX_NANOS = 1_000_000_000L;

    private final long periodNanos;
    private long nextNanos;

    Pacer(double perSecond) {
        this.periodNanos = Math.max(1, (long) (1e9 / perSecond));
        this.nextNanos = System.nanoTime();
    }

    /** Waits for the next slot. */
    void await() {
        nextNanos += periodNanos;
        long now = System.nanoTime();
        long waitNanos = nextNanos - now;
        if (waitNanos > 0) {
            LockSupport.parkNanos(waitNanos);
        } else if (-waitNanos > CATCH_UP_MAX_NANOS) {
            nextNanos = now;
        }
    }
}
