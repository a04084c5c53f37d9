package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream whose metadata fails its checksum is not loaded, but never deleted (the reliability plan's A4): its
 * message files stay where they are, and creating the stream again with its configuration takes them back, every
 * message at its sequence, as nats-server's file store recovers the blocks it finds in the stream's directory.
 */
class UnloadedStreamTest {
    private static final int MESSAGES = 5;

    @TempDir
    Path dir;

    private static StreamConfiguration config() {
        return StreamConfiguration.builder().name("K").subjects("k.>").storageType(StorageType.File).build();
    }

    @Test
    void aStreamThatDidNotLoadKeepsItsMessagesForTheNextCreate() throws Exception {
        try (TestServer server = jetStreamServer(dir); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(config());
            for (int i = 1; i <= MESSAGES; i++) {
                nc.jetStream().publish("k." + i, bytes("m" + i));
            }
        }
        Path streamDir = dir.resolve("jetstream").resolve("$G").resolve("streams").resolve("K");
        Files.writeString(streamDir.resolve("meta.sum"), "00000000");

        try (TestServer server = jetStreamServer(dir); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertThat(jsm.getStreamNames()).isEmpty();
            assertThat(streamDir.resolve("msgs").resolve("1.blk")).exists();

            StreamInfo again = jsm.addStream(config());
            assertThat(again.getStreamState().getMsgCount()).isEqualTo(MESSAGES);
            assertThat(new String(jsm.getMessage("K", 3).getData(), StandardCharsets.UTF_8)).isEqualTo("m3");
            assertThat(nc.jetStream().publish("k.6", bytes("m6")).getSeqno()).isEqualTo(MESSAGES + 1);
        }
        // Its metadata is sound again: the next start loads it.
        try (TestServer server = jetStreamServer(dir); Connection nc = connect(server)) {
            assertThat(nc.jetStreamManagement().getStreamInfo("K").getStreamState().getMsgCount())
                    .isEqualTo(MESSAGES + 1);
        }
    }
}
