package io.natrix.cli;

import io.natrix.cli.CliHarness.Result;
import io.nats.client.Connection;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The superclass of a command test class that runs all its tests against one server: the server (JetStream storing
 * in a temporary directory) and its harness start before the class's first test and stop after its last, with a
 * jnats connection to check the commands' effects and to play the other side. A subclass's own {@code @BeforeAll}
 * runs after this one's, so it can use both (and make the harness {@linkplain TestClients#patient patient}). Test
 * classes run one at a time, so the static state is one class's at a time.
 */
public abstract class SharedServer {

    @TempDir
    static Path serverDir;

    protected static CliHarness cli;
    protected static Connection nc;

    @BeforeAll
    static void startServer() throws Exception {
        cli = CliHarness.start(serverDir);
        nc = TestClients.connect(cli);
    }

    @AfterAll
    static void stopServer() throws Exception {
        nc.close();
        cli.close();
    }

    /** Runs a command line that must succeed. */
    protected static Result ok(String... args) {
        return CliAssert.ok(cli.run(args));
    }
}
