package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.NatsServer;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API audit advisory ({@link JsApiAudit}) through jnats: one per answered API request, in the requester's
 * account, naming the request and its answer.
 */
class JsApiAuditTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private NatsServer start() throws Exception {
        Path conf = dir.resolve("audit.conf");
        Files.writeString(conf, """
                server_name: mon
                jetstream { store_dir: "%s" }
                accounts {
                  A { users [{user: a, password: a}], jetstream: enabled }
                  B { users [{user: b, password: b}], jetstream: enabled }
                }
                """.formatted(dir.resolve("store")));
        ServerOptions.Builder b = ConfigLoader.load(conf);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        NatsServer server = new NatsServer(b.build());
        server.start();
        return server;
    }

    private static Connection connect(NatsServer server, String user) throws Exception {
        return Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + server.port())
                .userInfo(user, user).connectionTimeout(TIMEOUT).maxReconnects(0)
                .errorListener(new ErrorListener() { }).build());
    }

    @Test
    void apiAuditAdvisoryForEveryAnsweredRequestInTheRequestersAccount() throws Exception {
        try (NatsServer server = start(); Connection a = connect(server, "a"); Connection b = connect(server, "b")) {
            Subscription auditA = a.subscribe("$JS.EVENT.ADVISORY.API");
            Subscription auditB = b.subscribe("$JS.EVENT.ADVISORY.>");
            a.flush(TIMEOUT);
            b.flush(TIMEOUT);
            JetStreamManagement jsm = a.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("S").subjects("s").storageType(StorageType.Memory)
                    .build());
            JsonNode created = JSON.readTree(auditA.nextMessage(TIMEOUT).getData());
            assertThat(created.get("subject").asText()).isEqualTo("$JS.API.STREAM.CREATE.S");
            assertThat(created.get("server").asText()).isEqualTo("mon");
            assertThat(created.at("/client/acc").asText()).isEqualTo("A");
            assertThat(created.get("response").asText()).contains("\"did_create\":true");

            try {
                jsm.getStreamInfo("NOPE");
            } catch (JetStreamApiException expected) {
                assertThat(expected.getApiErrorCode()).isEqualTo(10059);
            }
            JsonNode failed = JSON.readTree(auditA.nextMessage(TIMEOUT).getData());
            assertThat(failed.get("subject").asText()).isEqualTo("$JS.API.STREAM.INFO.NOPE");
            assertThat(JSON.readTree(failed.get("response").asText()).at("/error/err_code").asInt())
                    .isEqualTo(10059);

            // A request without a body: "request" is left out.
            assertThat(a.request("$JS.API.INFO", new byte[0], TIMEOUT)).isNotNull();
            JsonNode info = JSON.readTree(auditA.nextMessage(TIMEOUT).getData());
            assertThat(info.get("subject").asText()).isEqualTo("$JS.API.INFO");
            assertThat(info.has("request")).isFalse();
            assertThat(info.get("response").asText()).contains("io.nats.jetstream.api.v1.account_info_response");

            // B's subscriber hears about B's own requests only.
            b.jetStreamManagement().getAccountStatistics();
            assertThat(JSON.readTree(auditB.nextMessage(TIMEOUT).getData()).at("/client/acc").asText())
                    .isEqualTo("B");
            b.flush(TIMEOUT);
            assertThat(auditB.getPendingMessageCount()).isZero();
        }
    }
}
