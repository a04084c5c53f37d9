package io.natrix.cli.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.SharedServer;
import io.natrix.cli.TestClients;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reply}: answering jnats requests by echo, fixed templated body and command, in natscli's queue group. */
class ReplyCommandTest extends SharedServer {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @BeforeAll
    static void start() throws Exception {
        TestClients.patient(cli);
    }

    private static String text(Message m) {
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

    @Test
    void replyEchoesRequestsWithTheirHeaders() throws Exception {
        Background reply = Background.start(cli, "echo.svc", "reply", "echo.svc", "--echo", "--count", "2",
                "-H", "X-From:natrix");
        Message first = nc.request(NatsMessage.builder().subject("echo.svc")
                .headers(new Headers().add("X-In", "1")).data("ping".getBytes(StandardCharsets.UTF_8)).build(), WAIT);
        assertThat(text(first)).isEqualTo("ping");
        assertThat(first.getHeaders().getFirst("X-In")).isEqualTo("1");
        assertThat(first.getHeaders().getFirst("X-From")).isEqualTo("natrix");
        assertThat(first.getHeaders().getFirst("NATS-Reply-Counter")).isEqualTo("0");
        Message second = nc.request("echo.svc", "pong".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(second.getHeaders().getFirst("NATS-Reply-Counter")).isEqualTo("1");

        Result r = reply.result();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).isEqualTo("\nping\n\npong\n");
        assertThat(r.err()).contains("Listening on \"echo.svc\" in group \"NATS-RPLY-22\"")
                .contains("[#0] Received on subject \"echo.svc\":").contains(" X-In: 1\n")
                .contains("[#1] Received on subject \"echo.svc\":");
        assertThat(cli.server().connections().stream()
                .flatMap(c -> c.subscriptionDetails().stream())
                .noneMatch(d -> d.subject().equals("echo.svc"))).isTrue();
    }

    @Test
    void replyWithoutBodyOrCommandEchoes() throws Exception {
        Background reply = Background.start(cli, "default.echo", "reply", "default.echo", "--count", "1");
        assertThat(text(nc.request("default.echo", "same".getBytes(StandardCharsets.UTF_8), WAIT))).isEqualTo("same");
        assertThat(reply.result().err()).contains("No body or command supplied, enabling echo mode");
    }

    @Test
    void replyAnswersWithATemplatedBodyInTheGivenQueue() throws Exception {
        Background reply = Background.start(cli, "fixed.svc", "reply", "fixed.svc",
                "answer {{Count}} to {{Request}} / {{.Request}}", "--queue", "mine", "--count", "2");
        assertThat(cli.server().connections().stream().flatMap(c -> c.subscriptionDetails().stream())
                .anyMatch(d -> d.subject().equals("fixed.svc") && "mine".equals(d.queue()))).isTrue();
        assertThat(text(nc.request("fixed.svc", "q1".getBytes(StandardCharsets.UTF_8), WAIT)))
                .isEqualTo("answer 0 to q1 / q1");
        assertThat(text(nc.request("fixed.svc", "q2".getBytes(StandardCharsets.UTF_8), WAIT)))
                .isEqualTo("answer 1 to q2 / q2");
        assertThat(reply.result().status()).isZero();
    }

    @Test
    void replyRunsACommandPerRequest() throws Exception {
        Background reply = Background.start(cli, "cmd.>", "reply", "cmd.>",
                "--command", "sh -c 'printf \"%s|%s|\" \"$NATS_REQUEST_SUBJECT\" {{1}}; tr a-z A-Z'", "--count", "1");
        Message m = nc.request("cmd.weather", "london".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(text(m)).isEqualTo("cmd.weather|weather|LONDON");
        assertThat(reply.result().status()).isZero();
    }

    @Test
    void replyCommandFailureStillAnswersWithItsOutput() throws Exception {
        Background reply = Background.start(cli, "cmd.fail", "reply", "cmd.fail",
                "--command", "sh -c 'echo broken {{.Request}} >&2; exit 3'", "--count", "1");
        Message m = nc.request("cmd.fail", "req".getBytes(StandardCharsets.UTF_8), WAIT);
        assertThat(text(m)).isEqualTo("broken req\n");
        assertThat(reply.result().err()).contains("failed to run: exit status 3");
    }

    @Test
    void replyBadInputIsOneLine(@TempDir Path other) {
        Result missing = cli.run("reply");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("SUBJECT").hasLineCount(1);

        try (CliHarness offline = CliHarness.withoutServer(other)) {
            Result r = offline.run("reply", "x", "--server", "nats://127.0.0.1:1");
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).startsWith("natrix: error: could not connect to nats://127.0.0.1:1").hasLineCount(1);
        }
    }
}
