package io.natrix.bench;

import java.time.Duration;

/**
 * When the loop of a timed case stops: after {@code fixedCount} operations when one is given (at most
 * {@code maxOperations}), otherwise once {@code durationMillis} have passed since {@code start}; and in any case at
 * {@code deadline}, which counts as a timeout. Not thread-safe: one loop, one thread.
 */
final class TimedLoop {
    private final long limit;
    private final boolean counting;
    private final long start;
    private final long runNanos;
    private final long deadline;
    private boolean timedOut;

    TimedLoop(long fixedCount, long maxOperations, long durationMillis, long start, long deadline) {
        this.counting = fixedCount > 0;
        this.limit = counting ? Math.min(fixedCount, maxOperations) : maxOperations;
        this.start = start;
        this.runNanos = Duration.ofMillis(durationMillis).toNanos();
        this.deadline = deadline;
    }

    /** Whether another operation runs after {@code done} of them. */
    boolean more(long done) {
        if (done >= limit) {
            return false;
        }
        long now = System.nanoTime();
        if (!counting && now - start >= runNanos) {
            return false;
        }
        if (now - deadline > 0) {
            timedOut = true;
            return false;
        }
        return true;
    }

    /** Whether the loop ended at the deadline. */
    boolean timedOut() {
        return timedOut;
    }
}
