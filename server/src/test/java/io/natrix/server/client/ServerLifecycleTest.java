package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.flush;
import static io.natrix.server.client.Jnats.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.natrix.server.TestServer;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener.Events;
import io.nats.client.ErrorListener;
import io.nats.client.Subscription;
import io.nats.client.api.ServerInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What jnats sees of the server's INFO, lame duck mode and configuration reload. */
class ServerLifecycleTest {

    @Test
    void serverInfoAsJnatsSeesIt() throws Exception {
        try (TestServer server = TestServer.start();
             Connection nc = Jnats.connect(server)) {
            ServerInfo info = nc.getServerInfo();

            assertThat(info.getServerId()).hasSize(56).startsWith("N").matches("[A-Z2-7]+");
            assertThat(info.getServerId()).isEqualTo(server.server().serverId());
            assertThat(info.getServerName()).isEqualTo(server.server().serverId());
            assertThat(info.getVersion()).isEqualTo("2.11.0");
            assertThat(info.getProtocolVersion()).isEqualTo(1);
            assertThat(info.isHeadersSupported()).isTrue();
            assertThat(info.getMaxPayload()).isEqualTo(ServerOptions.DEFAULT_MAX_PAYLOAD);
            assertThat(info.getPort()).isEqualTo(server.port());
            assertThat(info.getHost()).isEqualTo("127.0.0.1");
            assertThat(info.isAuthRequired()).isFalse();
            assertThat(info.isTLSRequired()).isFalse();
            assertThat(info.isLameDuckMode()).isFalse();
            assertThat(info.isJetStreamAvailable()).isFalse();
            assertThat(info.getClientIp()).isEqualTo("127.0.0.1");
            assertThat((long) info.getClientId()).isEqualTo(Jnats.serverSide(server, nc).cid());
        }
    }

    @Test
    void serverInfoGivesEachConnectionItsOwnClientId() throws Exception {
        try (TestServer server = TestServer.start();
             Connection a = Jnats.connect(server);
             Connection b = Jnats.connect(server)) {
            assertThat(a.getServerInfo().getClientId()).isPositive();
            assertThat(b.getServerInfo().getClientId()).isNotEqualTo(a.getServerInfo().getClientId());
            assertThat(b.getServerInfo().getServerId()).isEqualTo(a.getServerInfo().getServerId());
        }
    }

    @Test
    void lameDuckModeAnnouncedToClientsThenConnectionsClosed() throws Exception {
        List<Events> events = new CopyOnWriteArrayList<>();
        try (TestServer server = TestServer.start(b -> {
                 b.lameDuckDuration = Duration.ofMillis(600);
                 b.lameDuckGracePeriod = Duration.ofMillis(200);
             });
             Connection nc = Jnats.connect(Jnats.options(server)
                     .connectionListener((conn, type) -> events.add(type)))) {
            Subscription s = nc.subscribe("ldm");
            flush(nc);

            server.server().enterLameDuckMode();

            await().atMost(TIMEOUT).until(() -> events.contains(Events.LAME_DUCK));
            assertThat(server.server().isLameDuck()).isTrue();
            // New clients are refused while the old ones are let go.
            assertThatThrownBy(() -> Jnats.connect(server).close()).isInstanceOf(IOException.class);
            await().atMost(TIMEOUT).until(() -> nc.getStatus() == Connection.Status.CLOSED);
            await().atMost(TIMEOUT).until(() -> !server.server().isRunning());
            assertThat(server.server().connections()).isEmpty();
            // jnats reports events from its callback thread, after the status has changed.
            await().atMost(TIMEOUT).until(() -> events.contains(Events.CLOSED));
            assertThat(events.indexOf(Events.LAME_DUCK)).isLessThan(events.indexOf(Events.CLOSED));
            assertThat(s.isActive()).isFalse();
        }
    }

    @Test
    void lameDuckConnectionKeepsWorkingDuringGracePeriod() throws Exception {
        List<Events> events = new CopyOnWriteArrayList<>();
        try (TestServer server = TestServer.start(b -> {
                 b.lameDuckDuration = Duration.ofSeconds(20);
                 b.lameDuckGracePeriod = Duration.ofSeconds(10);
             });
             Connection nc = Jnats.connect(Jnats.options(server)
                     .connectionListener((conn, type) -> events.add(type)))) {
            Subscription s = nc.subscribe("ldm.grace");
            flush(nc);

            server.server().enterLameDuckMode();
            await().atMost(TIMEOUT).until(() -> events.contains(Events.LAME_DUCK));

            nc.publish("ldm.grace", bytes("still here"));
            assertThat(Jnats.text(next(s))).isEqualTo("still here");
            assertThat(nc.getServerInfo().isLameDuckMode()).isTrue();
            assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }
    }

    /*
     * Reload: nats-server (reload.go, maxPayloadOption.Apply, unchanged from 2.9 to 2.12) stores the new max_payload
     * in its INFO for future clients and in every connected client's limit, but sends connected clients no new
     * INFO. Checked against nats-server 2.9.10: after a reload to 2 MB a connected jnats still reports 1 MB, its
     * 1.5 MB publish goes through, and a new connection reports 2 MB.
     */

    @Test
    void reloadRaisedMaxPayloadAppliesToConnectedClientsWithoutNewInfo() throws Exception {
        int raised = 2 * 1024 * 1024;
        try (TestServer server = TestServer.start();
             Connection nc = Jnats.connect(Jnats.options(server).clientSideLimitChecks(false))) {
            Subscription s = nc.subscribe("reload");
            flush(nc);

            ServerOptions.Builder up = server.server().options().toBuilder();
            up.maxPayload = raised;
            server.server().reload(up.build());
            flush(nc);

            assertThat(nc.getServerInfo().getMaxPayload())
                    .as("nats-server sends no INFO to connected clients when max_payload is reloaded")
                    .isEqualTo(ServerOptions.DEFAULT_MAX_PAYLOAD);
            byte[] bigger = new byte[ServerOptions.DEFAULT_MAX_PAYLOAD + 500_000];
            bigger[bigger.length - 1] = 7;
            nc.publish("reload", bigger);
            assertThat(next(s).getData()).isEqualTo(bigger);
            assertThat(nc.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            try (Connection later = Jnats.connect(server)) {
                assertThat(later.getServerInfo().getMaxPayload()).isEqualTo(raised);
            }
        }
    }

    @Test
    void reloadLoweredMaxPayloadIsEnforcedOnConnectedClients() throws Exception {
        int lowered = 512 * 1024;
        List<String> errors = new CopyOnWriteArrayList<>();
        try (TestServer server = TestServer.start();
             Connection nc = Jnats.connect(Jnats.options(server).clientSideLimitChecks(false)
                     .errorListener(new ErrorListener() {
                         @Override
                         public void errorOccurred(Connection conn, String error) {
                             errors.add(error);
                         }
                     }))) {
            ServerOptions.Builder down = server.server().options().toBuilder();
            down.maxPayload = lowered;
            server.server().reload(down.build());
            flush(nc);

            nc.publish("reload", new byte[lowered + 1]);

            await().atMost(TIMEOUT).until(() -> nc.getStatus() == Connection.Status.CLOSED);
            // jnats calls the error listener from its callback thread: it may run after the close.
            await().atMost(TIMEOUT).until(() -> errors.contains("Maximum Payload Violation"));
            try (Connection later = Jnats.connect(server)) {
                assertThat(later.getServerInfo().getMaxPayload()).isEqualTo(lowered);
                assertThatThrownBy(() -> later.publish("reload", new byte[lowered + 1]))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }
}
