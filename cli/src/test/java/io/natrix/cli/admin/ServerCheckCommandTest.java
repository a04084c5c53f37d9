package io.natrix.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code natrix server check}: Nagios-style verdicts and exit statuses, as natscli's checks give them. */
class ServerCheckCommandTest {

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

    private Connection app() throws Exception {
        return Nats.connect(new Options.Builder().server(admin.cli().url()).userInfo("app", "s3cret")
                .connectionTimeout(Duration.ofSeconds(10)).build());
    }

    @Test
    void connectionCheckIsOkWithMetrics() {
        Result r = admin.server("check", "connection", "--connect-warn", "5s", "--connect-critical", "10s",
                "--rtt-warn", "5s", "--rtt-critical", "10s", "--req-warn", "5s", "--req-critical", "10s");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("OK Connection OK:connected to " + admin.cli().url() + " in ")
                .contains(" OK:rtt time ").contains(" OK:round trip took ")
                .containsPattern("\\| connect_time=\\d+\\.\\d{4}s;5\\.0000;10\\.0000 "
                        + "rtt=\\d+\\.\\d{4}s;5\\.0000;10\\.0000 "
                        + "request_time=\\d+\\.\\d{4}s;5\\.0000;10\\.0000\n$");
        Result json = admin.server("check", "conn", "--format", "json");
        assertThat(json.out()).contains("\"check_suite\" : \"connections\"").contains("\"name\" : \"rtt\"");
        Result text = admin.server("check", "connection", "--format", "text");
        assertThat(text.out()).startsWith("Connection: ").contains("Status Detail").contains("Check Metrics");
    }

    @Test
    void prometheusFormatAndOutFile() throws Exception {
        Result prom = admin.server("check", "connection", "--format", "prometheus", "--server", "nats://127.0.0.1:1");
        assertThat(prom.status()).isZero(); // scraped output always exits 0, as natscli's
        assertThat(prom.out()).isEqualTo("# HELP nats_server_check_connections_status_code Nagios compatible status "
                + "code for connections\n# TYPE nats_server_check_connections_status_code gauge\n"
                + "nats_server_check_connections_status_code{item=\"Connection\",status=\"CRITICAL\"} 2\n");
        Result ok = admin.server("check", "connection", "--format", "prometheus", "--namespace", "ns");
        assertThat(ok.out()).contains("# TYPE ns_connections_rtt gauge\nns_connections_rtt{item=\"Connection\"} ")
                .contains("ns_connections_status_code{item=\"Connection\",status=\"OK\"} 0");
        Path file = dir.resolve("check.txt");
        Result toFile = admin.server("check", "connection", "--outfile", file.toString());
        assertThat(toFile.status()).as(toFile.toString()).isZero();
        assertThat(toFile.out()).isEmpty();
        assertThat(java.nio.file.Files.readString(file)).startsWith("OK Connection OK:connected to ");
    }

    @Test
    void goFloatsAsPrometheusWritesThem() {
        assertThat(CheckResult.goFloat(0.0012)).isEqualTo("0.0012");
        assertThat(CheckResult.goFloat(42)).isEqualTo("42");
        assertThat(CheckResult.goFloat(0.00001)).isEqualTo("1e-05");
        assertThat(CheckResult.goFloat(56_000_000)).isEqualTo("5.6e+07");
        assertThat(CheckResult.goFloat(123456)).isEqualTo("123456");
        assertThat(CheckResult.goFloat(-2.5)).isEqualTo("-2.5");
    }

    @Test
    void failingChecksAreCriticalWithStatusTwo() {
        Result unreachable = admin.server("check", "connection", "--server", "nats://127.0.0.1:1");
        assertThat(unreachable.status()).isEqualTo(2);
        assertThat(unreachable.out()).startsWith("CRITICAL Connection Crit:connection failed: ");
        assertThat(unreachable.err()).isEmpty();

        Result wrongServer = admin.server("check", "server", "--name", "no-such-server", "--timeout", "1s");
        assertThat(wrongServer.status()).isEqualTo(2);
        assertThat(wrongServer.out()).startsWith("CRITICAL no-such-server Crit:varz failed: ");

        admin.cli().env().put("NATS_USER", "app");
        Result noStream = admin.server("check", "stream", "--stream", "MISSING");
        assertThat(noStream.status()).isEqualTo(2);
        assertThat(noStream.out()).isEqualTo("CRITICAL MISSING Crit:could not load info: stream not found (10059)\n");
    }

