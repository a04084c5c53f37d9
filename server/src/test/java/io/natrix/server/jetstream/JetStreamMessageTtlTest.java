package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.Republish;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per-message TTLs and subject delete markers end to end with jnats: {@code Nats-TTL} accepted, refused (disabled,
 * invalid, hostile values) and expired on both storage types, independently of max_age; markers left where a
 * subject's last message expires, with nats-server's headers; and TTLs of a file stream still expiring after a restart.
 */
class JetStreamMessageTtlTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestServer server() {
        return jetStreamServer(dir.resolve("js"));
    }

    private static Message withTtl(String subject, String ttl) {
        Headers h = new Headers();
        h.put("Nats-TTL", ttl);
        return NatsMessage.builder().subject(subject).headers(h).data(bytes("v")).build();
    }

    private static long msgs(JetStreamManagement jsm, String stream) throws Exception {
        return jsm.getStreamInfo(stream).getStreamState().getMsgCount();
    }

    private static int errorCode(Throwable e) {
        return ((JetStreamApiException) e).getApiErrorCode();
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void messagesExpireByTheirOwnTtl(StorageType storage) throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("T").subjects("t.>").storageType(storage)
                    .allowMessageTtl().build());
            JetStream js = nc.jetStream();
            js.publish("t.keep", bytes("stays"));
            // Long enough for the publishes and the checks below to see them all still there on a busy machine.
            PublishAck a = js.publish("t.short", bytes("goes"), PublishOptions.builder().messageTtlSeconds(3).build());
            js.publish(withTtl("t.go", "3s"));
            js.publish("t.long", bytes("stays"), PublishOptions.builder().messageTtlCustom("1h").build());
            assertThat(jsm.getMessage("T", a.getSeqno()).getHeaders().getFirst("Nats-TTL")).isEqualTo("3s");
            assertThat(msgs(jsm, "T")).isEqualTo(4);
            await().atMost(TIMEOUT).until(() -> msgs(jsm, "T") == 2);
            assertThat(jsm.getLastMessage("T", "t.keep").getSeq()).isEqualTo(1);
            assertThat(jsm.getLastMessage("T", "t.long").getSeq()).isEqualTo(4);
        }
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void neverOutlivesMaxAgeAndShortTtlsBeatIt(StorageType storage) throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("A").subjects("a.>").storageType(storage)
                    .maxAge(Duration.ofSeconds(3)).allowMessageTtl().build());
            JetStream js = nc.jetStream();
            js.publish("a.schema", bytes("s"), PublishOptions.builder().messageTtlNever().build());
            js.publish("a.data", bytes("d"));
            js.publish("a.longer", bytes("l"), PublishOptions.builder().messageTtlSeconds(3600).build());
            js.publish("a.shorter", bytes("x"), PublishOptions.builder().messageTtlSeconds(1).build());
            await().atMost(TIMEOUT).until(() -> msgs(jsm, "A") == 3);
            assertThatThrownBy(() -> jsm.getLastMessage("A", "a.shorter")).isInstanceOf(JetStreamApiException.class);
            await().atMost(TIMEOUT).until(() -> msgs(jsm, "A") == 1);
            assertThat(jsm.getLastMessage("A", "a.schema").getSeq()).isEqualTo(1);
            assertThat(jsm.getStreamInfo("A").getStreamState().getFirstSequence()).isEqualTo(1);
        }
    }

    @Test
    void ttlsAreRefusedWhereTheStreamDoesNotAllowThem() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("N").subjects("n").storageType(StorageType.Memory)
                    .build());
            JetStream js = nc.jetStream();
            for (String ttl : List.of("5", "1h", "never")) {
                assertThatThrownBy(() -> js.publish(withTtl("n", ttl)))
                        .isInstanceOf(JetStreamApiException.class)
                        .hasMessageContaining("per-message TTL is disabled")
                        .satisfies(e -> assertThat(errorCode(e)).isEqualTo(10166));
            }
            // A value nats-server cannot read at all is "invalid" before it is "disabled".
            assertThatThrownBy(() -> js.publish(withTtl("n", "abc")))
                    .isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(errorCode(e)).isEqualTo(10165));
            assertThat(msgs(jsm, "N")).isZero();
            // "00" is a count of zero seconds: no TTL, so the message is taken.
            assertThat(js.publish(withTtl("n", "00")).getSeqno()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-5", "-1", "-5s", "500ms", "0.5s", "1x", "99999999999999999999",
            "9223372036854775808", "2562048h", " ", "never-ever"})
    void hostileTtlsAreInvalid(String ttl) throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("H").subjects("h").storageType(StorageType.Memory)
                    .allowMessageTtl().build());
            JetStream js = nc.jetStream();
            if (ttl.isBlank()) {
                // jnats sends an empty value: no TTL.
                assertThat(js.publish(withTtl("h", ttl)).getSeqno()).isEqualTo(1);
                return;
            }
            assertThatThrownBy(() -> js.publish(withTtl("h", ttl)))
                    .isInstanceOf(JetStreamApiException.class)
                    .hasMessageContaining("invalid per-message TTL")
                    .satisfies(e -> assertThat(errorCode(e)).isEqualTo(10165));
            assertThat(msgs(jsm, "H")).isZero();
        }
    }

    @Test
    void hugeTtlsAreTakenAndDoNotExpire() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("B").subjects("b").storageType(StorageType.File)
                    .allowMessageTtl().build());
            JetStream js = nc.jetStream();
            js.publish(withTtl("b", "9223372036854775807"));
            js.publish(withTtl("b", "2562047h"));
            js.publish(withTtl("b", "1s"));
            await().atMost(TIMEOUT).until(() -> msgs(jsm, "B") == 2);
            assertThat(jsm.getStreamInfo("B").getStreamState().getFirstSequence()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void theLastMessageOfASubjectLeavesAMarkerWhenItsTtlPasses(StorageType storage) throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            // One message per subject: TTLs shorter than the marker TTL are kept as they are.
            jsm.addStream(StreamConfiguration.builder().name("K").subjects("k.>").storageType(storage)
                    .maxMessagesPerSubject(1).allowDirect(true)
                    .subjectDeleteMarkerTtl(Duration.ofMinutes(1)).build());
            JetStream js = nc.jetStream();
            js.publish("k.a", bytes("v"), PublishOptions.builder().messageTtlSeconds(1).build());
            js.publish("k.b", bytes("v"));
            await().atMost(TIMEOUT).until(() -> jsm.getStreamInfo("K").getStreamState().getLastSequence() == 3);
            MessageInfo marker = jsm.getLastMessage("K", "k.a");
            assertThat(marker.getSeq()).isEqualTo(3);
            assertThat(marker.getData()).isNullOrEmpty();
            assertThat(marker.getHeaders().getFirst("Nats-Marker-Reason")).isEqualTo("MaxAge");
            assertThat(marker.getHeaders().getFirst("Nats-TTL")).isEqualTo("1m0s");
            assertThat(marker.getHeaders().getFirst("Nats-Rollup")).isEqualTo("sub");
            assertThat(msgs(jsm, "K")).isEqualTo(2);
            assertThat(jsm.getMessage("K", 3).getSubject()).isEqualTo("k.a");
        }
    }

    @Test
    void markersReplaceOnlyTheLastOfASubjectAndExpireWithoutMarkers() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("M").subjects("m.>").storageType(StorageType.Memory)
                    .maxAge(Duration.ofSeconds(1)).subjectDeleteMarkerTtl(Duration.ofSeconds(5))
                    .republish(Republish.builder().source("m.>").destination("seen.>").build()).build());
            List<Message> seen = new CopyOnWriteArrayList<>();
            Dispatcher d = nc.createDispatcher(seen::add);
            d.subscribe("seen.>");
            nc.flush(TIMEOUT);
            JetStream js = nc.jetStream();
            js.publish("m.k", bytes("1"));
            js.publish("m.k", bytes("2"));
            js.publish("m.k", bytes("3"));
            js.publish("m.j", bytes("4"));
            // Two markers (k and j); they age out by max_age in turn, leaving nothing and no further marker. That
            // takes the max age and the markers' 5 s TTL before the usual wait begins.
            await().atMost(TIMEOUT.plusSeconds(6)).until(() -> seen.size() >= 6 && msgs(jsm, "M") == 0);
            assertThat(jsm.getStreamInfo("M").getStreamState().getLastSequence()).isEqualTo(6);
            List<Message> markers = seen.stream().filter(m -> m.getHeaders().get("Nats-Marker-Reason") != null)
                    .toList();
            assertThat(markers).extracting(m -> m.getHeaders().getFirst("Nats-Subject"))
                    .containsExactlyInAnyOrder("m.k", "m.j");
            for (Message m : markers) {
                assertThat(m.getHeaders().getFirst("Nats-Marker-Reason")).isEqualTo("MaxAge");
                assertThat(m.getHeaders().getFirst("Nats-TTL")).isEqualTo("5s");
                assertThat(m.getHeaders().getFirst("Nats-Rollup")).isEqualTo("sub");
                assertThat(m.getData()).isNullOrEmpty();
            }
            assertThat(seen).hasSize(6);
        }
    }

    @Test
    void shortTtlsAreRaisedToTheMarkerTtl() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("R").subjects("r").storageType(StorageType.Memory)
                    .subjectDeleteMarkerTtl(Duration.ofSeconds(30)).build());
            assertThat(jsm.getStreamInfo("R").getConfiguration().getAllowMessageTtl()).isTrue();
            JetStream js = nc.jetStream();
            Headers h = new Headers();
            h.put("Nats-TTL", "2s");
            h.put("Other", "kept");
            long seq = js.publish(NatsMessage.builder().subject("r").headers(h).data(bytes("v")).build())
                    .getSeqno();
            Headers stored = jsm.getMessage("R", seq).getHeaders();
            assertThat(stored.getFirst("Nats-TTL")).isEqualTo("30");
            assertThat(stored.get("Nats-TTL")).hasSize(1);
            assertThat(stored.getFirst("Other")).isEqualTo("kept");
            long longer = js.publish(withTtl("r", "1m")).getSeqno();
            assertThat(jsm.getMessage("R", longer).getHeaders().getFirst("Nats-TTL")).isEqualTo("1m");
        }
    }

    @Test
    void fileStreamTtlsStillExpireAfterARestart() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("P").subjects("p.>").storageType(StorageType.File)
                    .allowMessageTtl().build());
            JetStream js = nc.jetStream();
            js.publish("p.keep", bytes("k"));
            js.publish("p.ttl", bytes("t"), PublishOptions.builder().messageTtlSeconds(2).build());
            js.publish("p.keep", bytes("k"));
        }
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            await().atMost(TIMEOUT).until(() -> msgs(jsm, "P") == 2);
            assertThat(jsm.getStreamInfo("P").getStreamState().getLastSequence()).isEqualTo(3);
            assertThatThrownBy(() -> jsm.getLastMessage("P", "p.ttl")).isInstanceOf(JetStreamApiException.class);
        }
    }
}
