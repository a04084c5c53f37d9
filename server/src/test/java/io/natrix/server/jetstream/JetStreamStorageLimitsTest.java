package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.NatsServer;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Storage ceilings at ingest, end to end with jnats: an account's {@code max_mem}/{@code max_file} refuse the message
 * that would pass them ({@code resource limits exceeded for account}, 10002) across all its streams, and free again
 * when messages go; the server's {@code max_memory_store}/{@code max_file_store} refuse messages once passed
 * ({@code insufficient resources}, 10023).
 */
class JetStreamStorageLimitsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] PAYLOAD = new byte[200];

    @TempDir
    Path dir;

    private NatsServer start(String config) throws Exception {
        Path file = dir.resolve("server.conf");
        Files.writeString(file, config.formatted(dir.resolve("js").toString().replace("\\", "/")));
        ServerOptions.Builder b = ConfigLoader.load(file);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.jetstream = true;
        NatsServer server = new NatsServer(b.build());
        server.start();
        return server;
    }

    private static Connection connect(NatsServer server, String user) throws Exception {
        Options.Builder o = new Options.Builder().server(server.clientUrl()).maxReconnects(0)
                .connectionTimeout(TIMEOUT);
        if (user != null) {
            o.userInfo(user, "p");
        }
        return Nats.connect(o.build());
    }

    private static int errorCode(Throwable e) {
        return ((JetStreamApiException) e).getApiErrorCode();
    }

    /** Publishes until refused; returns how many were taken. */
    private static int fill(JetStream js, String subject, int most) throws Exception {
        for (int i = 0; i < most; i++) {
            try {
                js.publish(subject, PAYLOAD);
            } catch (JetStreamApiException e) {
                return i;
            }
        }
        return most;
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void anAccountCannotStorePastItsLimit(StorageType storage) throws Exception {
        NatsServer server = start("""
                jetstream { store_dir: "%s" }
                accounts {
                  A { users = [ { user: a, password: p } ], jetstream: { max_mem: 2K, max_file: 2K } }
                }
                """);
        try (server; Connection nc = connect(server, "a")) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("S1").subjects("s1").storageType(storage).build());
            jsm.addStream(StreamConfiguration.builder().name("S2").subjects("s2").storageType(storage).build());
            JetStream js = nc.jetStream();
            int first = fill(js, "s1", 5);
            assertThat(first).isEqualTo(5);
            int second = fill(js, "s2", 100);
            assertThat(second).isBetween(1, 10);
            assertThatThrownBy(() -> js.publish("s2", PAYLOAD))
                    .isInstanceOf(JetStreamApiException.class)
                    .hasMessageContaining("resource limits exceeded for account")
                    .satisfies(e -> assertThat(errorCode(e)).isEqualTo(10002));
            assertThatThrownBy(() -> js.publish("s1", PAYLOAD))
                    .satisfies(e -> assertThat(errorCode(e)).isEqualTo(10002));
            StreamState s1 = jsm.getStreamInfo("S1").getStreamState();
            StreamState s2 = jsm.getStreamInfo("S2").getStreamState();
            long used = s1.getByteCount() + s2.getByteCount();
            long perMessage = s1.getByteCount() / s1.getMsgCount();
            assertThat(used).isLessThanOrEqualTo(2048).isGreaterThan(2048 - perMessage);
            AccountLimitsView view = new AccountLimitsView(jsm);
            assertThat(view.used(storage)).isEqualTo(used);

            // Space freed by a purge, or by deleting a stream, is usable again.
            jsm.purgeStream("S1");
            assertThat(fill(js, "s2", 5)).isEqualTo(5);
            jsm.deleteStream("S2");
            assertThat(view.used(storage)).isEqualTo(jsm.getStreamInfo("S1").getStreamState().getByteCount());
            assertThat(fill(js, "s1", 100)).isEqualTo(first + second);
        }
    }

    @ParameterizedTest
    @EnumSource(value = StorageType.class, names = {"File", "Memory"})
    void theServerRefusesOncePastItsStoreLimit(StorageType storage) throws Exception {
        NatsServer server = start("""
                jetstream { store_dir: "%s", max_memory_store: 2K, max_file_store: 2K }
                """);
        try (server; Connection nc = connect(server, null)) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("S").subjects("s").storageType(storage).build());
            JetStream js = nc.jetStream();
            int taken = fill(js, "s", 100);
            assertThatThrownBy(() -> js.publish("s", PAYLOAD))
                    .isInstanceOf(JetStreamApiException.class)
                    .hasMessageContaining("insufficient resources")
                    .satisfies(e -> assertThat(errorCode(e)).isEqualTo(10023));
            StreamState state = jsm.getStreamInfo("S").getStreamState();
            // As nats-server: the message that passes the ceiling is taken, the next ones are not.
            assertThat(state.getByteCount()).isGreaterThan(2048);
            assertThat(state.getByteCount() - state.getByteCount() / taken).isLessThanOrEqualTo(2048);
            jsm.purgeStream("S");
            assertThat(fill(js, "s", 3)).isEqualTo(3);
        }
    }

    /** The account's usage as its account info reports it. */
    private record AccountLimitsView(JetStreamManagement jsm) {
        long used(StorageType storage) throws Exception {
            var stats = jsm.getAccountStatistics();
            return storage == StorageType.Memory ? stats.getMemory() : stats.getStorage();
        }
    }
}
