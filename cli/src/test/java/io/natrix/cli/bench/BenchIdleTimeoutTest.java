package io.natrix.cli.bench;

import static io.natrix.cli.CliAssert.oneError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.SharedServer;
import io.natrix.cli.TestClients;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmarks that wait for messages never wait for ever: they end with one error line when no message has
 * arrived for {@code --idle-timeout}, or when their connection closes; and they still take messages published while
 * they wait, as natscli's do.
 */
class BenchIdleTimeoutTest extends SharedServer {

    /** How long a run that must end by itself may take, on a busy machine. */
    private static final Duration ENDS_WITHIN = Duration.ofSeconds(15);

    @TempDir
    static Path dir;

    @RegisterExtension
    final BackgroundRuns background = new BackgroundRuns();

    /** A memory stream {@code name} on {@code name.>} holding {@code count} messages. */
    private static void streamWith(String name, int count) throws Exception {
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(name)
                .subjects(name + ".>").storageType(StorageType.Memory).build());
        publish(name, count);
    }

    private static void publish(String stream, int count) throws Exception {
        JetStream js = nc.jetStream();
        for (int i = 0; i < count; i++) {
            js.publish(stream + ".m", new byte[128]);
        }
    }

    /** Runs a command line that must end by itself soon. */
    private static Result ends(String... args) {
        return assertTimeoutPreemptively(ENDS_WITHIN, () -> cli.run(args), () -> String.join(" ", args));
    }

    /** Asserts a failed run with exactly one error line and no summary; returns that line. */
    private static String failure(Result r) {
        assertThat(r.out()).as(r.toString()).doesNotContain("stats");
        return oneError(r);
    }

    /**
     * Runs {@code bench js MODE} on a new stream holding 5 messages, asking for 100 with a short idle timeout, and
     * asserts that it ends with the idle timeout's error line; returns what it did.
     */
    private static Result shortStreamRun(String mode, String stream, String... more) throws Exception {
        streamWith(stream, 5);
        List<String> args = new ArrayList<>(List.of("bench", "js", mode, "--stream", stream, "--msgs", "100",
                "--idle-timeout", "300ms"));
        args.addAll(List.of(more));
        Result r = ends(args.toArray(String[]::new));
        assertThat(failure(r)).isEqualTo(
                "natrix: error: no message arrived for 300ms (--idle-timeout): received 5 of 100 messages");
        return r;
    }

    @Test
    void jsConsumeEndsWhenTheStreamHoldsFewerMessagesThanAskedFor() throws Exception {
        Result r = shortStreamRun("consume", "SHORTC", "--clients", "2");
        assertThat(r.err()).contains("idle-timeout=300ms")
                .contains("WARNING: the consumer has 5 messages for a run of 100; the clients wait for the rest to "
                        + "be published, and fail when none has arrived for 300ms (--idle-timeout)");
        JetStreamManagement jsm = nc.jetStreamManagement();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ConsumerInfo info = jsm.getConsumerInfo("SHORTC", "nats-bench");
            assertThat(info.getAckFloor().getStreamSequence()).as("the five were acknowledged").isEqualTo(5);
            assertThat(info.getNumAckPending()).isZero();
        });
    }

    @Test
    void jsFetchEndsWhenTheStreamHoldsFewerMessagesThanAskedFor() throws Exception {
        Result r = shortStreamRun("fetch", "SHORTF", "--batch", "10");
        assertThat(r.err()).contains("Fetch timeout! (no messages within 1000ms)");
    }

    @Test
    void jsOrderedEndsWhenTheStreamHoldsFewerMessagesThanAskedFor() throws Exception {
        shortStreamRun("ordered", "SHORTO", "--clients", "2");
    }

    @Test
    void jsConsumeStillTakesMessagesPublishedWhileItWaits() throws Exception {
        streamWith("LATE", 5);
        Future<Result> consume = background.run(cli, "bench", "js", "consume", "--stream", "LATE",
                "--clients", "2", "--msgs", "10");
        // The benchmark creates its durable consumer before its clients start; from then on none is missed.
        TestClients.awaitConsumer(cli, "LATE");
        publish("LATE", 5);
        Result r = consume.get(20, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(BenchOutput.clientCounts(r.out(), "Sub")).hasSize(2)
                .satisfies(c -> assertThat(c.get(0) + c.get(1)).isEqualTo(10));
    }

    @Test
    void benchSubEndsWhenNoPublisherComes() {
        Result r = ends("bench", "sub", "nobody.publishes", "--clients", "2", "--msgs", "10",
                "--idle-timeout", "300ms");
        assertThat(failure(r)).isEqualTo(
                "natrix: error: no message arrived for 300ms (--idle-timeout): received 0 of 10 messages");
    }

    @Test
    void serviceServeEndsInOneLineWhenItsConnectionCloses() throws Exception {
        try (CliHarness own = CliHarness.start(dir.resolve("serve"))) {
            Future<Result> serve = background.run(own, "bench", "service", "serve", "bench.gone");
            Kick.onceSubscribed(own, "natrix bench serve 1");
            Result r = serve.get(20, TimeUnit.SECONDS);
            assertThat(failure(r)).startsWith("natrix: error: the connection closed while serving");
        }
    }

    @Test
    void badIdleTimeoutIsOneLine() {
        Result zero = cli.run("bench", "sub", "x", "--idle-timeout", "0s");
        assertThat(zero.status()).isEqualTo(1);
        assertThat(zero.err()).isEqualTo("natrix: error: invalid value \"0s\" for --idle-timeout: must be positive\n");

        Result negative = cli.run("bench", "js", "fetch", "--idle-timeout", "-1s");
        assertThat(negative.status()).isEqualTo(1);
        assertThat(negative.err())
                .isEqualTo("natrix: error: invalid value \"-1s\" for --idle-timeout: must not be negative\n");

        Result word = cli.run("bench", "pubsub", "x", "--idle-timeout", "soon");
        assertThat(word.status()).isEqualTo(1);
        assertThat(word.err()).startsWith("natrix: error: invalid value \"soon\" for --idle-timeout: ")
                .hasLineCount(1);

        Result publisher = cli.run("bench", "pub", "x", "--idle-timeout", "1s");
        assertThat(publisher.status()).as("publishers wait for no message").isEqualTo(2);
        assertThat(publisher.err()).startsWith("natrix: flag provided but not defined: --idle-timeout");
    }
}
