package io.natrix.cli.messaging;

import static org.awaitility.Awaitility.await;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.server.client.ClientConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs a long-lived command line ({@code sub}, {@code reply}) on another thread and waits, without sleeping,
 * until the server holds its subscription, so a test can then send it messages.
 */
final class Background {

    private final CompletableFuture<Result> result;

    private Background(CompletableFuture<Result> result) {
        this.result = result;
    }

    /** Starts {@code args} and returns once a subscription on {@code subject} exists in the server. */
    static Background start(CliHarness cli, String subject, String... args) {
        return start(cli, subject::equals, args);
    }

    /** Starts {@code args} and returns once the server holds a subscription whose subject passes the test. */
    static Background start(CliHarness cli, Predicate<String> subject, String... args) {
        CompletableFuture<Result> future = CompletableFuture.supplyAsync(() -> cli.run(args));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    if (future.isDone()) {
                        throw new AssertionError("the command ended before subscribing: " + future.join());
                    }
                    return subscribed(cli, subject) != null;
                });
        return new Background(future);
    }

    /** The subject of the first subscription in the server that passes the test, or null. */
    static String subscribed(CliHarness cli, Predicate<String> subject) {
        for (ClientConnection c : cli.server().connections()) {
            for (ClientConnection.SubscriptionDetail d : c.subscriptionDetails()) {
                if (subject.test(d.subject())) {
                    return d.subject();
                }
            }
        }
        return null;
    }

    /** Whether the command has ended. */
    boolean done() {
        return result.isDone();
    }

    /** The command's result, once it has ended by itself. */
    Result result() throws Exception {
        return result.get(10, TimeUnit.SECONDS);
    }
}
