package io.natrix.cli.bench;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Notices what goes wrong on the benchmark's connections without stopping the run (a server {@code -ERR}, a client
 * exception, a slow consumer), so that the results can carry natscli's warning that they are not optimal. Shared by
 * all the clients' connections; thread-safe.
 */
final class ClientHealth implements ErrorListener {

    private final AtomicReference<String> first = new AtomicReference<>();

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

    /** The first problem any connection reported, or {@code null}. */
    String firstProblem() {
        return first.get();
    }
}
