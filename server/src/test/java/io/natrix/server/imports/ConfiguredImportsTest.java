package io.natrix.server.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exports and imports declared in the {@code accounts} block, end to end with jnats. */
class ConfiguredImportsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private TestServer serverWith(String config) throws Exception {
        Path file = dir.resolve("server.conf");
        Files.writeString(file, config);
        return TestServer.fromConfig(file);
    }

    private static Connection connect(TestServer server, String user) throws Exception {
        return Nats.connect(new Options.Builder().server(server.url()).userInfo(user, "p").maxReconnects(0)
                .connectionTimeout(TIMEOUT).build());
    }

    private static String text(Message m) {
        return new String(m.getData(), StandardCharsets.UTF_8);
    }

    private static final String CONFIG = """
            accounts {
              SVC {
                users = [ { user: svc, password: p } ]
                exports = [
                  { service: "time.>" }
                  { stream: "news.*" }
                  { service: "private.req", accounts: [ APP ] }
                ]
              }
              APP {
                users = [ { user: app, password: p } ]
                imports = [
                  { service: { account: SVC, subject: "time.>" }, to: "svc.time.>" }
                  { stream: { account: SVC, subject: "news.*" }, prefix: "svc" }
                  { service: { account: SVC, subject: "private.req" } }
                ]
              }
              OTHER {
                users = [ { user: other, password: p } ]
                imports = [ { stream: { account: SVC, subject: "news.*" }, to: "headlines.$1" } ]
              }
            }
            """;

    @Test
    void servicesAndStreamsCrossAsDeclared() throws Exception {
        try (TestServer server = serverWith(CONFIG);
             Connection svc = connect(server, "svc");
             Connection app = connect(server, "app");
             Connection other = connect(server, "other")) {
            svc.createDispatcher(m -> svc.publish(m.getReplyTo(), ("at " + m.getSubject()).getBytes()))
                    .subscribe("time.>");
            svc.createDispatcher(m -> svc.publish(m.getReplyTo(), "secret".getBytes())).subscribe("private.req");
            svc.flush(TIMEOUT);
            assertThat(text(app.request("svc.time.utc", new byte[0], TIMEOUT))).isEqualTo("at time.utc");
            assertThat(text(app.request("private.req", new byte[0], TIMEOUT))).isEqualTo("secret");

            Subscription appNews = app.subscribe("svc.news.*");
            Subscription otherNews = other.subscribe("headlines.*");
            app.flush(TIMEOUT);
            other.flush(TIMEOUT);
            svc.publish("news.sports", "goal".getBytes());
            Message m = appNews.nextMessage(TIMEOUT);
            assertThat(m.getSubject()).isEqualTo("svc.news.sports");
            Message o = otherNews.nextMessage(TIMEOUT);
            assertThat(o.getSubject()).isEqualTo("headlines.sports");
            assertThat(text(o)).isEqualTo("goal");
        }
    }

    @Test
    void anAccountWithoutTheImportSeesNothing() throws Exception {
        try (TestServer server = serverWith(CONFIG);
             Connection svc = connect(server, "svc");
             Connection other = connect(server, "other")) {
            svc.createDispatcher(m -> svc.publish(m.getReplyTo(), "secret".getBytes())).subscribe("private.req");
            svc.flush(TIMEOUT);
            Subscription none = other.subscribe("news.*");
            other.flush(TIMEOUT);
            svc.publish("news.sports", "goal".getBytes());
            // once both flushes return, anything routed to OTHER would be pending already
            assertThat(ImportFixture.nothingPending(other, none, svc)).isTrue();
            assertThat(other.request("private.req", new byte[0])).failsWithin(TIMEOUT);
        }
    }
}
