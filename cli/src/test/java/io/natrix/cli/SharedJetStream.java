package io.natrix.cli;

import io.nats.client.JetStreamManagement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * A {@link SharedServer} for the stream and consumer command tests: with JetStream management to check the commands'
 * effects with, and no streams left over from the test before, since the tests share the server.
 */
public abstract class SharedJetStream extends SharedServer {

    protected static JetStreamManagement jsm;

    @BeforeAll
    static void jetStreamManagement() throws Exception {
        jsm = nc.jetStreamManagement();
    }

    @BeforeEach
    void removeStreams() throws Exception {
        for (String name : jsm.getStreamNames()) {
            jsm.deleteStream(name);
        }
    }
}
