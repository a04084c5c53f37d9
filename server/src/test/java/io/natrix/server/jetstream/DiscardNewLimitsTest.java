package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code discard: new} limits end to end, as nats-server's stores check them (2.11+): bytes as the store counts them,
 * and a subject at {@code max_msgs_per_subject} replacing its oldest message rather than adding one.
 */
class DiscardNewLimitsTest {
    @TempDir
    Path dir;

    private TestServer server() {
        return jetStreamServer(dir.resolve("js"));
    }

    private static void refused(ThrowingCallable publish, String reason) {
        assertThatThrownBy(publish).isInstanceOfSatisfying(JetStreamApiException.class, e -> {
            assertThat(e.getApiErrorCode()).isEqualTo(10077);
            assertThat(e.getErrorDescription()).isEqualTo(reason);
        });
    }

    @ParameterizedTest
    @EnumSource(StorageType.class)
    void discardNewMaxBytesCountsWhatTheStoreCountsAndKeepsTheOldest(StorageType storage) throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            // 1 KiB payloads take 1024 + 1 + 30 bytes in a file store, 1024 + 1 + 16 in memory: three fit, not four.
            // Counting the fourth's payload alone, it would fit, and the store would drop the first to make room.
            long maxBytes = storage == StorageType.File ? 4200 : 4150;
            jsm.addStream(StreamConfiguration.builder().name("B").subjects("d").maxBytes(maxBytes)
                    .discardPolicy(DiscardPolicy.New).storageType(storage).build());
            JetStream js = nc.jetStream();
            for (int i = 0; i < 3; i++) {
                js.publish("d", new byte[1024]);
            }
            refused(() -> js.publish("d", new byte[1024]), "maximum bytes exceeded");
            StreamState state = jsm.getStreamInfo("B").getStreamState();
            assertThat(state.getMsgCount()).isEqualTo(3);
            assertThat(state.getFirstSequence()).isEqualTo(1);
            assertThat(state.getByteCount()).isLessThanOrEqualTo(maxBytes);
            // Something smaller still fits.
            js.publish("d", new byte[10]);
            assertThat(jsm.getStreamInfo("B").getStreamState().getMsgCount()).isEqualTo(4);
        }
    }

    @Test
    void discardNewSubjectAtItsLimitReplacesItsOldest() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("K").subjects("k.*").maxMessages(2)
                    .maxMessagesPerSubject(1).discardPolicy(DiscardPolicy.New).storageType(StorageType.File)
                    .build());
            JetStream js = nc.jetStream();
            js.publish("k.a", bytes("1"));
            js.publish("k.b", bytes("1"));
            // The stream is full, but k.a is at its own limit: the new k.a replaces the old one.
            assertThat(js.publish("k.a", bytes("2")).getSeqno()).isEqualTo(3);
            assertThat(jsm.getStreamInfo("K").getStreamState().getMsgCount()).isEqualTo(2);
            refused(() -> js.publish("k.c", bytes("1")), "maximum messages exceeded");
        }
    }

    @Test
    void discardNewMaxBytesLetsAReplacementNoLargerThanTheOldest() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("K").subjects("k.*").maxBytes(2200)
                    .maxMessagesPerSubject(1).discardPolicy(DiscardPolicy.New).storageType(StorageType.Memory)
                    .build());
            JetStream js = nc.jetStream();
            js.publish("k.a", new byte[1000]);
            js.publish("k.b", new byte[1000]);
            js.publish("k.a", new byte[1000]); // same size as the one it replaces
            js.publish("k.a", new byte[900]);
            refused(() -> js.publish("k.a", new byte[1100]), "maximum bytes exceeded"); // larger than the 900
            refused(() -> js.publish("k.c", new byte[300]), "maximum bytes exceeded");
            assertThat(jsm.getStreamInfo("K").getStreamState().getMsgCount()).isEqualTo(2);
        }
    }

    @Test
    void discardNewPerSubjectRefusesMoreButLetsRollupsThrough() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("P").subjects("p.*").maxMessagesPerSubject(1)
                    .discardPolicy(DiscardPolicy.New).discardNewPerSubject(true).allowRollup(true)
                    .storageType(StorageType.File).build());
            JetStream js = nc.jetStream();
            js.publish("p.a", bytes("1"));
            refused(() -> js.publish("p.a", bytes("2")), "maximum messages per subject exceeded");
            js.publish(NatsMessage.builder().subject("p.a").headers(new Headers().put("Nats-Rollup", "sub"))
                    .data(bytes("3")).build());
            assertThat(jsm.getLastMessage("P", "p.a").getData()).isEqualTo(bytes("3"));
            assertThat(jsm.getStreamInfo("P").getStreamState().getMsgCount()).isEqualTo(1);
        }
    }
}
