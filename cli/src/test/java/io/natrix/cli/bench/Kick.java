package io.natrix.cli.bench;

import static org.awaitility.Awaitility.await;

import io.natrix.cli.CliHarness;
import io.natrix.server.client.ClientConnection;
import java.time.Duration;
import java.util.Optional;

/** Closes a benchmark client's connection from the server's side, as a server drops a client it gives up on. */
final class Kick {

    private Kick() {
    }

    /**
     * Waits until the client connection named {@code name} ({@code natrix bench sub 1}, ...) has subscribed, then
     * closes it.
     */
    static void onceSubscribed(CliHarness cli, String name) {
        ClientConnection client = await().atMost(Duration.ofSeconds(20)).until(
                () -> cli.server().connections().stream()
                        .filter(c -> c.connectOptions() != null && name.equals(c.connectOptions().name)
                                && c.subscriptionCount() > 0)
                        .findFirst(), Optional::isPresent).orElseThrow();
        cli.server().kick(client.cid());
    }
}
