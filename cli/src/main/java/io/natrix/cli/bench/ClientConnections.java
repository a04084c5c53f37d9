package io.natrix.cli.bench;

import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * The connections a benchmark opened (one per client, and the one it sets up streams with), closed together when
 * the command ends however it ends. Used by the command's thread only.
 */
final class ClientConnections implements AutoCloseable {

    private final List<Connection> connections = new ArrayList<>();

    /** Keeps {@code connection} to be closed later, and returns it. */
    Connection add(Connection connection) {
        connections.add(connection);
        return connection;
    }

    @Override
    public void close() {
        boolean interrupted = false;
        for (Connection c : connections) {
            try {
                c.close();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        connections.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
