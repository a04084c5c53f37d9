package io.natrix.cli.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.SharedJetStream;
import io.natrix.cli.output.Json;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.ReplayPolicy;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** natscli's consumer management: every subcommand's output and its effect as jnats sees it, and bad input. */
class ConsumerCommandTest extends SharedJetStream {

    @TempDir
    Path dir;

    /** Each test gets a fresh stream ORDERS on orders.> with five messages (after the others are removed). */
    @BeforeEach
    void freshStream() throws Exception {
        jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>").build());
        for (int i = 1; i <= 5; i++) {
            nc.jetStream().publish(i % 2 == 0 ? "orders.even" : "orders.odd",
                    ("order " + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void addMakesThePullConsumerJnatsSees() throws Exception {
        Result r = ok("consumer", "add", "ORDERS", "PULL", "--pull", "--ack", "explicit", "--deliver", "all",
                "--filter", "orders.odd", "--max-deliver", "5", "--wait", "10s", "--max-pending", "50",
                "--replay", "instant", "--no-headers-only", "--backoff", "none", "--description", "Odd orders",
                "--max-pull-batch", "20", "--max-waiting", "16", "--metadata", "owner=shop");
        assertThat(r.out()).startsWith("Information for Consumer ORDERS > PULL created ")
                .contains("\nConfiguration:\n\n").contains("                    Name: PULL\n")
                .contains("             Description: Odd orders\n").contains("               Pull Mode: true\n")
                .contains("          Filter Subject: orders.odd\n").contains("              Ack Policy: Explicit\n")
                .contains("                Ack Wait: 10.00s\n").contains("      Maximum Deliveries: 5\n")
                .contains("\nState:\n\n").contains("    Unprocessed Messages: 3\n")
                .contains("           Waiting Pulls: 0 of maximum 16\n");

        ConsumerConfiguration c = jsm.getConsumerInfo("ORDERS", "PULL").getConsumerConfiguration();
        assertThat(c.getDurable()).isEqualTo("PULL");
        assertThat(c.getDeliverSubject()).isNull();
        assertThat(c.getAckPolicy()).isEqualTo(AckPolicy.Explicit);
        assertThat(c.getDeliverPolicy()).isEqualTo(DeliverPolicy.All);
        assertThat(c.getFilterSubject()).isEqualTo("orders.odd");
        assertThat(c.getMaxDeliver()).isEqualTo(5);
        assertThat(c.getAckWait()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.getMaxAckPending()).isEqualTo(50);
        assertThat(c.getReplayPolicy()).isEqualTo(ReplayPolicy.Instant);
        assertThat(c.getMaxBatch()).isEqualTo(20);
        assertThat(c.getMaxPullWaiting()).isEqualTo(16);
        assertThat(c.getDescription()).isEqualTo("Odd orders");
        assertThat(c.getMetadata()).containsEntry("owner", "shop");
    }

    @Test
    void addMakesPushConsumersAndBackoffs() throws Exception {
        ok("consumer", "add", "ORDERS", "PUSH", "--target", "deliver.push", "--deliver", "last", "--ack", "all",
                "--heartbeat", "5s", "--flow-control", "--deliver-group", "workers", "--defaults");
        ConsumerConfiguration push = jsm.getConsumerInfo("ORDERS", "PUSH").getConsumerConfiguration();
        assertThat(push.getDeliverSubject()).isEqualTo("deliver.push");
        assertThat(push.getDeliverGroup()).isEqualTo("workers");
        assertThat(push.getDeliverPolicy()).isEqualTo(DeliverPolicy.Last);
        assertThat(push.getAckPolicy()).isEqualTo(AckPolicy.All);
        assertThat(push.getIdleHeartbeat()).isEqualTo(Duration.ofSeconds(5));
        assertThat(push.isFlowControl()).isTrue();

        ok("consumer", "add", "ORDERS", "BACK", "--pull", "--defaults", "--backoff", "linear", "--backoff-steps", "3",
                "--backoff-min", "1s", "--backoff-max", "4s", "--deliver", "3", "--inactive-threshold", "1h");
        ConsumerConfiguration back = jsm.getConsumerInfo("ORDERS", "BACK").getConsumerConfiguration();
        assertThat(back.getBackoff()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(3));
        assertThat(back.getMaxDeliver()).isEqualTo(4);
        assertThat(back.getDeliverPolicy()).isEqualTo(DeliverPolicy.ByStartSequence);
        assertThat(back.getStartSequence()).isEqualTo(3);
        assertThat(back.getInactiveThreshold()).isEqualTo(Duration.ofHours(1));
        assertThat(ok("consumer", "info", "ORDERS", "BACK").out()).contains("Backoff: 1s, 2s, 3s\n")
                .contains("Deliver Policy: From Sequence 3\n");

        Result ephemeral = ok("consumer", "add", "ORDERS", "--ephemeral", "--pull", "--defaults",
                "--inactive-threshold", "1m");
        assertThat(ephemeral.out()).startsWith("Information for Consumer ORDERS > ")
                .doesNotContain("Durable Name").contains("Inactive Threshold: 1m0s\n");
        assertThat(jsm.getConsumerNames("ORDERS")).hasSize(3);
    }

    @Test
    void addFromConfigFile() throws Exception {
        Path file = dir.resolve("c.json");
        Files.writeString(file, """
                {"durable_name": "FILE", "ack_policy": "explicit", "deliver_policy": "new", "max_ack_pending": 9}
                """);
        ok("consumer", "add", "ORDERS", "--config", file.toString());
        ConsumerInfo info = jsm.getConsumerInfo("ORDERS", "FILE");
        assertThat(info.getConsumerConfiguration().getMaxAckPending()).isEqualTo(9);
        assertThat(info.getConsumerConfiguration().getDeliverPolicy()).isEqualTo(DeliverPolicy.New);
        Files.writeString(dir.resolve("info.json"), ok("consumer", "info", "ORDERS", "FILE", "--json").out());
        ok("consumer", "add", "ORDERS", "COPY", "--config", dir.resolve("info.json").toString());
        assertThat(jsm.getConsumerInfo("ORDERS", "COPY").getConsumerConfiguration().getMaxAckPending()).isEqualTo(9);
    }

    @Test
    void nextFetchesAndAcknowledges() throws Exception {
        ok("consumer", "add", "ORDERS", "C", "--pull", "--defaults");
        Result two = ok("consumer", "next", "ORDERS", "C", "--count", "2");
        assertThat(two.out())
                .containsPattern("\\[\\d\\d:\\d\\d:\\d\\d] subj: orders.odd / tries: 1 / cons seq: 1 / str seq: 1 / pending: 4\n")
                .contains("\norder 1\n").contains("str seq: 2 / pending: 3\n").contains("\norder 2\n")
                .contains("\nAcknowledged message\n");
        ConsumerInfo after = jsm.getConsumerInfo("ORDERS", "C");
        assertThat(after.getAckFloor().getStreamSequence()).isEqualTo(2);
        assertThat(after.getNumAckPending()).isZero();

        assertThat(ok("consumer", "next", "ORDERS", "C", "--no-ack", "--raw").out()).isEqualTo("order 3\n");
        ConsumerInfo unacked = jsm.getConsumerInfo("ORDERS", "C");
        assertThat(unacked.getNumAckPending()).isEqualTo(1);
        assertThat(unacked.getAckFloor().getStreamSequence()).isEqualTo(2);

        assertThat(ok("consumer", "next", "ORDERS", "C", "--raw").out()).isEqualTo("order 4\n");
        assertThat(ok("consumer", "next", "ORDERS", "C", "--nak").out()).contains("Negative Acknowledged message");
    }

    @Test
    void pauseAndResume() throws Exception {
        ok("consumer", "add", "ORDERS", "P", "--pull", "--defaults");
        Result pause = ok("consumer", "pause", "ORDERS", "P", "1h", "--force");
        assertThat(pause.out()).matches("Paused ORDERS > P until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\((59m59s|1h0m0s)\\)\n");
        ConsumerInfo paused = jsm.getConsumerInfo("ORDERS", "P");
        assertThat(paused.getPaused()).isTrue();
        assertThat(paused.getPauseRemaining()).isGreaterThan(Duration.ofMinutes(59));
        assertThat(ok("consumer", "info", "ORDERS", "P").out()).contains("Paused Until Deadline: ")
                .containsPattern("Paused Until: .* remaining\\)");

        Result resume = ok("consumer", "resume", "ORDERS", "P", "-f");
        assertThat(resume.out()).startsWith("Consumer ORDERS > P was resumed while previously paused until ");
        assertThat(jsm.getConsumerInfo("ORDERS", "P").getPaused()).isFalse();
        assertThat(cli.run("consumer", "resume", "ORDERS", "P", "-f").err())
                .isEqualTo("natrix: error: consumer is not paused\n");

        ok("consumer", "pause", "ORDERS", "P", "--until", "2099-01-02 15:04:05", "-f");
        assertThat(jsm.getConsumerInfo("ORDERS", "P").getConsumerConfiguration().getPauseUntil().getYear())
                .isEqualTo(2099);
        assertThat(cli.run("consumer", "pause", "ORDERS", "P", "1h").err())
                .startsWith("natrix: error: --force is required to pause Consumer ORDERS > P until ");
        assertThat(cli.run("consumer", "pause", "ORDERS", "P", "soon", "-f").err())
                .isEqualTo("natrix: error: could not parse the pause time \"soon\" as either timestamp or duration\n");
    }

    @Test
    void lsInfoReportAndJson() throws Exception {
        ok("consumer", "add", "ORDERS", "A", "--pull", "--defaults", "--description", "first");
        ok("consumer", "add", "ORDERS", "B", "--target", "b.out", "--defaults");
        ok("consumer", "next", "ORDERS", "A");
        String ls = ok("consumer", "ls", "ORDERS").out();
        assertThat(ls).contains(" Consumers ").contains("│ Name │ Description │ Created ")
                .containsPattern("│ A +│ first +│ .* │ 0 +│ 4 +│ [\\d.]+m?s +│")
                .containsPattern("│ B +│ +│ .* │ 0 +│ 5 +│ never +│");
        assertThat(ok("consumer", "ls", "ORDERS", "--names").out()).isEqualTo("A\nB\n");
        assertThat(Json.parse(ok("consumer", "ls", "ORDERS", "--json").out(), "ls").toString())
                .isEqualTo("[\"A\",\"B\"]");
        String report = ok("con", "report", "ORDERS").out();
        assertThat(report).contains("Consumer report for ORDERS with 2 consumers")
                .containsPattern("│ A +│ Pull +│ Explicit +│ 30.00s +│ 0 +│ 0 +│ 4 / 80% +│ 1 +│")
                .containsPattern("│ B +│ Push +│ None +│");
        JsonNode info = Json.parse(ok("consumer", "info", "ORDERS", "A", "--json").out(), "info");
        assertThat(info.path("stream_name").asText()).isEqualTo("ORDERS");
        assertThat(info.path("config").path("ack_policy").asText()).isEqualTo("explicit");
        assertThat(info.path("ack_floor").path("stream_seq").asLong()).isEqualTo(1);
        assertThat(info.path("num_pending").asLong()).isEqualTo(4);
        assertThat(info.path("type").asText()).isEqualTo("io.nats.jetstream.api.v1.consumer_info_response");
    }

    @Test
    void editAndRm() throws Exception {
        ok("consumer", "add", "ORDERS", "E", "--pull", "--defaults");
        Result dry = cli.run("consumer", "edit", "ORDERS", "E", "--max-deliver", "3", "--dry-run");
        assertThat(dry.status()).isEqualTo(1);
        assertThat(dry.out()).isEqualTo("Differences (-old +new):\n-   max_deliver: -1\n+   max_deliver: 3\n");
        assertThat(cli.run("consumer", "edit", "ORDERS", "E", "--max-deliver", "3").err())
                .isEqualTo("natrix: error: --force is required to edit Consumer ORDERS > E when not on a terminal\n");
        Result edit = ok("consumer", "edit", "ORDERS", "E", "--max-deliver", "3", "--description", "changed", "-f");
        assertThat(edit.out()).contains("Information for Consumer ORDERS > E").contains("Description: changed\n");
        assertThat(jsm.getConsumerInfo("ORDERS", "E").getConsumerConfiguration().getMaxDeliver()).isEqualTo(3);

        assertThat(cli.run("consumer", "rm", "ORDERS", "E").err())
                .isEqualTo("natrix: error: --force is required to delete Consumer ORDERS > E when not on a terminal\n");
        assertThat(jsm.getConsumerNames("ORDERS")).contains("E");
        ok("consumer", "rm", "ORDERS", "E", "-f");
        assertThat(jsm.getConsumerNames("ORDERS")).doesNotContain("E");
        assertThat(ok("consumer", "ls", "ORDERS").out()).isEqualTo("No Consumers defined\n");
    }

    @Test
    void badInputIsOneLineAndNonZero() throws Exception {
        Result unknown = cli.run("consumer", "info", "ORDERS", "NOPE");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("natrix: error: consumer not found (10014)\n");
        assertThat(cli.run("consumer", "ls", "NOPE").err()).isEqualTo("natrix: error: stream not found (10059)\n");

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[1, 2");
        Result badJson = cli.run("consumer", "add", "ORDERS", "X", "--config", bad.toString());
        assertThat(badJson.status()).isEqualTo(1);
        assertThat(badJson.err()).startsWith("natrix: error: invalid JSON in " + bad).hasLineCount(1);

        assertThat(cli.run("consumer", "add", "ORDERS", "X", "--pull").err())
                .isEqualTo("natrix: error: --deliver is required when not on a terminal (or pass --defaults)\n");
        assertThat(cli.run("consumer", "add", "ORDERS", "X", "--defaults").err())
                .isEqualTo("natrix: error: --target or --pull is required when not on a terminal\n");
        assertThat(cli.run("consumer", "add", "ORDERS", "X", "--pull", "--defaults", "--wait", "soon").err())
                .startsWith("natrix: error: invalid value \"soon\" for --wait").hasLineCount(1);
        assertThat(cli.run("consumer", "add", "ORDERS", "X", "--pull", "--defaults", "--deliver", "whenever").err())
                .startsWith("natrix: error: invalid value \"whenever\" for --deliver").hasLineCount(1);
        assertThat(cli.run("consumer", "add", "ORDERS", "X", "--pull", "--defaults", "--ack", "maybe").err())
                .startsWith("natrix: error: invalid ack policy \"maybe\"").hasLineCount(1);
        assertThat(cli.run("consumer", "add", "ORDERS", "X.Y", "--pull", "--defaults").err())
                .isEqualTo("natrix: error: durable name can not contain '.', '*', '>'\n");
        assertThat(jsm.getConsumerNames("ORDERS")).isEmpty();

        ok("consumer", "add", "ORDERS", "PUSH", "--target", "p.out", "--defaults");
        assertThat(cli.run("consumer", "next", "ORDERS", "PUSH").err())
                .isEqualTo("natrix: error: consumer \"PUSH\" is not a Pull consumer\n");

        Result noSuch = cli.run("consumer", "frob");
        assertThat(noSuch.status()).isEqualTo(2);
        assertThat(noSuch.err()).isEqualTo("natrix: unknown command: frob (see 'natrix consumer --help')\n");
        Result noArg = cli.run("consumer", "next", "ORDERS");
        assertThat(noArg.status()).isEqualTo(2);
        assertThat(noArg.err()).hasLineCount(1);
        try (CliHarness offline = CliHarness.withoutServer(dir.resolve("offline"))) {
            Result down = offline.run("consumer", "ls", "S", "--server", "nats://127.0.0.1:1");
            assertThat(down.status()).isEqualTo(1);
            assertThat(down.err()).startsWith("natrix: error: could not connect to nats://127.0.0.1:1").hasLineCount(1);
        }
    }
}
