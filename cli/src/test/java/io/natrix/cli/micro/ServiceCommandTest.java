package io.natrix.cli.micro;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.cli.CliHarness;
import io.natrix.cli.CliHarness.Result;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.service.Service;
import io.nats.service.ServiceBuilder;
import io.nats.service.ServiceEndpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code natrix service} (micro) discovery against services run with jnats' micro framework. */
class ServiceCommandTest {

    @TempDir
    Path dir;

    private static Service echo(Connection nc) {
        ServiceEndpoint endpoint = ServiceEndpoint.builder()
                .endpointName("echo")
                .endpointSubject("demo.echo")
                .handler(msg -> msg.respond(nc, msg.getData()))
                .build();
        Service service = new ServiceBuilder().connection(nc).name("demo").version("1.2.3")
                .description("Echo demo").metadata(Map.of("team", "core")).addServiceEndpoint(endpoint).build();
        service.startService();
        return service;
    }

    @Test
    void listInfoStatsAndPingShowAJnatsService() throws Exception {
        try (CliHarness cli = CliHarness.start(dir);
             Connection nc = Nats.connect(cli.url())) {
            Service service = echo(nc);
            try {
                nc.request("demo.echo", "hi".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));

                Result ls = cli.run("micro", "ls");
                assertThat(ls.status()).as(ls.toString()).isZero();
                assertThat(ls.out()).contains("All Services").contains("│ demo ").contains("1.2.3")
                        .contains(service.getId()).contains("Echo demo");
                assertThat(cli.run("service", "list", "demo", "--json").out())
                        .contains("\"id\" : \"" + service.getId() + "\"");

                Result info = cli.run("micro", "info", "demo");
                assertThat(info.status()).as(info.toString()).isZero();
                assertThat(info.out()).startsWith("Service Information\n")
                        .contains("Service: demo (" + service.getId() + ")").contains("Version: 1.2.3")
                        .contains("team: core").contains("Subject: demo.echo")
                        .contains("Statistics for 1 Endpoint(s)").contains("echo Endpoint Statistics")
                        .contains("Requests: 1 in group \"q\"");
                assertThat(cli.run("micro", "info", "demo", service.getId(), "--json").out())
                        .contains("\"info\"").contains("\"num_requests\" : 1");

                Result stats = cli.run("micro", "stats", "demo");
                assertThat(stats.status()).as(stats.toString()).isZero();
                assertThat(stats.out()).contains("demo Service Statistics").contains(service.getId())
                        .contains("│ echo ");

                Result ping = cli.run("micro", "ping", "--timeout", "500ms");
                assertThat(ping.status()).as(ping.toString()).isZero();
                assertThat(ping.out()).startsWith("demo " + service.getId()).contains("rtt=");
            } finally {
                service.stop();
            }
        }
    }

    @Test
    void noServicesAndBadInput() {
        try (CliHarness cli = CliHarness.start(dir)) {
            Result none = cli.run("micro", "ls");
            assertThat(none.status()).isEqualTo(1);
            assertThat(none.err()).startsWith("natrix: error: no service instances found").hasLineCount(1);
            Result missing = cli.run("micro", "info");
            assertThat(missing.status()).isEqualTo(2);
            Result badRegex = cli.run("micro", "info", "demo", "-e", "(");
            assertThat(badRegex.status()).isEqualTo(1);
            assertThat(badRegex.err()).startsWith("natrix: error: invalid endpoint regular expression");
            assertThat(cli.run("micro", "frobnicate").status()).isEqualTo(2);
        }
        try (CliHarness cli = CliHarness.withoutServer(dir)) {
            Result r = cli.run("micro", "ls", "--server", "nats://127.0.0.1:1");
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).startsWith("natrix: error: could not connect").hasLineCount(1);
        }
    }
}
