package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.NatsServer;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sync_interval} end to end with jnats: every policy acknowledges every publish (file and memory streams);
 * under group commit an acknowledgement arrives only after an fsync, and the acknowledgements of one connection's
 * publishes to a stream, errors included, arrive in the order they were published even when several threads share
 * the connection.
 */
class JetStreamDurabilityTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    @TempDir
    Path dir;

    private NatsServer start(String sync) throws Exception {
        Path file = dir.resolve("server.conf");
        String store = dir.resolve("js").toString().replace("\\", "/");
        Files.writeString(file, sync == null ? "jetstream { store_dir: \"" + store + "\" }\n"
                : "jetstream { store_dir: \"" + store + "\", sync_interval: " + sync + " }\n");
        ServerOptions.Builder b = ConfigLoader.load(file);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        NatsServer server = new NatsServer(b.build());
        server.start();
        return server;
    }

    private static Connection connect(NatsServer server) throws Exception {
        return Nats.connect(new Options.Builder().server(server.clientUrl()).maxReconnects(0)
                .connectionTimeout(TIMEOUT).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"2m\"", "group", "always", "default"})
    void everyPolicyAcknowledgesEveryPublishInOrder(String sync) throws Exception {
        NatsServer server = start(sync.equals("default") ? null : sync);
        try (server; Connection nc = connect(server)) {
            JetStreamConfig.SyncPolicy policy = server.jetStream().config().syncPolicy();
            assertThat(policy).isEqualTo(switch (sync) {
                case "group" -> JetStreamConfig.SyncPolicy.GROUP;
                case "always" -> JetStreamConfig.SyncPolicy.ALWAYS;
                case "default" -> JetStreamConfig.DEFAULT_SYNC_POLICY;
                default -> JetStreamConfig.SyncPolicy.INTERVAL;
            });
            assertThat(server.jetStream().groupCommit() != null).isEqualTo(policy != JetStreamConfig.SyncPolicy.INTERVAL);
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("F").subjects("f").storageType(StorageType.File).build());
            jsm.addStream(StreamConfiguration.builder().name("M").subjects("m").storageType(StorageType.Memory)
                    .build());
            JetStream js = nc.jetStream();
            int n = 2000;
            List<CompletableFuture<PublishAck>> file = new ArrayList<>();
            List<CompletableFuture<PublishAck>> memory = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                file.add(js.publishAsync("f", new byte[128]));
                if (i % 10 == 0) {
                    memory.add(js.publishAsync("m", new byte[128]));
                }
            }
            for (int i = 0; i < n; i++) {
                PublishAck ack = file.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(ack.getStream()).isEqualTo("F");
                assertThat(ack.getSeqno()).isEqualTo(i + 1);
            }
            for (int i = 0; i < memory.size(); i++) {
                assertThat(memory.get(i).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).getSeqno()).isEqualTo(i + 1);
            }
            assertThat(jsm.getStreamInfo("F").getStreamState().getMsgCount()).isEqualTo(n);
            if (server.jetStream().groupCommit() != null) {
                assertThat(server.jetStream().groupCommit().fsyncs()).isPositive();
            }
        }
    }

    @Test
    void underGroupCommitAnAcknowledgementFollowsAnFsync() throws Exception {
        NatsServer server = start("group");
        try (server; Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("F").subjects("f")
                    .storageType(StorageType.File).build());
            GroupCommit commit = server.jetStream().groupCommit();
            JetStream js = nc.jetStream();
            for (int i = 0; i < 20; i++) {
                long before = commit.fsyncs();
                js.publish("f", new byte[16]);
                // The publish was appended after `before` was read; its ack was sent after an fsync that began later.
                assertThat(commit.fsyncs()).isGreaterThan(before);
            }
        }
    }

    @Test
    void acknowledgementsOfOneConnectionKeepItsOrderAcrossThreadsAndErrors() throws Exception {
        NatsServer server = start("group");
        try (server; Connection nc = connect(server)) {
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("F").subjects("f")
                    .storageType(StorageType.File).build());
            Subscription acks = nc.subscribe("acks.>");
            nc.flush(TIMEOUT);
            int threads = 4;
            int each = 500;
            List<Thread> publishers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                publishers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < each; i++) {
                        Headers h = new Headers();
                        // Every tenth publish names another stream: an error answer, queued like the others.
                        h.add("Nats-Expected-Stream", i % 10 == 0 ? "OTHER" : "F");
                        nc.publish(NatsMessage.builder().subject("f").replyTo("acks." + thread + "." + i)
                                .headers(h).data(new byte[64]).build());
                    }
                }));
            }
            for (Thread p : publishers) {
                p.join();
            }
            Map<Integer, Integer> lastByThread = new HashMap<>();
            long lastSeq = 0;
            int errors = 0;
            for (int k = 0; k < threads * each; k++) {
                Message m = acks.nextMessage(TIMEOUT);
                assertThat(m).as("acknowledgement %d", k).isNotNull();
                String[] parts = m.getSubject().split("\\.");
                int thread = Integer.parseInt(parts[1]);
                int i = Integer.parseInt(parts[2]);
                assertThat(i).as("thread %d's answers in order", thread)
                        .isGreaterThan(lastByThread.getOrDefault(thread, -1));
                lastByThread.put(thread, i);
                String body = new String(m.getData(), StandardCharsets.UTF_8);
                if (i % 10 == 0) {
                    assertThat(body).contains("\"error\"");
                    errors++;
                } else {
                    Matcher seq = SEQ.matcher(body);
                    assertThat(seq.find()).as(body).isTrue();
                    long s = Long.parseLong(seq.group(1));
                    assertThat(s).isGreaterThan(lastSeq);
                    lastSeq = s;
                }
            }
            assertThat(errors).isEqualTo(threads * each / 10);
            assertThat(lastSeq).isEqualTo(threads * each - errors);
        }
    }
}
