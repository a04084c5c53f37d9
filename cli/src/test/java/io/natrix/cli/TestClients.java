package io.natrix.cli;

import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;

/**
 * The jnats side of the command tests, which check a command's effects as a client sees them: connections patient
 * enough for a machine busy with other builds, and waits for what a long-running command sets up.
 */
public final class TestClients {

    /** How long a test connection may take: the first one may wait out the server's start on a busy machine. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private TestClients() {
    }

    /** A jnats connection to the harness's server. */
    public static Connection connect(CliHarness cli) throws Exception {
        return connect(cli.url());
    }

    /** A jnats connection to {@code url}. */
    public static Connection connect(String url) throws Exception {
        return Nats.connect(Options.builder().server(url).connectionTimeout(CONNECT_TIMEOUT).build());
    }

    /** Gives the harness's command lines the same patience (connecting and JetStream API calls). */
    public static CliHarness patient(CliHarness cli) {
        cli.env().put("NATS_TIMEOUT", "20s");
        return cli;
    }

    /**
     * Waits until {@code stream} has a consumer: a watching command ({@code kv watch}, {@code object watch}) has
     * then started, so changes made next reach it as changes.
     */
    public static void awaitConsumer(CliHarness cli, String stream) throws Exception {
        try (Connection nc = connect(cli)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> jsm.getStreamInfo(stream).getStreamState().getConsumerCount() > 0);
        }
    }
}
