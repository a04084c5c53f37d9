package io.natrix.cli.bench;

import io.natrix.cli.CliException;
import io.nats.client.Connection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One benchmark client's work, run by {@link ClientRunner} on the client's own thread with the client's own
 * connection. {@link #prepare()} runs for every client before any client's {@link #run()} starts, so subscribers are
 * subscribed and consumers bound before the first message is published.
 */
interface ClientJob {

    /** Gets ready without doing measured work: subscribe, bind a consumer, look up a bucket. */
    default void prepare() throws Exception {
    }

    /** Does the measured work and says what it measured. Must give up promptly when its thread is interrupted. */
    Sample run() throws Exception;

    /**
     * Waits for {@code latch} as long as {@code connection} is open: a receiving client whose connection the server
     * closed (a slow consumer, say) fails instead of waiting forever for messages that cannot come.
     */
    static void awaitWhileConnected(CountDownLatch latch, Connection connection) throws InterruptedException {
        while (!latch.await(200, TimeUnit.MILLISECONDS)) {
            if (connection.getStatus() == Connection.Status.CLOSED) {
                String reason = connection.getLastError();
                throw new CliException("the connection closed before all the messages arrived"
                        + (reason == null ? "" : ": " + reason));
            }
        }
    }
}
