package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.natrix.cli.output.Human;
import io.natrix.cli.support.GoDuration;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How a receiving client waits for its messages without hanging: it fails with one line when its connection closes
 * (the server dropped a slow consumer, say) or when its count of messages has not grown for {@code limit}
 * ({@code --idle-timeout}) plus the {@code pause} it takes after each message ({@code --sleep}), so that a run that
 * asks for more messages than will come ends instead of waiting for ever as natscli's does. Immutable; each waiting
 * client uses its own {@link Watch}.
 *
 * @param limit how long no message may arrive
 * @param pause the client's own pause after each message, added to {@code limit}
 */
record IdleTimeout(Duration limit, Duration pause) {

    /** How often a waiting client looks at its connection and its count. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Waits until {@code done} opens, as long as {@code connection} is open and {@code received} keeps growing.
     *
     * @param received the count of messages so far (read from this thread while others raise it)
     * @param expected the count {@code done} waits for, for the error line
     * @throws CliException when the connection closed or no message arrived within the limit
     */
    void await(CountDownLatch done, Connection connection, LongSupplier received, long expected)
            throws InterruptedException {
        Watch watch = watch();
        while (!done.await(Math.min(POLL_NANOS, watch.remainingNanos()), TimeUnit.NANOSECONDS)) {
            if (connection.getStatus() == Connection.Status.CLOSED) {
                String reason = connection.getLastError();
                throw new CliException("the connection closed before all the messages arrived"
                        + (reason == null ? "" : ": " + reason));
            }
            watch.observe(received.getAsLong(), expected);
        }
    }

    /** A watch starting now, for a client that counts its messages itself (a fetch loop). */
    Watch watch() {
        return new Watch();
    }

    /** One client's idle clock: restarted whenever its count grows. Used by the client's thread only. */
    final class Watch {

        private final long limitNanos = limit.plus(pause).toNanos();
        private long count;
        private long sinceNanos = System.nanoTime();

        private Watch() {
        }

        /**
         * Notes the client's count so far; the clock restarts when it grew.
         *
         * @throws CliException when it has not grown within the limit
         */
        void observe(long received, long expected) {
            long now = System.nanoTime();
            if (received != count) {
                count = received;
                sinceNanos = now;
            } else if (now - sinceNanos >= limitNanos) {
                throw new CliException("no message arrived for " + GoDuration.format(limit) + " ("
                        + IdleFlag.NAME + "): received " + Human.count(received) + " of " + Human.count(expected)
                        + " messages");
            }
        }

        /** Nanoseconds until the limit is reached if no message comes (at least 1). */
        long remainingNanos() {
            return Math.max(1, sinceNanos + limitNanos - System.nanoTime());
        }
    }
}
