package io.natrix.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness.Result;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code natrix server report connections|accounts|jetstream} tables from connz and jsz. */
class ServerReportCommandTest {

    @TempDir
    Path dir;

    private static Connection app(AdminHarness admin, String name) throws Exception {
        return Nats.connect(new Options.Builder().server(admin.cli().url()).userInfo("app", "s3cret")
                .connectionName(name).connectionTimeout(Duration.ofSeconds(10)).build());
    }

    @Test
    void connectionsAccountsAndJetStream() throws Exception {
        try (AdminHarness admin = AdminHarness.start(dir);
             Connection orders = app(admin, "orders-service")) {
            orders.subscribe("orders.>");
            orders.subscribe("billing.>");
            orders.jetStreamManagement().addStream(StreamConfiguration.builder().name("ORDERS")
                    .subjects("orders.new").build());
            orders.jetStream().publish("orders.new", new byte[100]);
            orders.flush(Duration.ofSeconds(5));

            Result conns = admin.server("report", "connections", "1");
            assertThat(conns.status()).as(conns.toString()).isZero();
            assertThat(conns.out()).contains("Top 2 Connections out of 2 by subs")
                    .contains("│ orders-service").contains("│ APP ").contains("Totals for 2 connections")
                    .contains("Connections per server");
            Result byCid = admin.server("report", "conns", "1", "--account", "APP", "--sort", "cid", "--json");
            assertThat(byCid.out()).contains("\"name\" : \"orders-service\"").doesNotContain("\"account\" : \"SYS\"");

            Result accounts = admin.server("report", "accounts", "", "1");
            assertThat(accounts.status()).as(accounts.toString()).isZero();
            assertThat(accounts.out()).contains("2 Accounts Overview").containsPattern("│ APP +│ 1 +│");
            Result app = admin.server("report", "acct", "APP", "1");
            assertThat(app.out()).contains("Top 1 Connections out of 1").contains("orders-service");

            Result js = admin.server("report", "jetstream", "1");
            assertThat(js.status()).as(js.toString()).isZero();
            assertThat(js.out()).contains("JetStream Summary").containsPattern("│ Server +│ Cluster +│ Streams")
                    .containsPattern("│ 1 +│ 0 +│ 1 +│");
        }
    }

    @Test
    void healthReportsEachServer() {
        try (AdminHarness admin = AdminHarness.start(dir)) {
            Result r = admin.server("report", "health", "1", "--js-enabled");
            assertThat(r.status()).as(r.toString()).isZero();
            assertThat(r.out()).contains("Health Report").contains(admin.cli().server().serverName())
                    .contains("ok (200)").contains("ok: 1 / err: 0");
            Result json = admin.server("report", "health", "1", "--json");
            assertThat(json.out()).contains("\"status\" : \"ok\"");
        }
    }

    @Test
    void cpuAndMemoryBarGraphs() {
        try (AdminHarness admin = AdminHarness.start(dir)) {
            String name = admin.cli().server().serverName();
            Result cpu = admin.server("report", "cpu", "1");
            assertThat(cpu.status()).as(cpu.toString()).isZero();
            assertThat(cpu.out()).startsWith("CPU Usage\n\n  " + name + ": ");
            Result mem = admin.server("report", "mem", "1");
            assertThat(mem.out()).startsWith("Memory Usage\n\n  " + name + ": ██████████████████████████████ (")
                    .endsWith("iB)\n");
            Result json = admin.server("report", "mem", "1", "--json");
            assertThat(json.out()).contains("\"" + name + "\" : ");
        }
        assertThat(BarGraph.render(java.util.Map.of("a", 0.0, "b", 10.0, "bb", 5.0), "", 10, false))
                .isEqualTo("   a: ▏ (0)\n  bb: █████ (5)\n   b: ██████████ (10)\n");
        assertThat(BarGraph.commaf(1234567.25)).isEqualTo("1,234,567.25");
    }

    @Test
    void closedConnectionsFilteredByReason() throws Exception {
        try (AdminHarness admin = AdminHarness.start(dir)) {
            app(admin, "short-lived").close();
            Result closed = admin.server("report", "connections", "1", "--state", "closed", "--closed-reason",
                    "client clo");
            assertThat(closed.status()).as(closed.toString()).isZero();
            assertThat(closed.out()).contains("short-lived").contains("│ Reason").contains("Client Closed");
            Result none = admin.server("report", "connections", "1", "--state", "closed", "--closed-reason",
                    "slow consumer");
            assertThat(none.out()).contains("Top 0 Connections out of 0").doesNotContain("short-lived");
            Result bad = admin.server("report", "connections", "--closed-reason", "(");
            assertThat(bad.status()).isEqualTo(1);
            assertThat(bad.err()).startsWith("natrix: error: invalid --closed-reason").hasLineCount(1);
        }
    }

    @Test
    void badInputIsOneLine() {
        try (AdminHarness admin = AdminHarness.start(dir)) {
            Result sort = admin.server("report", "connections", "--sort", "colour");
            assertThat(sort.status()).isEqualTo(1);
            assertThat(sort.err()).startsWith("natrix: error: invalid sort \"colour\"").hasLineCount(1);
            admin.cli().env().put("NATS_USER", "app");
            Result denied = admin.server("report", "jetstream");
            assertThat(denied.status()).isEqualTo(1);
            assertThat(denied.err()).contains("ensure the account used has system privileges").hasLineCount(1);
            Result none = admin.server("report", "accounts", "NOBODY", "--server", "nats://127.0.0.1:1");
            assertThat(none.status()).isEqualTo(1);
            assertThat(none.err()).startsWith("natrix: error: could not connect").hasLineCount(1);
        }
    }
}
