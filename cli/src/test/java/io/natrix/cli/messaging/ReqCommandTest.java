package io.natrix.cli.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.SharedServer;
import io.natrix.cli.TestClients;
import io.nats.client.Dispatcher;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code req}: replies from jnats responders, several replies, templates and stdin, and the failures. */
class ReqCommandTest extends SharedServer {

    @BeforeAll
    static void start() throws Exception {
        TestClients.patient(cli);
        Dispatcher d = nc.createDispatcher();
        // Answers with the request upper-cased and its X-Seq header echoed as X-Answer.
        d.subscribe("svc.upper", m -> nc.publish(NatsMessage.builder().subject(m.getReplyTo())
                .headers(m.getHeaders() == null ? null
                        : new Headers().add("X-Answer", m.getHeaders().getFirst("X-Seq")))
                .data(new String(m.getData(), StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8))
                .build()));
        // Three services answering the same subject.
        for (String name : new String[] {"a", "b", "c"}) {
            d.subscribe("svc.many", m -> nc.publish(m.getReplyTo(), name.getBytes(StandardCharsets.UTF_8)));
        }
        d.subscribe("svc.silent", m -> { });
        nc.flush(Duration.ofSeconds(10));
    }

    @Test
    void reqShowsTheReplyAsNatscli() {
        Result r = cli.run("req", "svc.upper", "hello {{Count}}", "-H", "X-Seq:{{Count}}");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("HELLO 1\n\n\n");
        assertThat(r.err()).containsPattern("\\d\\d:\\d\\d:\\d\\d Sending request on \"svc.upper\"\n")
                .containsPattern("Received with rtt [0-9.]+(ns|µs|ms|s)\n")
                .contains(" X-Answer: 1\n");

        Result raw = cli.run("req", "svc.upper", "quiet", "--raw", "--count", "2");
        assertThat(raw.status()).as(raw.toString()).isZero();
        assertThat(raw.out()).isEqualTo("QUIET\n\n\nQUIET\n\n\n");
        assertThat(raw.err()).isEmpty();
    }

    @Test
    void reqTranslatesReplies() {
        Result r = cli.run("req", "svc.upper", "MiXeD", "--raw", "--translate", "tr A-Z a-z");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("mixed\n\n\n");
    }

    @Test
    void reqReadsTheBodyFromStdin() {
        Result r = cli.runWithInput("from stdin", "req", "svc.upper", "--raw");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("FROM STDIN\n");
    }

    @Test
    void reqWaitsForSeveralReplies() {
        Result three = cli.run("req", "svc.many", "x", "--replies", "3", "--raw");
        assertThat(three.status()).as(three.toString()).isZero();
        assertThat(three.out().lines().filter(l -> !l.isEmpty()).sorted().toList()).containsExactly("a", "b", "c");

        Result untilTimeout = cli.run("req", "svc.many", "x", "--replies", "0", "--raw", "--timeout", "300ms");
        assertThat(untilTimeout.status()).as(untilTimeout.toString()).isZero();
        assertThat(untilTimeout.out().lines().filter(l -> !l.isEmpty()).count()).isEqualTo(3);
    }

    @Test
    void reqFailuresAreOneLine(@TempDir Path other) {
        Result none = cli.run("req", "svc.nobody", "x");
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.err()).endsWith("natrix: error: no responders available for request\n")
                .hasLineCount(2);

        Result silent = cli.run("req", "svc.silent", "x", "--timeout", "200ms");
        assertThat(silent.status()).isEqualTo(1);
        assertThat(silent.err()).endsWith("natrix: error: no reply received on \"svc.silent\" within 200ms\n");

        Result missing = cli.run("req");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("SUBJECT").hasLineCount(1);

        try (CliHarness offline = CliHarness.withoutServer(other)) {
            Result r = offline.run("req", "x", "y", "--server", "nats://127.0.0.1:1");
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).startsWith("natrix: error: could not connect to nats://127.0.0.1:1").hasLineCount(1);
        }
    }
}
