package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JetStream tenants are isolated (the reliability plan's E6; nats-server's CVE-2025-30215 was an API handler that
 * skipped the account check): two accounts each with a stream of the same name, and whatever one does through
 * {@code $JS.API} (info, get, direct get, delete a message, purge, create a consumer, delete the stream, publish to
 * the stream's subjects) acts on its own stream only; its API traffic is invisible to the other; and an account
 * without JetStream gets nats-server's "not enabled" error and reaches nobody's streams.
 */
class JetStreamAccountIsolationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestServer server() throws Exception {
        Path conf = dir.resolve("accounts.conf");
        Files.writeString(conf, """
                jetstream { store_dir: "%s" }
                accounts {
                  A { jetstream: enabled, users: [ { user: a, password: a } ] }
                  B { jetstream: enabled, users: [ { user: b, password: b } ] }
                  C { users: [ { user: c, password: c } ] }
                }
                """.formatted(dir.resolve("js").toString().replace("\\", "/")));
        return TestServer.fromConfig(conf);
    }

    private static void stream(Connection nc, String tag, int messages) throws Exception {
        nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("S").subjects("s.>")
                .storageType(StorageType.File).allowDirect(true).build());
        for (int i = 1; i <= messages; i++) {
            nc.jetStream().publish("s." + i, bytes(tag + i));
        }
    }

    private static long count(Connection nc) throws Exception {
        return nc.jetStreamManagement().getStreamInfo("S").getStreamState().getMsgCount();
    }

    @Test
    void whatOneAccountDoesThroughTheApiTouchesOnlyItsOwnStreams() throws Exception {
        try (TestServer server = server(); Connection a = connect(server, "a"); Connection b = connect(server, "b")) {
            stream(a, "a", 3);
            stream(b, "b", 5);
            JetStreamManagement jsmA = a.jetStreamManagement();
            JetStreamManagement jsmB = b.jetStreamManagement();

            // Reads see the caller's stream.
            assertThat(count(a)).isEqualTo(3);
            assertThat(count(b)).isEqualTo(5);
            assertThat(new String(jsmA.getMessage("S", 1).getData(), StandardCharsets.UTF_8)).isEqualTo("a1");
            assertThat(text(a.request("$JS.API.DIRECT.GET.S", bytes("{\"seq\":2}"), TIMEOUT))).isEqualTo("a2");
            assertThat(text(b.request("$JS.API.DIRECT.GET.S", bytes("{\"seq\":2}"), TIMEOUT))).isEqualTo("b2");

            // Publishing to the stream's subjects stores in the publisher's account only.
            a.jetStream().publish("s.x", bytes("ax"));
            assertThat(count(a)).isEqualTo(4);
            assertThat(count(b)).isEqualTo(5);

            // Changes act on the caller's stream only.
            jsmA.deleteMessage("S", 1);
            assertThat(new String(jsmB.getMessage("S", 1).getData(), StandardCharsets.UTF_8)).isEqualTo("b1");
            jsmA.purgeStream("S");
            assertThat(count(a)).isZero();
            assertThat(count(b)).isEqualTo(5);
            jsmA.addOrUpdateConsumer("S", ConsumerConfiguration.builder().durable("ONLY_A").build());
            assertThat(jsmA.getConsumerNames("S")).containsExactly("ONLY_A");
            assertThat(jsmB.getConsumerNames("S")).isEmpty();
            assertThatThrownBy(() -> jsmB.getConsumerInfo("S", "ONLY_A")).isInstanceOfSatisfying(
                    JetStreamApiException.class, e -> assertThat(e.getApiErrorCode()).isEqualTo(10014));
            jsmA.deleteStream("S");
            assertThat(jsmA.getStreamNames()).isEmpty();
            assertThat(jsmB.getStreamNames()).containsExactly("S");
            assertThat(count(b)).isEqualTo(5);
            assertThat(jsmA.getAccountStatistics().getStreams()).isZero();
            assertThat(jsmB.getAccountStatistics().getStreams()).isEqualTo(1);
        }
    }

    @Test
    void oneAccountNeverSeesAnothersApiTraffic() throws Exception {
        try (TestServer server = server(); Connection a = connect(server, "a"); Connection b = connect(server, "b")) {
            Subscription spy = a.subscribe("$JS.API.>");
            Subscription spyEvents = a.subscribe("$JS.EVENT.>");
            a.flush(TIMEOUT);
            stream(b, "b", 2);
            b.jetStreamManagement().getStreamInfo("S");
            b.jetStreamManagement().deleteStream("S");
            // b's requests were answered before a's flush was sent: anything routed to a's subscriptions would be
            // queued ahead of a's PONG.
            a.flush(TIMEOUT);
            assertThat(spy.getPendingMessageCount()).isZero();
            assertThat(spyEvents.getPendingMessageCount()).isZero();
        }
    }

    @Test
    void anAccountWithoutJetStreamReachesNobodysStreams() throws Exception {
        try (TestServer server = server(); Connection a = connect(server, "a"); Connection c = connect(server, "c")) {
            stream(a, "a", 2);
            for (String subject : new String[] {"$JS.API.INFO", "$JS.API.STREAM.INFO.S", "$JS.API.STREAM.NAMES",
                    "$JS.API.STREAM.DELETE.S", "$JS.API.STREAM.PURGE.S"}) {
                Message answer = c.request(subject, new byte[0], TIMEOUT);
                assertThat(answer).as(subject).isNotNull();
                assertThat(new String(answer.getData(), StandardCharsets.UTF_8)).as(subject)
                        .contains("\"err_code\":10039").contains("JetStream not enabled for account");
            }
            // c's publish to the stream's subjects has no JetStream behind it, and a's stream is untouched.
            c.publish("s.1", bytes("c"));
            c.flush(TIMEOUT);
            assertThat(count(a)).isEqualTo(2);
            assertThat(a.jetStreamManagement().getStreamNames()).containsExactly("S");
        }
    }
}
