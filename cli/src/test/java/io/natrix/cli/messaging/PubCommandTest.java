package io.natrix.cli.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.natrix.cli.SharedServer;
import io.natrix.cli.TestClients;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pub}: what jnats subscribers see (templates, headers, stdin bodies), JetStream acks, and bad input. */
class PubCommandTest extends SharedServer {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @BeforeAll
    static void start() throws Exception {
        TestClients.patient(cli);
    }

    @Test
    void pubExpandsTemplatesInSubjectBodyAndHeaders() throws Exception {
        Subscription sub = nc.subscribe("tpl.>");
        nc.flush(WAIT);
        Result r = cli.run("pub", "tpl.{{Count}}", "msg {{.Count}} {{ID}} {{Random 4 4}}", "--count", "3",
                "-H", "X-Seq:{{Count}}", "--header", "X-Fixed: a b ");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).containsPattern("\\d\\d:\\d\\d:\\d\\d Published \\d+ bytes to \"tpl.1\"")
                .contains("to \"tpl.3\"").hasLineCount(3);
        for (int i = 1; i <= 3; i++) {
            Message m = sub.nextMessage(WAIT);
            assertThat(m.getSubject()).isEqualTo("tpl." + i);
            String body = new String(m.getData(), StandardCharsets.UTF_8);
            assertThat(body).matches("msg " + i + " [A-Za-z0-9]{22} [A-Za-z0-9]{4}");
            assertThat(r.err()).contains("Published " + m.getData().length + " bytes to \"tpl." + i + "\"");
            assertThat(m.getHeaders().getFirst("X-Seq")).isEqualTo(Integer.toString(i));
            assertThat(m.getHeaders().getFirst("X-Fixed")).isEqualTo("a b");
        }
        sub.unsubscribe();
    }

    @Test
    void pubWithoutTemplatesReplyAndQuiet() throws Exception {
        Subscription sub = nc.subscribe("plain");
        nc.flush(WAIT);
        Result r = cli.run("pub", "plain", "{{Count}}", "--no-templates", "--reply", "answers", "-q");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        Message m = sub.nextMessage(WAIT);
        assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("{{Count}}");
        assertThat(m.getReplyTo()).isEqualTo("answers");
        sub.unsubscribe();
    }

    @Test
    void pubReadsTheBodyFromStdin() throws Exception {
        Subscription sub = nc.subscribe("stdin.*");
        nc.flush(WAIT);
        Result whole = cli.runWithInput("line one\nline two\n", "pub", "stdin.whole");
        assertThat(whole.status()).as(whole.toString()).isZero();
        assertThat(whole.err()).contains("Reading payload from STDIN")
                .contains("Published 18 bytes to \"stdin.whole\"");
        assertThat(new String(sub.nextMessage(WAIT).getData(), StandardCharsets.UTF_8))
                .isEqualTo("line one\nline two\n");

        Result lines = cli.runWithInput("a\nb {{Count}}\n", "pub", "stdin.lines", "--send-on", "newline");
        assertThat(lines.status()).as(lines.toString()).isZero();
        assertThat(new String(sub.nextMessage(WAIT).getData(), StandardCharsets.UTF_8)).isEqualTo("a");
        assertThat(new String(sub.nextMessage(WAIT).getData(), StandardCharsets.UTF_8)).isEqualTo("b 1");

        Result forced = cli.runWithInput("from stdin", "pub", "stdin.forced", "ignored", "--force-stdin");
        assertThat(forced.status()).as(forced.toString()).isZero();
        assertThat(new String(sub.nextMessage(WAIT).getData(), StandardCharsets.UTF_8)).isEqualTo("from stdin");
        assertThat(sub.nextMessage(Duration.ofMillis(50))).isNull();
        sub.unsubscribe();
    }

    @Test
    void pubJetStreamShowsTheAck() throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        jsm.addStream(StreamConfiguration.builder().name("PUBS").subjects("js.pub.>")
                .storageType(StorageType.Memory).build());
        Result r = cli.run("pub", "js.pub.a", "hello", "-J", "--count", "2");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.err()).contains("Published 5 bytes to \"js.pub.a\"")
                .contains("Stored in Stream: PUBS Sequence: 1").contains("Stored in Stream: PUBS Sequence: 2");
        assertThat(jsm.getStreamInfo("PUBS").getStreamState().getMsgCount()).isEqualTo(2);
        assertThat(jsm.getMessage("PUBS", 2).getData()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));

        Result unbound = cli.run("pub", "nowhere.at.all", "x", "-J");
        assertThat(unbound.status()).isEqualTo(1);
        assertThat(unbound.err()).contains("Published 1 bytes to \"nowhere.at.all\"\n"
                + "natrix: error: no responders available for request").hasLineCount(2);
    }

    @Test
    void pubBadInputIsOneLine() {
        Result missing = cli.run("pub");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("SUBJECT").hasLineCount(1);

        Result header = cli.run("pub", "x", "y", "-H", "nocolon");
        assertThat(header.status()).isEqualTo(1);
        assertThat(header.err()).isEqualTo("natrix: error: invalid header \"nocolon\"\n");

        Result sleep = cli.run("pub", "x", "y", "--sleep", "soon");
        assertThat(sleep.status()).isEqualTo(1);
        assertThat(sleep.err()).startsWith("natrix: invalid value \"soon\" for flag --sleep").hasLineCount(1);

        Result unknown = cli.run("pub", "x", "--bogus");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("natrix: flag provided but not defined: --bogus").hasLineCount(1);
    }

    @Test
    void pubToAnUnreachableServerIsOneLine(@TempDir Path other) {
        try (CliHarness offline = CliHarness.withoutServer(other)) {
            Result r = offline.run("pub", "x", "y", "--server", "nats://127.0.0.1:1");
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).startsWith("natrix: error: could not connect to nats://127.0.0.1:1").hasLineCount(1);
        }
    }
}
