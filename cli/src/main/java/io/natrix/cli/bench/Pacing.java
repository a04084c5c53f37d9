package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.natrix.cli.support.GoDuration;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * natscli's {@code --sleep}: a pause after each operation, and a random head start of up to one pause for every
 * client but the first so that paced publishers do not march in step. Immutable; {@link #pause()} is called by each
 * client's own thread.
 */
record Pacing(Duration sleep) {

    static final Pacing NONE = new Pacing(Duration.ZERO);

    /** Parses a {@code --sleep} value (a Go duration such as {@code 10ms}). */
    static Pacing parse(String text) {
        try {
            Duration d = GoDuration.parse(text);
            if (d.isNegative()) {
                throw new CliException("--sleep cannot be negative");
            }
            return new Pacing(d);
        } catch (IllegalArgumentException e) {
            throw new CliException("invalid --sleep \"" + text + "\": " + e.getMessage());
        }
    }

    boolean isZero() {
        return sleep.isZero();
    }

    /** Waits one pause; nothing when there is none. */
    void pause() throws InterruptedException {
        if (!sleep.isZero()) {
            waitNanos(sleep.toNanos());
        }
    }

    /** The head start of client {@code index} (from 0): nothing for the first, else up to one pause. */
    void jitter(int index) throws InterruptedException {
        if (index > 0 && !sleep.isZero()) {
            waitNanos(ThreadLocalRandom.current().nextLong(sleep.toNanos()));
        }
    }

    private static void waitNanos(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
