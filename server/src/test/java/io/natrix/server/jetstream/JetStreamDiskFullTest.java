package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Subscription;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up under a running server (the reliability plan's A5), on a real file system: the store lives on
 * a small tmpfs that a ballast file then fills. A publish that finds no space is answered with an error, never with
 * an acknowledgement; the server stays up and keeps serving; once space is freed publishing works again; and after
 * a restart every acknowledged message is there. Needs permission to mount a tmpfs (root on Linux); skipped without.
 */
class JetStreamDiskFullTest {
    private static final byte[] PAYLOAD = new byte[1024];

    @TempDir
    Path dir;

    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /** Fills the file system of {@code file} until a write fails; returns the bytes written. */
    private static long fill(Path file) {
        long written = 0;
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException full) {
            return written;
        }
    }

    @Test
    void aFullDiskRefusesPublishesWithAnErrorAndTheServerRecoversWhenSpaceReturns() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", mnt.toString()),
                "mounting a tmpfs needs root");
        mount = mnt;
        Path store = mnt.resolve("js");
        List<Long> acked = new ArrayList<>();
        try (TestServer server = jetStreamServer(store); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("FULL").subjects("full.>")
                    .storageType(StorageType.File).build());
            for (int i = 0; i < 100; i++) {
                acked.add(nc.jetStream().publish("full." + i, PAYLOAD).getSeqno());
            }
            Path ballast = mnt.resolve("ballast");
            assertThat(fill(ballast)).isPositive();

            // Publishing into a full disk: errors, not acknowledgements (and nothing hangs).
            int refused = 0;
            for (int i = 0; i < 200 && refused < 5; i++) {
                try {
                    acked.add(nc.jetStream().publish("full.more", PAYLOAD).getSeqno());
                } catch (JetStreamApiException e) {
                    refused++;
                    assertThat(e.getApiErrorCode()).as("JSStreamStoreFailedF").isEqualTo(10077);
                    assertThat(e.getErrorDescription()).as("the error says why").contains("No space left");
                }
            }
            assertThat(refused).as("publishes refused while the disk is full").isEqualTo(5);

            // The server keeps serving: core messaging, the JetStream API, reads of what was stored.
            Subscription sub = nc.subscribe("core.check");
            nc.publish("core.check", bytes("alive"));
            assertThat(new String(sub.nextMessage(Duration.ofSeconds(10)).getData(), StandardCharsets.UTF_8))
                    .isEqualTo("alive");
            assertThat(jsm.getStreamInfo("FULL").getStreamState().getMsgCount()).isEqualTo(acked.size());
            assertThat(jsm.getMessage("FULL", acked.get(0)).getData()).hasSize(PAYLOAD.length);

            // Space comes back: so does publishing.
            Files.delete(ballast);
            for (int i = 0; i < 10; i++) {
                PublishAck ack = nc.jetStream().publish("full.after", PAYLOAD);
                acked.add(ack.getSeqno());
            }
            assertThat(jsm.getStreamInfo("FULL").getStreamState().getMsgCount()).isEqualTo(acked.size());
        }
        // Every acknowledged message survives a restart.
        try (TestServer server = jetStreamServer(store); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertThat(jsm.getStreamInfo("FULL").getStreamState().getMsgCount()).isEqualTo(acked.size());
            for (long seq : acked) {
                assertThat(jsm.getMessage("FULL", seq).getData()).as("message %d", seq).hasSize(PAYLOAD.length);
            }
        }
    }
}