    @Test
    void serverCheckReadsVarz() {
        String name = admin.cli().server().serverName();
        Result r = admin.server("check", "server", "--name", name, "--auth-required", "--js-required",
                "--conn-warn", "100", "--conn-critical", "200");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("OK " + name + " OK:JetStream enabled OK:Authentication required "
                + "OK:Connections 1.00 | uptime=");
        Result warn = admin.server("check", "server", "--name", name, "--tls-required");
        assertThat(warn.status()).isEqualTo(2);
        assertThat(warn.out()).startsWith("CRITICAL " + name + " Crit:TLS not required");
    }

    @Test
    void jetStreamStreamConsumerAndKvChecks() throws Exception {
        try (Connection nc = app()) {
            JetStreamManagement jsm = nc.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name("ORDERS").subjects("orders.>").build());
            nc.jetStream().publish("orders.1", new byte[10]);
            jsm.createConsumer("ORDERS", ConsumerConfiguration.builder().durable("C").build());
            nc.keyValueManagement().create(KeyValueConfiguration.builder().name("CFG").build());
            KeyValue kv = nc.keyValue("CFG");
            kv.put("a", "1");
            kv.put("gone", "x");
            kv.delete("gone");
        }
        admin.cli().env().put("NATS_USER", "app");

        Result js = admin.server("check", "jetstream");
        assertThat(js.status()).as(js.toString()).isZero();
        assertThat(js.out()).startsWith("OK JetStream | memory=0B memory_pct=0%;75;90 storage=")
                .contains("streams=2 streams_pct=0%");

        Result stream = admin.server("check", "stream", "--stream", "ORDERS", "--msgs-warn", "5",
                "--msgs-critical", "2");
        assertThat(stream.status()).isEqualTo(2);
        assertThat(stream.out()).startsWith("CRITICAL ORDERS Crit:1 messages OK:0 sources | messages=1;5;2 sources=0");

        Result consumer = admin.server("check", "consumer", "--stream", "ORDERS", "--consumer", "C",
                "--unprocessed-critical", "5");
        assertThat(consumer.status()).as(consumer.toString()).isZero();
        assertThat(consumer.out()).startsWith("OK ORDERS_C OK:Unprocessed Messages: 1 | ack_pending=0");

