package io.natrix.cli.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.SharedServer;
import io.natrix.cli.TestClients;
import io.natrix.cli.output.Json;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sub}: core and JetStream subscriptions fed by jnats, natscli's output shapes, dumps, and bad input. */
class SubCommandTest extends SharedServer {

    @BeforeAll
    static void start() throws Exception {
        TestClients.patient(cli);
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("ORD").subjects("ord.>")
                .storageType(StorageType.Memory).build());
        JetStream js = nc.jetStream();
        js.publish("ord.a", bytes("first"));
        js.publish(NatsMessage.builder().subject("ord.b").headers(new Headers().add("K", "v"))
                .data(bytes("second")).build());
        js.publish("ord.a", bytes("third"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void subShowsMessagesWithHeadersAsNatscli() throws Exception {
        Background sub = Background.start(cli, "sub.a", "sub", "sub.a", "--count", "2");
        nc.publish(NatsMessage.builder().subject("sub.a").headers(new Headers().add("Trace", "t1"))
                .data(bytes("hello")).build());
        nc.publish("sub.a", "reply.here", null);
        Result r = sub.result();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("""
                [#1] Received on "sub.a"
                Trace: t1

                hello


                [#2] Received on "sub.a" with reply "reply.here"
                nil body


                """);
        assertThat(r.err()).containsPattern("^\\d\\d:\\d\\d:\\d\\d Subscribing on sub.a\n$");
    }

    @Test
    void subRawInAQueueGroupAndIgnoredSubjects() throws Exception {
        Background sub = Background.start(cli, "raw.>", "sub", "raw.>", "--queue", "workers", "--raw",
                "--count", "2", "-I", "raw.skip,raw.other.*");
        nc.publish("raw.skip", bytes("skipped"));
        nc.publish("raw.other.x", bytes("skipped too"));
        nc.publish("raw.one", bytes("one"));
        nc.publish("raw.two", bytes("two\n"));
        Result r = sub.result();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("one\ntwo\n");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void subTranslatesBodiesThroughACommand() throws Exception {
        Background sub = Background.start(cli, "tr.*", "sub", "tr.*", "--count", "2",
                "--translate", "sh -c 'tr a-z A-Z; printf \" on %s\" {{Subject}}'");
        nc.publish("tr.a", bytes("hello"));
        nc.publish("tr.b", bytes("world"));
        Result r = sub.result();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("[#1] Received on \"tr.a\"\nHELLO on tr.a\n\n\n")
                .contains("[#2] Received on \"tr.b\"\nWORLD on tr.b\n\n\n");

        Background failing = Background.start(cli, "tr.fail", "sub", "tr.fail", "--count", "1", "--raw",
                "--translate", "sh -c 'echo oops; exit 2'");
        nc.publish("tr.fail", bytes("x"));
        Result f = failing.result();
        assertThat(f.out()).isEqualTo("\"oops\\n\"\nError while translating msg body: exit status 2\n\n");
    }

    @Test
    void subMatchesRepliesToRequests() throws Exception {
        // The command first, so that waiting for a subscription on mr.svc finds the command's.
        Background sub = Background.start(cli, "mr.svc", "sub", "mr.svc", "--match-replies", "--count", "1");
        Dispatcher responder = nc.createDispatcher(m -> nc.publish(m.getReplyTo(), bytes("pong")));
        responder.subscribe("mr.svc");
        nc.flush(Duration.ofSeconds(10));
        Message reply = nc.request("mr.svc", bytes("ping"), Duration.ofSeconds(10));
        assertThat(reply.getData()).isEqualTo(bytes("pong"));
        Result r = sub.result();
        nc.closeDispatcher(responder);
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.err()).contains("Matching replies with inbox prefix _INBOX.>");
        assertThat(r.out()).matches("(?s)\\[#1] Received on \"mr.svc\" with reply \"(_INBOX\\.[^\"]+)\"\nping\n\n\n"
                + "\\[#1] Matched reply on \"\\1\"\npong\n\n\n");

        Result js = cli.run("sub", "--stream", "ORD", "--match-replies");
        assertThat(js.err()).isEqualTo("natrix: error: cannot enable --match-replies for JetStream streams\n");
    }

    @Test
    void subHeadersOnlyAndSubjectsOnly() throws Exception {
        Background headers = Background.start(cli, "ho", "sub", "ho", "--headers-only", "--count", "1");
        nc.publish(NatsMessage.builder().subject("ho").headers(new Headers().add("A", "1").add("A", "2"))
                .data(bytes("hidden")).build());
        Result h = headers.result();
        assertThat(h.out()).isEqualTo("[#1] Received on \"ho\"\nA: 1\nA: 2\n\n");

        Background subjects = Background.start(cli, "so.*", "sub", "so.*", "--subjects-only", "--count", "2");
        nc.publish("so.x", bytes("hidden"));
        nc.publish("so.y", bytes("hidden"));
        Result s = subjects.result();
        assertThat(s.out()).isEqualTo("[#1] Received on \"so.x\"\n[#2] Received on \"so.y\"\n");
    }

    @Test
    void subDumpWritesOneJsonFilePerMessage(@TempDir Path dumps) throws Exception {
        Path target = dumps.resolve("out");
        Background sub = Background.start(cli, "dump.*", "sub", "dump.*", "--dump", target.toString(),
                "--count", "2");
        nc.publish(NatsMessage.builder().subject("dump.a").replyTo("r.1").headers(new Headers().add("H", "x"))
                .data(bytes("payload")).build());
        nc.publish("dump.b", null);
        Result r = sub.result();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).isEmpty();
        JsonNode first = Json.parse(Files.readString(target.resolve("1.json")), "dump");
        assertThat(first.get("Subject").asText()).isEqualTo("dump.a");
        assertThat(first.get("Reply").asText()).isEqualTo("r.1");
        assertThat(first.get("Header").get("H").get(0).asText()).isEqualTo("x");
        assertThat(Base64.getDecoder().decode(first.get("Data").asText())).isEqualTo(bytes("payload"));
        assertThat(first.get("Sub").isNull()).isTrue();
        JsonNode second = Json.parse(Files.readString(target.resolve("2.json")), "dump");
        assertThat(second.get("Subject").asText()).isEqualTo("dump.b");
        assertThat(second.get("Header").isNull()).isTrue();
    }

    @Test
    void subInboxAndDumpToStandardOutput() throws Exception {
        // jnats names a new inbox _INBOX.<nuid>; the test connection's request replies use _INBOX.<nuid>.*.
        Predicate<String> newInbox = s -> s.matches("_INBOX\\.[A-Za-z0-9]+");
        Background sub = Background.start(cli, newInbox, "sub", "--inbox", "--count", "1");
        String inbox = Background.subscribed(cli, newInbox);
        nc.publish(inbox, bytes("to the inbox"));
        Result r = sub.result();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.err()).contains("Subscribing on " + inbox);
        assertThat(r.out()).isEqualTo("[#1] Received on \"" + inbox + "\"\nto the inbox\n\n\n");

        Background dump = Background.start(cli, "dump.stdout", "sub", "dump.stdout", "--count", "1", "--dump", "-");
        nc.publish("dump.stdout", bytes("nul ended"));
        Result d = dump.result();
        assertThat(d.status()).as(d.toString()).isZero();
        assertThat(d.out()).endsWith("\0");
        JsonNode doc = Json.parse(d.out().substring(0, d.out().length() - 1), "dump");
        assertThat(doc.get("Subject").asText()).isEqualTo("dump.stdout");
        assertThat(Base64.getDecoder().decode(doc.get("Data").asText())).isEqualTo(bytes("nul ended"));

        Result both = cli.run("sub", "--inbox", "--dump", "-");
        assertThat(both.err()).isEqualTo("natrix: error: generating inboxes is not compatible with dumping to "
                + "stdout using null terminated strings\n");
    }

