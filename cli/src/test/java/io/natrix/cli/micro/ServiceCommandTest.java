package io.natrix.cli.micro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    void requestCallsAnEndpointByName() throws Exception {
        try (CliHarness cli = CliHarness.start(dir);
             Connection nc = Nats.connect(cli.url())) {
            Service service = echo(nc);
            try {
                Result r = cli.run("micro", "request", "demo", "echo", "hello");
                assertThat(r.status()).as(r.toString()).isZero();
                assertThat(r.out()).matches("(?s)\\d\\d:\\d\\d:\\d\\d Sending request on \"demo.echo\"\n"
                        + "\\d\\d:\\d\\d:\\d\\d Received with rtt \\S+\nhello\n");
                Result raw = cli.runWithInput("from stdin", "service", "req", "demo", "echo", "--raw");
                assertThat(raw.out()).isEqualTo("from stdin\n");
                Result badEndpoint = cli.run("micro", "request", "demo", "nope", "x");
                assertThat(badEndpoint.status()).isEqualTo(1);
                assertThat(badEndpoint.err()).isEqualTo("natrix: error: service \"demo\" has no endpoint \"nope\" "
                        + "(available: echo)\n");
            } finally {
                service.stop();
            }
        }
    }

    @Test
    void serveRunsTheDemoEchoServiceUntilStopped() throws Exception {
        try (CliHarness cli = CliHarness.start(dir);
             Connection nc = Nats.connect(cli.url())) {
            Result[] result = new Result[1];
            Thread serving = new Thread(() -> result[0] = cli.run("micro", "serve", "demo2", "-H", "X-Team:core"));
            serving.start();
            try {
                await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                        nc.request("demo2.echo", "ping".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2))
                                != null);
                io.nats.client.Message reply = nc.request("demo2.echo", "hi".getBytes(StandardCharsets.UTF_8),
                        Duration.ofSeconds(5));
                assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).isEqualTo("hi");
                assertThat(reply.getHeaders().getFirst("Subject")).isEqualTo("demo2.echo");
                assertThat(reply.getHeaders().getFirst("X-Team")).isEqualTo("core");
                Result info = cli.run("micro", "info", "demo2");
                assertThat(info.out()).contains("Description: NATS CLI Demo Service (demo2)")
                        .contains("_nats.client.created.library: natrix").contains("\"total_payload\"");
            } finally {
                serving.interrupt();
                serving.join(10_000);
            }
            assertThat(serving.isAlive()).isFalse();
            assertThat(result[0].status()).as(result[0].toString()).isZero();
            assertThat(result[0].out()).startsWith("NATS CLI Service demo2 handler ")
                    .contains("Listening Subjects:\n\n  demo2.echo: Echo Service\n")
                    .contains("Custom Response Headers:").contains("Requests Log:")
                    .containsPattern("\\d\\d:\\d\\d:\\d\\d Handling request on subject demo2.echo");
        }
    }

    @Test
    void noServicesAndBadInput() {
        try (CliHarness cli = CliHarness.start(dir)) {
            Result none = cli.run("micro", "ls");
            assertThat(none.status()).isEqualTo(1);
            assertThat(none.err()).isEqualTo("natrix: error: no service instances found\n");
            Result quietPing = cli.run("micro", "ping", "--timeout", "300ms");
            assertThat(quietPing.status()).isZero();
            assertThat(quietPing.out()).isEmpty();
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