        Result kv = admin.server("check", "kv", "--bucket", "CFG", "--kv-key", "a", "--values-warn", "10",
                "--values-critical", "20");
        assertThat(kv.status()).as(kv.toString()).isZero();
        assertThat(kv.out()).startsWith("OK CFG OK:bucket CFG OK:key a found OK:");
        Result deleted = admin.server("check", "kv", "--bucket", "CFG", "--kv-key", "gone");
        assertThat(deleted.status()).isEqualTo(2);
        assertThat(deleted.out()).startsWith("CRITICAL CFG Crit:key gone is deleted OK:bucket CFG");
        Result missing = admin.server("check", "kv", "--bucket", "NOPE");
        assertThat(missing.out()).startsWith("CRITICAL NOPE Crit:bucket NOPE not found");
    }

    @Test
    void requestAndMessageChecks() throws Exception {
        try (Connection nc = app()) {
            nc.createDispatcher(m -> nc.publish(m.getReplyTo(), ("pong " + new String(m.getData())).getBytes()))
                    .subscribe("svc.ping");
            nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("TICKS").subjects("ticks.>").build());
            nc.jetStream().publish("ticks.a", "tick 42".getBytes());
            nc.flush(Duration.ofSeconds(5));
            admin.cli().env().put("NATS_USER", "app");

            Result ok = admin.server("check", "request", "--subject", "svc.ping", "--payload", "x",
                    "--match-payload", "^pong x$", "--response-critical", "10s");
            assertThat(ok.status()).as(ok.toString()).isZero();
            assertThat(ok.out()).startsWith("OK svc.ping OK:Valid response | time=");
            Result mismatch = admin.server("check", "req", "--subject", "svc.ping", "--match-payload", "nope");
            assertThat(mismatch.status()).isEqualTo(2);
            assertThat(mismatch.out()).startsWith("CRITICAL svc.ping Crit:response does not match regexp");
            Result nobody = admin.server("check", "request", "--subject", "nobody.home");
            assertThat(nobody.status()).isEqualTo(2);
            assertThat(nobody.out()).startsWith("CRITICAL nobody.home Crit:could not send request: ");

            Result msg = admin.server("check", "message", "--stream", "TICKS", "--subject", "ticks.a",
                    "--content", "tick \\d+", "--age-critical", "1h");
            assertThat(msg.status()).as(msg.toString()).isZero();
            assertThat(msg.out()).startsWith("OK Stream Message OK:Valid message on TICKS > ticks.a | age=")
                    .contains("size=7B");
            Result none = admin.server("check", "message", "--stream", "TICKS", "--subject", "ticks.b");
            assertThat(none.out()).isEqualTo("CRITICAL Stream Message Crit:no message found\n");
        }
    }

    @Test
    void credentialCheckReadsTheJwtExpiry() throws Exception {
        io.nats.client.NKey account = io.nats.client.NKey.createAccount(null);
        io.nats.client.NKey user = io.nats.client.NKey.createUser(null);
        String accountId = new String(account.getPublicKey());
        String jwt = io.nats.client.support.JwtUtils.issueUserJWT(account, accountId,
                new String(user.getPublicKey()), "u", Duration.ofHours(2));
        Path creds = dir.resolve("user.creds");
        java.nio.file.Files.writeString(creds, "-----BEGIN NATS USER JWT-----\n" + jwt
                + "\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n"
                + new String(user.getSeed()) + "\n------END USER NKEY SEED------\n");

        Result ok = admin.server("check", "credential", "--credential", creds.toString(), "--validity-warn", "1h",
                "--validity-critical", "30m");
        assertThat(ok.status()).as(ok.toString()).isZero();
        assertThat(ok.out()).startsWith("OK Credential OK:expires in ").contains(" +0000 UTC | expiry=");
        Result soon = admin.server("check", "credential", "--credential", creds.toString(), "--validity-critical",
                "3h");
        assertThat(soon.status()).isEqualTo(2);
        assertThat(soon.out()).startsWith("CRITICAL Credential Crit:expires sooner than 3h0m0s");

        String forever = io.nats.client.support.JwtUtils.issueUserJWT(account, accountId,
                new String(user.getPublicKey()), "u");
        java.nio.file.Files.writeString(creds, forever);
        assertThat(admin.server("check", "credential", "--credential", creds.toString()).out())
                .startsWith("CRITICAL Credential Crit:never expires");
        assertThat(admin.server("check", "credential", "--credential", creds.toString(), "--no-require-expiry")
                .out()).startsWith("OK Credential OK:never expires");

        String[] parts = jwt.split("\\.");
        java.nio.file.Files.writeString(creds, parts[0] + "." + parts[1] + "." + parts[2].substring(2) + "AA");
        assertThat(admin.server("check", "credential", "--credential", creds.toString()).out())
                .startsWith("CRITICAL Credential Crit:invalid credential: ");
        Result missing = admin.server("check", "credential", "--credential", dir.resolve("nope").toString());
        assertThat(missing.out()).startsWith("CRITICAL Credential Crit:credential not accessible");
    }

    @Test
    void badFlagsAreOneLineErrors() {
        Result badFormat = admin.server("check", "connection", "--format", "xml");
        assertThat(badFormat.status()).isEqualTo(1);
        assertThat(badFormat.err())
                .isEqualTo("natrix: error: invalid format \"xml\": use nagios, json, prometheus or text\n");
        Result badDuration = admin.server("check", "connection", "--rtt-warn", "soon");
        assertThat(badDuration.status()).isEqualTo(1);
        assertThat(badDuration.err()).startsWith("natrix: error: invalid --rtt-warn \"soon\"").hasLineCount(1);
        Result missing = admin.server("check", "stream");
        assertThat(missing.status()).isEqualTo(2);
        CliHarness.Result none = admin.server("check");
        assertThat(none.status()).isEqualTo(1);
    }
}
