package io.natrix.server.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The system account's requests and events, as a system user and ordinary users see them with jnats. */
class SystemAccountTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = """
            accounts {
              SYS { users = [ { user: admin, password: p } ] }
              APP { users = [ { user: app, password: p } ] }
            }
            system_account: SYS
            """;

    @TempDir
    Path dir;

    private TestServer server() throws Exception {
        Path file = dir.resolve("server.conf");
        Files.writeString(file, CONFIG);
        return TestServer.fromConfig(file);
    }

    private static Connection connect(TestServer server, String user, String password) throws Exception {
        return Nats.connect(new Options.Builder().server(server.url()).userInfo(user, password).maxReconnects(0)
                .connectionTimeout(TIMEOUT).connectionName(user + "-conn").build());
    }

    private static JsonNode json(Message m) throws Exception {
        return JSON.readTree(m.getData());
    }

    @Test
    void pingAnswersWithStatsz() throws Exception {
        try (TestServer server = server();
             Connection admin = connect(server, "admin", "p")) {
            JsonNode answer = json(admin.request("$SYS.REQ.SERVER.PING", new byte[0], TIMEOUT));
            assertThat(answer.path("server").path("id").asText()).isEqualTo(server.server().serverId());
            assertThat(answer.path("server").path("ver").asText()).isNotEmpty();
            assertThat(answer.path("statsz").path("connections").asInt()).isEqualTo(1);
            assertThat(answer.path("statsz").has("sent")).isTrue();
            assertThat(answer.path("statsz").path("active_servers").asInt()).isEqualTo(1);
        }
    }

    @Test
    void varzAndConnzByPingAndById() throws Exception {
        try (TestServer server = server();
             Connection admin = connect(server, "admin", "p");
             Connection app = connect(server, "app", "p")) {
            JsonNode varz = json(admin.request("$SYS.REQ.SERVER.PING.VARZ", new byte[0], TIMEOUT));
            assertThat(varz.path("data").path("server_id").asText()).isEqualTo(server.server().serverId());
            JsonNode connz = json(admin.request("$SYS.REQ.SERVER." + server.server().serverId() + ".CONNZ",
                    "{}".getBytes(), TIMEOUT));
            assertThat(connz.path("data").path("num_connections").asInt()).isEqualTo(2);
            JsonNode healthz = json(admin.request("$SYS.REQ.SERVER.PING.HEALTHZ", new byte[0], TIMEOUT));
            assertThat(healthz.path("data").toString()).isEqualTo("{\"status\":\"ok\",\"status_code\":200}");
            JsonNode idz = json(admin.request("$SYS.REQ.SERVER.PING.IDZ", new byte[0], TIMEOUT));
            assertThat(idz.path("data").path("id").asText()).isEqualTo(server.server().serverId());
        }
    }

    @Test
    void theSystemAccountsJetStreamRequestsAreRefusedAsNatsServerRefusesThem() throws Exception {
        Path file = dir.resolve("js.conf");
        Files.writeString(file, CONFIG.replace("APP {", "APP { jetstream: enabled,")
                + "jetstream { store_dir: \"" + dir.resolve("store") + "\" }\n");
        try (TestServer server = TestServer.fromConfig(file);
             Connection admin = connect(server, "admin", "p");
             Connection app = connect(server, "app", "p")) {
            JsonNode refused = json(admin.request("$JS.API.INFO", new byte[0], TIMEOUT));
            assertThat(refused.path("error").path("err_code").asInt()).isEqualTo(10039);
            assertThat(json(app.request("$JS.API.INFO", new byte[0], TIMEOUT)).has("error")).isFalse();
        }
    }

    @Test
    void aFilterThatExcludesTheServerGetsNoAnswer() throws Exception {
        try (TestServer server = server();
             Connection admin = connect(server, "admin", "p")) {
            assertThat(admin.request("$SYS.REQ.SERVER.PING.VARZ", "{\"server_name\":\"other-server\"}".getBytes())
                    .completeOnTimeout(null, 500, java.util.concurrent.TimeUnit.MILLISECONDS).get()).isNull();
        }
    }

    @Test
    void badOptionsGetAnError() throws Exception {
        try (TestServer server = server();
             Connection admin = connect(server, "admin", "p")) {
            JsonNode answer = json(admin.request("$SYS.REQ.SERVER." + server.server().serverId() + ".KICK",
                    "{\"cid\": 987654}".getBytes(), TIMEOUT));
            assertThat(answer.path("error").path("code").asInt()).isEqualTo(400);
            JsonNode garbage = json(admin.request("$SYS.REQ.SERVER." + server.server().serverId() + ".CONNZ",
                    "not json".getBytes(), TIMEOUT));
            assertThat(garbage.path("error").path("code").asInt()).isEqualTo(400);
        }
    }

    @Test
    void connectAndDisconnectEventsReachTheSystemAccount() throws Exception {
        try (TestServer server = server();
             Connection admin = connect(server, "admin", "p")) {
            Subscription connects = admin.subscribe("$SYS.ACCOUNT.APP.CONNECT");
            Subscription disconnects = admin.subscribe("$SYS.ACCOUNT.APP.DISCONNECT");
            admin.flush(TIMEOUT);
            try (Connection app = connect(server, "app", "p")) {
                app.publish("x", new byte[3]);
                app.flush(TIMEOUT);
                JsonNode event = json(connects.nextMessage(TIMEOUT));
                assertThat(event.path("type").asText()).isEqualTo("io.nats.server.advisory.v1.client_connect");
                assertThat(event.path("client").path("acc").asText()).isEqualTo("APP");
                assertThat(event.path("client").path("user").asText()).isEqualTo("app");
                assertThat(event.path("client").path("name").asText()).isEqualTo("app-conn");
                assertThat(event.path("client").path("lang").asText()).isEqualTo("java");
            }
            JsonNode gone = json(disconnects.nextMessage(TIMEOUT));
            assertThat(gone.path("type").asText()).isEqualTo("io.nats.server.advisory.v1.client_disconnect");
            assertThat(gone.path("reason").asText()).isEqualTo("Client Closed");
            assertThat(gone.path("received").path("msgs").asLong()).isEqualTo(1);
            assertThat(gone.path("received").path("bytes").asLong()).isEqualTo(3);
        }
    }

    @Test
    void failedAuthenticationIsReported() throws Exception {
        try (TestServer server = server();
             Connection admin = connect(server, "admin", "p")) {
            Subscription errors = admin.subscribe("$SYS.SERVER.*.CLIENT.AUTH.ERR");
            admin.flush(TIMEOUT);
            assertThatThrownBy(() -> connect(server, "app", "wrong")).isNotNull();
            JsonNode event = json(errors.nextMessage(TIMEOUT));
            assertThat(event.path("reason").asText()).isEqualTo("Authentication Failure");
        }
    }

    @Test
    void kickClosesTheNamedConnection() throws Exception {
        try (TestServer server = server();
             Connection admin = connect(server, "admin", "p");
             Connection app = connect(server, "app", "p")) {
            long cid = app.getServerInfo().getClientId();
            JsonNode answer = json(admin.request("$SYS.REQ.SERVER." + server.server().serverId() + ".KICK",
                    ("{\"cid\":" + cid + "}").getBytes(), TIMEOUT));
            assertThat(answer.has("error")).isFalse();
            await().atMost(TIMEOUT).until(() -> app.getStatus() != Connection.Status.CONNECTED);
        }
    }

    @Test
    void userInfoTellsAnOrdinaryUserWhoItIs() throws Exception {
        try (TestServer server = server();
             Connection app = connect(server, "app", "p")) {
            JsonNode info = json(app.request("$SYS.REQ.USER.INFO", new byte[0], TIMEOUT));
            assertThat(info.path("data").path("user").asText()).isEqualTo("app");
            assertThat(info.path("data").path("account").asText()).isEqualTo("APP");
        }
    }

    @Test
    void ordinaryUsersCannotReachTheSystemAccount() throws Exception {
        try (TestServer server = server();
             Connection app = connect(server, "app", "p")) {
            // $SYS subjects in an ordinary account are just that account's subjects: no server answers there.
            assertThat(app.request("$SYS.REQ.SERVER.PING.VARZ", new byte[0])
                    .completeOnTimeout(null, 300, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null).get()).isNull();
            Subscription events = app.subscribe("$SYS.ACCOUNT.>");
            app.flush(TIMEOUT);
            try (Connection other = connect(server, "app", "p")) {
                other.flush(TIMEOUT);
            }
            // The connect/disconnect events of the second connection went to the system account only.
            assertThat(events.nextMessage(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void accountConnsEventsCountConnectionsAsTheyComeAndGo() throws Exception {
        try (TestServer server = server();
             Connection admin = connect(server, "admin", "p")) {
            Subscription current = admin.subscribe("$SYS.ACCOUNT.APP.SERVER.CONNS");
            Subscription old = admin.subscribe("$SYS.SERVER.ACCOUNT.APP.CONNS");
            admin.flush(TIMEOUT);
            try (Connection app = connect(server, "app", "p")) {
                app.subscribe("work");
                app.flush(TIMEOUT);
                JsonNode up = json(current.nextMessage(TIMEOUT));
                assertThat(fieldNames(up)).containsExactly("type", "id", "timestamp", "server", "acc", "name",
                        "conns", "leafnodes", "total_conns", "num_subscriptions", "sent", "received",
                        "slow_consumers");
                assertThat(up.path("type").asText()).isEqualTo("io.nats.server.advisory.v1.account_connections");
                assertThat(up.path("server").path("id").asText()).isEqualTo(server.server().serverId());
                assertThat(up.path("acc").asText()).isEqualTo("APP");
                assertThat(up.path("name").asText()).isEqualTo("APP");
                assertThat(up.path("conns").isInt()).isTrue();
                assertThat(up.path("conns").asInt()).isEqualTo(1);
                assertThat(up.path("total_conns").asInt()).isEqualTo(1);
                assertThat(up.path("leafnodes").asInt()).isZero();
                assertThat(up.path("sent").path("msgs").isNumber()).isTrue();
                assertThat(up.path("received").path("bytes").isNumber()).isTrue();
                assertThat(up.path("slow_consumers").isNumber()).isTrue();
                // The same document, id and all, goes out on the old subject too.
                assertThat(json(old.nextMessage(TIMEOUT)).path("id").asText()).isEqualTo(up.path("id").asText());
                app.publish("x", new byte[3]);
                app.flush(TIMEOUT);
            }
            JsonNode down = json(current.nextMessage(TIMEOUT));
            assertThat(down.path("conns").asInt()).isZero();
            assertThat(down.path("total_conns").asInt()).isZero();
            assertThat(down.path("received").path("msgs").asLong()).isEqualTo(1);
            assertThat(down.path("received").path("bytes").asLong()).isEqualTo(3);
            assertThat(json(old.nextMessage(TIMEOUT)).path("conns").asInt()).isZero();
        }
    }

    @Test
    void accountConnsEventsRepeatWhileTheAccountHasConnections() throws Exception {
        try (TestServer server = server();
             Connection admin = connect(server, "admin", "p")) {
            server.server().systemAccount().accountConnsHeartbeat(Duration.ofMillis(100));
            Subscription events = admin.subscribe("$SYS.ACCOUNT.APP.SERVER.CONNS");
            admin.flush(TIMEOUT);
            try (Connection app = connect(server, "app", "p")) {
                app.flush(TIMEOUT);
                for (int i = 0; i < 3; i++) { // the connect's event, then heartbeats
                    assertThat(json(events.nextMessage(TIMEOUT)).path("conns").asInt()).isEqualTo(1);
                }
            }
            JsonNode down = json(events.nextMessage(TIMEOUT));
            while (down.path("conns").asInt() != 0) { // a heartbeat may have raced the close
                down = json(events.nextMessage(TIMEOUT));
            }
            // At zero connections the heartbeat stops.
            assertThat(events.nextMessage(Duration.ofMillis(400))).isNull();
        }
    }

    @Test
    void systemAccountConnsCountOnlyRealClients() throws Exception {
        try (TestServer server = server();
             Connection admin = connect(server, "admin", "p")) {
            Subscription events = admin.subscribe("$SYS.ACCOUNT.*.SERVER.CONNS");
            admin.flush(TIMEOUT);
            // The event counting admin's own connection is published from the system thread and may come only
            // now. That thread publishes in order, so once it has answered a request made after the subscription,
            // such a late event is queued here already: drop it.
            assertThat(admin.request("$SYS.REQ.ACCOUNT.SYS.CONNS", new byte[0], TIMEOUT)).isNotNull();
            while (events.getPendingMessageCount() > 0) {
                assertThat(json(events.nextMessage(TIMEOUT)).path("conns").asInt()).isEqualTo(1);
            }
            try (Connection second = connect(server, "admin", "p")) {
                second.flush(TIMEOUT);
                JsonNode up = json(events.nextMessage(TIMEOUT));
                assertThat(up.path("acc").asText()).isEqualTo("SYS");
                // The two admin connections; the server's own internal client is not one.
                assertThat(up.path("conns").asInt()).isEqualTo(2);
            }
            assertThat(json(events.nextMessage(TIMEOUT)).path("conns").asInt()).isEqualTo(1);
        }
    }

    @Test
    void ordinaryAccountsDoNotSeeAccountConnsEvents() throws Exception {
        try (TestServer server = server();
             Connection app = connect(server, "app", "p")) {
            Subscription events = app.subscribe("$SYS.ACCOUNT.*.SERVER.CONNS");
            Subscription old = app.subscribe("$SYS.SERVER.ACCOUNT.*.CONNS");
            app.flush(TIMEOUT);
            try (Connection other = connect(server, "app", "p")) {
                other.flush(TIMEOUT);
            }
            assertThat(events.nextMessage(Duration.ofMillis(300))).isNull();
            assertThat(old.nextMessage(Duration.ofMillis(100))).isNull();
        }
    }

    @Test
    void accountConnsRequestIsAnsweredWithTheEventWhenTheAccountHasConnections() throws Exception {
        try (TestServer server = server();
             Connection admin = connect(server, "admin", "p");
             Connection app = connect(server, "app", "p")) {
            JsonNode answer = json(admin.request("$SYS.REQ.ACCOUNT.APP.CONNS", new byte[0], TIMEOUT));
            // nats-server answers with the account_connections document itself, not wrapped in "data".
            assertThat(answer.path("type").asText()).isEqualTo("io.nats.server.advisory.v1.account_connections");
            assertThat(answer.path("acc").asText()).isEqualTo("APP");
            assertThat(answer.path("conns").asInt()).isEqualTo(1);
            // An account without connections here gets no answer from this server.
            assertThat(admin.request("$SYS.REQ.ACCOUNT.NONE.CONNS", new byte[0])
                    .completeOnTimeout(null, 300, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .exceptionally(e -> null).get()).isNull();
        }
    }

    private static java.util.List<String> fieldNames(JsonNode node) {
        java.util.List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
