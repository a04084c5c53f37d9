package io.natrix.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness.Result;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code natrix server list|info|ping|request} over the system account, as a system user and as others see them. */
class ServerCommandsTest {

    @TempDir
    Path dir;

    private AdminHarness admin;

    @BeforeEach
    void start() {
        admin = AdminHarness.start(dir);
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    private String serverId() {
        return admin.cli().server().serverId();
    }

    @Test
    void listShowsTheServer() {
        Result r = admin.server("ls", "1");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).contains("Server Overview").contains("│ Name").contains("Conns")
                .contains(admin.cli().server().serverName());
        Result json = admin.server("list", "--json");
        assertThat(json.status()).as(json.toString()).isZero();
        assertThat(json.out()).contains("\"id\" : \"" + serverId() + "\"").contains("\"statsz\"");
    }

    @Test
    void infoShowsVarzByNameAndById() {
        Result byId = admin.server("info", serverId());
        assertThat(byId.status()).as(byId.toString()).isZero();
        assertThat(byId.out()).startsWith("Server information for ").contains(serverId())
                .contains("Process Details:").contains("Connection Details:").contains("JetStream:")
                .contains("Statistics:").contains("  Auth Required: true");
        Result byName = admin.server("info", admin.cli().server().serverName(), "--json");
        assertThat(byName.status()).as(byName.toString()).isZero();
        assertThat(byName.out()).contains("\"server_id\" : \"" + serverId() + "\"");
    }

    @Test
    void pingListsTheServerWithItsRoundTrip() {
        Result r = admin.server("ping", "1", "--id");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith(serverId() + " " + admin.cli().server().serverName()).contains("rtt=")
                .contains("---- ping statistics ----").contains("1 replies max: ");
    }

    @Test
    void requestPrintsEachServersDocument() {
        Result varz = admin.server("req", "varz", "1");
        assertThat(varz.status()).as(varz.toString()).isZero();
        assertThat(varz.out()).hasLineCount(1).contains("\"server_id\":\"" + serverId() + "\"");
        Result connz = admin.server("request", "connections", "--filter-account", "SYS", "--name",
                admin.cli().server().serverName());
        assertThat(connz.status()).as(connz.toString()).isZero();
        assertThat(connz.out()).contains("\"num_connections\":1");
        Result healthz = admin.server("request", "jetstream-health", "1", "--js-enabled", "--server-only");
        assertThat(healthz.status()).as(healthz.toString()).isZero();
        assertThat(healthz.out()).hasLineCount(1).contains("\"status\":\"ok\"");
    }

    @Test
    void aUserWithoutSystemPrivilegesGetsOneLine() {
        admin.cli().env().put("NATS_USER", "app");
        Result r = admin.server("ls");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("natrix: error: server request failed, ensure the account used has system "
                + "privileges and appropriate permissions\n");
    }

    @Test
    void unreachableServerAndUnknownCommandsFail() {
        Result r = admin.server("ls", "--server", "nats://127.0.0.1:1");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("natrix: error: could not connect to nats://127.0.0.1:1").hasLineCount(1);
        Result unknown = admin.server("req", "nonsense");
        assertThat(unknown.status()).isEqualTo(2);
        Result badSort = admin.server("ls", "--sort", "colour");
        assertThat(badSort.status()).isEqualTo(1);
        assertThat(badSort.err()).startsWith("natrix: error: invalid sort key \"colour\"");
    }
}
