package io.natrix.cli.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.admin.AdminHarness;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code natrix events}: server and JetStream advisories as they happen. */
class EventsCommandTest {

    @TempDir
    Path dir;

    private AdminHarness admin;

    private CliHarness start() {
        admin = AdminHarness.start(dir);
        return admin.cli();
    }

    private static Connection connectApp(CliHarness cli) throws Exception {
        return Nats.connect(new Options.Builder().server(cli.url()).userInfo("app", "s3cret")
                .connectionName("orders-app").connectionTimeout(Duration.ofSeconds(10)).maxReconnects(0).build());
    }

    /** Runs the command line on another thread, and connects clients until it has printed what it waits for. */
    private static Result runWhileConnecting(CliHarness cli, String... args) throws Exception {
        CompletableFuture<Result> run = CompletableFuture.supplyAsync(() -> cli.run(args));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Connection c = connectApp(cli)) {
                c.flush(Duration.ofSeconds(5));
            }
            return run.isDone();
        });
        return run.get();
    }

    @Test
    void aConnectEventIsShown() throws Exception {
        try (CliHarness cli = start()) {
            // A client that connected before the subscription may still disconnect under it: keep the connects only.
            Result r = runWhileConnecting(cli, "events", "--count", "1", "--filter", "client_connect");
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).startsWith("Listening for Client Connection events on $SYS.ACCOUNT.*.CONNECT\n")
                    .contains("] Client Connection\n").contains("            Account: APP\n")
                    .contains("               Name: orders-app\n").contains("               User: app\n")
                    .contains("Language: java");
        }
    }

    @Test
    void shortAndJsonForms() throws Exception {
        try (CliHarness cli = start()) {
            Result shortForm = runWhileConnecting(cli, "event", "--short", "--count", "1", "--filter",
                    "client_connect");
            assertThat(shortForm.out()).containsPattern("\\d\\d:\\d\\d:\\d\\d \\[Connection] user: app cid: \\d+ "
                    + "in account APP\n");
            Result json = runWhileConnecting(cli, "events", "--json", "--count", "1", "--filter", "client_connect");
            assertThat(json.out()).doesNotContain("Listening").startsWith("{")
                    .contains("\"type\":\"io.nats.server.advisory.v1.client_connect\"");
        }
    }

    @Test
    void jetStreamAdvisories() throws Exception {
        try (CliHarness cli = start()) {
            cli.env().put("NATS_USER", "app");
            CompletableFuture<Result> run = CompletableFuture.supplyAsync(() ->
                    cli.run("events", "--js-advisory", "--no-srv-advisory", "--short", "--count", "1", "--filter",
                            "stream_action"));
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try (Connection c = connectApp(cli)) {
                    var jsm = c.jetStreamManagement();
                    try {
                        jsm.deleteStream("ORDERS");
                    } catch (io.nats.client.JetStreamApiException e) {
                        // not there yet
                    }
                    jsm.addStream(io.nats.client.api.StreamConfiguration.builder().name("ORDERS")
                            .subjects("orders.>").build());
                }
                return run.isDone();
            });
            Result r = run.get();
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).startsWith("Listening for Advisories on $JS.EVENT.ADVISORY.>\n")
                    .containsPattern("\\[Stream (Create|Delete)] ORDERS");
        }
    }

    @Test
    void eventsKeptInAStreamAreReplayed() throws Exception {
        try (CliHarness cli = start()) {
            cli.env().put("NATS_USER", "app");
            try (Connection c = connectApp(cli)) {
                var jsm = c.jetStreamManagement();
                jsm.addStream(io.nats.client.api.StreamConfiguration.builder().name("EVENTS")
                        .subjects("events.>").build());
                c.jetStream().publish("events.1", ("{\"type\":\"io.nats.jetstream.advisory.v1.stream_action\","
                        + "\"id\":\"x1\",\"timestamp\":\"2026-11-26T10:00:00Z\",\"stream\":\"ORDERS\","
                        + "\"action\":\"create\"}").getBytes());
                c.jetStream().publish("events.2", "{\"type\":\"something.else\"}".getBytes());
            }
            Result r = cli.run("events", "--stream", "EVENTS", "--count", "2");
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).startsWith("Listening for Events in stream EVENTS\n")
                    .contains("] [x1] Stream Create Action\n\n        Stream: ORDERS")
                    .contains("Event error: unknown event schema on subject events.2");
            Result since = cli.run("events", "--stream", "EVENTS", "--since", "1h", "--count", "1", "--short");
            assertThat(since.out()).contains("Listening for Events in stream EVENTS since ")
                    .contains("[Stream Create] ORDERS");
            Result both = cli.run("events", "--stream", "EVENTS", "--js-advisory");
            assertThat(both.err()).isEqualTo("natrix: error: cannot specify both Stream and specific advisories or "
                    + "extra subjects\n");
            Result missing = cli.run("events", "--stream", "NOPE");
            assertThat(missing.status()).isEqualTo(1);
            assertThat(missing.err()).startsWith("natrix: error: could not read stream NOPE: ").hasLineCount(1);
        }
    }

    @Test
    void badInputIsOneLine() throws Exception {
        try (CliHarness cli = start()) {
            Result none = cli.run("events", "--no-srv-advisory");
            assertThat(none.status()).isEqualTo(1);
            assertThat(none.err()).isEqualTo("natrix: error: no events were chosen\n");
            Result badFilter = cli.run("events", "--filter", "(");
            assertThat(badFilter.status()).isEqualTo(1);
            assertThat(badFilter.err()).startsWith("natrix: error: invalid body regular expression").hasLineCount(1);
            Result unreachable = cli.run("events", "--server", "nats://127.0.0.1:1");
            assertThat(unreachable.status()).isEqualTo(1);
            assertThat(unreachable.err()).startsWith("natrix: error: could not connect").hasLineCount(1);
        }
    }
}