    @Test
    void subReconnectsAfterTheServerDropsIt() throws Exception {
        Background sub = Background.start(cli, "resilient", "sub", "resilient", "--count", "1", "--raw");
        long cid = cli.server().connections().stream()
                .filter(c -> c.subscriptionDetails().stream().anyMatch(d -> d.subject().equals("resilient")))
                .findFirst().orElseThrow().cid();
        assertThat(cli.server().kick(cid)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> cli.server().connections().stream()
                .anyMatch(c -> c.cid() != cid && c.subscriptionDetails().stream()
                        .anyMatch(d -> d.subject().equals("resilient"))));
        // Published until the command has it: --count 1 shows exactly one whatever the retries.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            nc.publish("resilient", bytes("after the drop"));
            return sub.done();
        });
        Result r = sub.result();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("after the drop\n");
        assertThat(r.err()).contains(">>> Disconnected").contains("will attempt reconnect");
    }

    @Test
    void subWaitEndsAnIdleSubscription() {
        Result r = cli.run("sub", "idle", "--wait", "100ms");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).isEmpty();
    }

    @Test
    void subStreamReadsThroughAnOrderedConsumer() {
        Result all = cli.run("sub", "--stream", "ORD", "--count", "3");
        assertThat(all.status()).as(all.toString()).isZero();
        assertThat(all.out())
                .containsPattern("(?m)^\\[#1] Received JetStream message: stream: ORD seq: 1 / pending: 2 / "
                        + "subject: ord.a / time: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\nfirst\n")
                .contains("[#2] Received JetStream message: stream: ORD seq: 2 / pending: 1 / subject: ord.b")
                .contains("K: v\n\nsecond\n")
                .contains("[#3] Received JetStream message: stream: ORD seq: 3 / pending: 0 / subject: ord.a");

        Result last = cli.run("sub", "ord.a", "--last", "--count", "1", "--raw");
        assertThat(last.status()).as(last.toString()).isZero();
        assertThat(last.out()).isEqualTo("third\n");
        assertThat(last.err()).contains("Subscribing to subject ord.a from last received message");

        Result fromSeq = cli.run("sub", "--stream", "ORD", "--start-sequence", "2", "-T", "--raw");
        assertThat(fromSeq.status()).as(fromSeq.toString()).isZero();
        assertThat(fromSeq.out()).isEqualTo("second\nthird\n");

        Result perSubject = cli.run("sub", "--stream", "ORD", "--last-per-subject", "-T", "--raw");
        assertThat(perSubject.status()).as(perSubject.toString()).isZero();
        assertThat(perSubject.out()).isEqualTo("second\nthird\n");

        Result since = cli.run("sub", "ord.a", "--since", "1h", "--count", "2", "--raw");
        assertThat(since.status()).as(since.toString()).isZero();
        assertThat(since.out()).isEqualTo("first\nthird\n");
        assertThat(since.err()).contains("Subscribing to subject ord.a since 1h");
    }

    @Test
    void subDurableMakesThePullConsumer(@TempDir Path dumps) throws Exception {
        Result r = cli.run("sub", "--stream", "ORD", "--durable", "READER", "--all", "--count", "2",
                "--dump", dumps.toString());
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(nc.jetStreamManagement().getConsumerInfo("ORD", "READER").getDelivered().getStreamSequence())
                .isEqualTo(2);
        // Dumped JetStream messages are named by stream sequence.
        assertThat(Files.exists(dumps.resolve("1.json"))).isTrue();
        assertThat(Files.exists(dumps.resolve("2.json"))).isTrue();

        Result again = cli.run("sub", "--stream", "ORD", "--durable", "READER", "--count", "1", "--raw");
        assertThat(again.status()).as(again.toString()).isZero();
        assertThat(again.out()).isEqualTo("third\n");
        assertThat(again.err()).contains("using existing pull consumer \"READER\"");
    }

    @Test
    void subDurableConsumesAWorkQueue() throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("WQ").subjects("wq.>").storageType(StorageType.Memory)
                .retentionPolicy(RetentionPolicy.WorkQueue).build());
        nc.jetStream().publish("wq.job", bytes("job 1"));
        nc.jetStream().publish("wq.job", bytes("job 2"));

        Result plain = cli.run("sub", "--stream", "WQ", "--count", "1");
        assertThat(plain.status()).isEqualTo(1);
        assertThat(plain.err()).isEqualTo("natrix: error: stream WQ has workqueue retention: subscribe with "
                + "--durable to consume it\n");

        Result r = cli.run("sub", "--stream", "WQ", "--durable", "WORKER", "--count", "1", "--raw");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("job 1\n");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jsm.getStreamInfo("WQ").getStreamState().getMsgCount() == 1);
    }

    @Test
    void subBadInputIsOneLine(@TempDir Path other) {
        Result missing = cli.run("sub");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).startsWith("natrix: subject is required").hasLineCount(1);

        Result noStream = cli.run("sub", "nothing.here", "--all");
        assertThat(noStream.status()).isEqualTo(1);
        assertThat(noStream.err()).isEqualTo("natrix: error: no stream found with subject: nothing.here\n");

        Result two = cli.run("sub", "a", "b", "--stream", "ORD");
        assertThat(two.err()).isEqualTo("natrix: error: streams subscribe support only 1 subject\n");

        Result unknownStream = cli.run("sub", "--stream", "NOPE");
        assertThat(unknownStream.status()).isEqualTo(1);
        assertThat(unknownStream.err()).startsWith("natrix: error: stream not found").hasLineCount(1);

        try (CliHarness offline = CliHarness.withoutServer(other)) {
            Result r = offline.run("sub", "x", "--server", "nats://127.0.0.1:1");
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).startsWith("natrix: error: could not connect to nats://127.0.0.1:1").hasLineCount(1);
        }
    }
}
