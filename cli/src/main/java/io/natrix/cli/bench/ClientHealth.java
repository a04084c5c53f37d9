package io.natrix.cli.bench;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Notices what goes wrong on the benchmark's connections without stopping the run (a server {@code -ERR}, a client
 * exception, a slow consumer), so that the results can carry natscli's warning that they are not optimal; and
 * notices the first connection that closes, for a command that has nothing else to wait for ({@code service serve}).
 * Shared by all the clients' connections; thread-safe.
 */
final class ClientHealth implements ErrorListener, ConnectionListener {

    private final AtomicReference<String> first = new AtomicReference<>();
    private final AtomicReference<Connection> firstClosed = new AtomicReference<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    @Override
    public void errorOccurred(Connection conn, String error) {
        first.compareAndSet(null, "server error: " + error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        first.compareAndSet(null, "client exception: " + exp.getMessage());
    }

    @Override
    public void slowConsumerDetected(Connection conn, Consumer consumer) {
        first.compareAndSet(null, "slow consumer");
    }

    @Override
    public void connectionEvent(Connection conn, Events type) {
        if (type == Events.CLOSED) {
            firstClosed.compareAndSet(null, conn);
            closed.countDown();
        }
    }

    /** The first problem any connection reported, or {@code null}. */
    String firstProblem() {
        return first.get();
    }

    /**
     * Waits, with no deadline, until one of the connections has closed, and returns it. Only for a command whose
     * work is to run until stopped: jnats does not reconnect the benchmark's connections, so a closed one is for
     * good.
     */
    Connection awaitClosed() throws InterruptedException {
        closed.await();
        return firstClosed.get();
    }
}
