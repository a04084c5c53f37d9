package io.natrix.cli.messaging;

import io.natrix.cli.CliHarness;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;

/** The jnats side of the messaging tests: connections patient enough for a machine busy with other builds. */
final class TestClients {

    private TestClients() {
    }

    static Connection connect(CliHarness cli) throws Exception {
        return Nats.connect(Options.builder().server(cli.url()).connectionTimeout(Duration.ofSeconds(20)).build());
    }

    /** Gives the harness's command lines the same patience (connecting and JetStream API calls). */
    static CliHarness patient(CliHarness cli) {
        cli.env().put("NATS_TIMEOUT", "20s");
        return cli;
    }
}
