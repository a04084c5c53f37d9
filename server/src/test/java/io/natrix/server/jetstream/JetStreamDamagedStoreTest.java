package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream whose files were damaged while the server was down: the server still loads it, serves every intact
 * message, reports the damaged ones as {@code lost} in the stream's state, never serves them, and goes on storing
 * after the highest sequence it ever used.
 */
class JetStreamDamagedStoreTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** The fixed part of a record before its subject (see FileStore's record layout). */
    private static final int RECORD_HEADER_BYTES = 40;
    private static final int MESSAGES = 300;

    @TempDir
    Path dir;

    private TestServer server() {
        return TestServer.start(b -> {
            b.jetstream = true;
            b.storeDir = dir.resolve("store");
        });
    }

    private static Connection connect(TestServer server) throws Exception {
        return Nats.connect(new Options.Builder().server(server.url()).maxReconnects(0)
                .connectionTimeout(TIMEOUT).build());
    }

    private static byte[] payload(int i) {
        return String.format("m-%04d-%s", i, "p".repeat(60)).getBytes(StandardCharsets.US_ASCII);
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not in the block: " + new String(part, StandardCharsets.US_ASCII));
    }

    @Test
    void aStreamWithDamagedFilesLoadsAndServesOnlyIntactMessages() throws Exception {
        try (TestServer server = server(); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("D").subjects("d")
                    .storageType(StorageType.File).build());
            JetStream js = nc.jetStream();
            for (int i = 1; i <= MESSAGES; i++) {
                js.publish("d", payload(i));
            }
        }
        Path block = dir.resolve("store/jetstream/$G/streams/D/msgs/1.blk");
        byte[] bytes = Files.readAllBytes(block);
        try (RandomAccessFile f = new RandomAccessFile(block.toFile(), "rw")) {
            for (int seq : new int[] {40, 200}) {
                long at = indexOf(bytes, String.format("m-%04d-", seq).getBytes(StandardCharsets.US_ASCII)) + 20;
                f.seek(at);
                f.write(bytes[(int) at] ^ 0x10);
            }
            // The last record is cut off exactly where it starts: only the block's index knows it was there.
            f.setLength(indexOf(bytes, payload(MESSAGES)) - "d".length() - RECORD_HEADER_BYTES);
        }

        try (TestServer server = server(); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            StreamState state = jsm.getStreamInfo("D").getStreamState();
            assertThat(state.getMsgCount()).isEqualTo(MESSAGES - 3);
            assertThat(state.getLastSequence()).isEqualTo(MESSAGES);
            assertThat(state.getLostStreamData().getMessages()).containsExactly(40L, 200L, (long) MESSAGES);
            for (int seq = 1; seq <= MESSAGES; seq++) {
                if (seq == 40 || seq == 200 || seq == MESSAGES) {
                    long s = seq;
                    assertThatThrownBy(() -> jsm.getMessage("D", s)).isInstanceOf(JetStreamApiException.class)
                            .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode())
                                    .isEqualTo(10037));
                } else {
                    assertThat(jsm.getMessage("D", seq).getData()).as("seq %d", seq).isEqualTo(payload(seq));
                }
            }
            assertThat(nc.jetStream().publish("d", payload(MESSAGES + 1)).getSeqno()).isEqualTo(MESSAGES + 1);
        }
    }
}
