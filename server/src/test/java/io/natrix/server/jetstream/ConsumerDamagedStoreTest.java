package io.natrix.server.jetstream;

import static io.natrix.server.jetstream.JsTests.bytes;
import static io.natrix.server.jetstream.JsTests.connect;
import static io.natrix.server.jetstream.JsTests.jetStreamServer;
import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A durable consumer's files damaged while the server was down (the reliability plan's A4, for consumers): each of
 * {@code state.dat}, {@code meta.json} and {@code meta.sum} ({@link ConsumerStore}) cut in half, emptied, with a byte
 * flipped, or with garbage appended. The server always starts and its stream keeps every message. A consumer whose
 * state does not check out starts over from its start point, so it redelivers rather than skips: nothing it had
 * not seen acknowledged is lost. A consumer whose metadata does not check out is not loaded, and its files stay
 * where they are for an operator to look at.
 */
class ConsumerDamagedStoreTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MESSAGES = 10;
    /** A fetch that may get fewer than it asks for (the state survived after all) returns after this. */
    private static final Duration FETCH_WAIT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "state.dat, half", "state.dat, empty", "state.dat, flip", "state.dat, garbage",
            "meta.json, half", "meta.json, empty", "meta.json, flip", "meta.json, garbage",
            "meta.sum, half", "meta.sum, empty", "meta.sum, flip", "meta.sum, garbage"})
    void aDamagedConsumerFileNeverStopsTheServerNorLosesAMessage(String file, String damage) throws Exception {
        Path store = dir.resolve("store");
        try (TestServer server = jetStreamServer(store); Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("W").subjects("w.>")
                    .storageType(StorageType.File).build());
            for (int i = 1; i <= MESSAGES; i++) {
                nc.jetStream().publish("w." + i, bytes("m" + i));
            }
            JetStreamSubscription sub = subscribe(nc);
            for (Message m : sub.fetch(2, TIMEOUT)) {
                m.ackSync(TIMEOUT); // m1 and m2 acknowledged; the consumer's state records it
            }
        }
        Path consumerDir = store.resolve("jetstream").resolve("$G").resolve("streams").resolve("W").resolve("obs")
                .resolve("D");
        Path target = consumerDir.resolve(file);
        assertThat(target).exists();
        damage(target, damage);

        try (TestServer server = jetStreamServer(store); Connection nc = connect(server)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            assertThat(jsm.getStreamInfo("W").getStreamState().getMsgCount()).isEqualTo(MESSAGES);
            if (file.equals("state.dat")) {
                // Loaded without its state: it starts over, so m3..m10 all come (m1 and m2 may come again).
                JetStreamSubscription sub = subscribe(nc);
                Set<Integer> seen = new TreeSet<>();
                for (Message m : sub.fetch(MESSAGES, FETCH_WAIT)) {
                    seen.add(Integer.parseInt(new String(m.getData(), StandardCharsets.UTF_8).substring(1)));
                    m.ackSync(TIMEOUT);
                }
                assertThat(seen).containsAll(List.of(3, 4, 5, 6, 7, 8, 9, 10));
            } else {
                // Its configuration is not trusted: not loaded, files kept.
                assertThat(jsm.getConsumerNames("W")).doesNotContain("D");
                assertThat(consumerDir.resolve("meta.json")).exists();
            }
            // The stream still serves a new consumer from its first message.
            JetStreamSubscription fresh = nc.jetStream().subscribe("w.>", PullSubscribeOptions.builder()
                    .durable("FRESH").build());
            List<Message> all = fresh.fetch(MESSAGES, TIMEOUT);
            assertThat(all).hasSize(MESSAGES);
            assertThat(new String(all.get(0).getData(), StandardCharsets.UTF_8)).isEqualTo("m1");
        }
    }

    private static JetStreamSubscription subscribe(Connection nc) throws Exception {
        return nc.jetStream().subscribe("w.>", PullSubscribeOptions.builder().durable("D")
                .configuration(ConsumerConfiguration.builder().durable("D").ackPolicy(AckPolicy.Explicit)
                        .ackWait(Duration.ofMinutes(5)).build()).build());
    }

    private static void damage(Path file, String how) throws Exception {
        byte[] b = Files.readAllBytes(file);
        switch (how) {
            case "half" -> Files.write(file, Arrays.copyOf(b, b.length / 2));
            case "empty" -> Files.write(file, new byte[0]);
            case "flip" -> {
                b[b.length / 2] ^= 0x5a;
                Files.write(file, b);
            }
            case "garbage" -> {
                byte[] more = Arrays.copyOf(b, b.length + 7);
                System.arraycopy(bytes("garbage"), 0, more, b.length, 7);
                Files.write(file, more);
            }
            default -> throw new IllegalArgumentException(how);
        }
    }
}
