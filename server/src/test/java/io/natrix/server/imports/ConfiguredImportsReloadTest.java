package io.natrix.server.imports;

import static io.natrix.server.imports.ImportFixture.TIMEOUT;
import static io.natrix.server.imports.ImportFixture.bytes;
import static io.natrix.server.imports.ImportFixture.nothingPending;
import static io.natrix.server.imports.ImportFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.TestServer;
import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Imports as the configuration changes: refused at load when they are not allowed or loop (with nats-server's
 * messages), and added or removed by a reload for clients already connected.
 */
class ConfiguredImportsReloadTest {
    private static final String WITHOUT_IMPORTS = """
            accounts {
              A {
                users = [ { user: a, password: p } ]
                exports = [ { service: "svc.>" }, { stream: "feed.>" } ]
              }
              B { users = [ { user: b, password: p } ] }
            }
            """;
    private static final String WITH_IMPORTS = """
            accounts {
              A {
                users = [ { user: a, password: p } ]
                exports = [ { service: "svc.>" }, { stream: "feed.>" } ]
              }
              B {
                users = [ { user: b, password: p } ]
                imports = [
                  { service: { account: A, subject: "svc.>" } }
                  { stream: { account: A, subject: "feed.>" } }
                ]
              }
            }
            """;

    @TempDir
    Path dir;

    private ConfigException refused(String config) throws Exception {
        Path file = ImportFixture.write(dir, config);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> {
            try (TestServer ignored = TestServer.fromConfig(file)) {
                // must not start
            }
        });
        assertThat(t).isInstanceOf(ConfigException.class);
        return (ConfigException) t;
    }

    @Test
    void importCyclesAreRefusedAtLoad() throws Exception {
        ConfigException services = refused("""
                accounts {
                  A {
                    exports = [ { service: "q" } ]
                    imports = [ { service: { account: B, subject: "q" } } ]
                  }
                  B {
                    exports = [ { service: "q" } ]
                    imports = [ { service: { account: A, subject: "q" } } ]
                  }
                }
                """);
        // nats-server 2.9.10: Error adding service import "q": import forms a cycle
        assertThat(services.getMessage()).containsIgnoringCase("error adding service import \"q\": import forms a cycle");

        ConfigException streams = refused("""
                accounts {
                  A {
                    exports = [ { stream: "s.>" } ]
                    imports = [ { stream: { account: B, subject: "s.>" } } ]
                  }
                  B {
                    exports = [ { stream: "s.>" } ]
                    imports = [ { stream: { account: A, subject: "s.>" } } ]
                  }
                }
                """);
        assertThat(streams.getMessage()).containsIgnoringCase("error adding stream import \"s.>\": import forms a cycle");

        ConfigException longer = refused("""
                accounts {
                  A {
                    exports = [ { service: "q.>" } ]
                    imports = [ { service: { account: C, subject: "q.>" } } ]
                  }
                  B {
                    exports = [ { service: "q.>" } ]
                    imports = [ { service: { account: A, subject: "q.>" } } ]
                  }
                  C {
                    exports = [ { service: "q.>" } ]
                    imports = [ { service: { account: B, subject: "q.>" } } ]
                  }
                }
                """);
        assertThat(longer.getMessage()).containsIgnoringCase("import forms a cycle");
    }

    @Test
    void importsOfExportsLimitedToOthersAreRefusedAtLoad() throws Exception {
        ConfigException stream = refused("""
                accounts {
                  A { exports = [ { stream: "lims.>", accounts: [ B ] } ] }
                  B { }
                  C { imports = [ { stream: { account: A, subject: "lims.>" } } ] }
                }
                """);
        // nats-server 2.9.10: Error adding stream import "lims.>": stream import not authorized
        assertThat(stream.getMessage())
                .containsIgnoringCase("error adding stream import \"lims.>\": stream import not authorized");

        ConfigException service = refused("""
                accounts {
                  A { exports = [ { service: "privsvc.>", accounts: [ B ] } ] }
                  B { }
                  C { imports = [ { service: { account: A, subject: "privsvc.>" } } ] }
                }
                """);
        assertThat(service.getMessage())
                .containsIgnoringCase("error adding service import \"privsvc.>\": service import not authorized");
    }

    private static void reload(ImportFixture f, Path file, String config) throws Exception {
        Files.writeString(file, config);
        ServerOptions.Builder next = ConfigLoader.load(file);
        next.host = "127.0.0.1";
        next.port = ServerOptions.RANDOM_PORT; // as the running server was started
        f.server().server().reload(next.build());
    }

    @Test
    void reloadAddsAndRemovesImportsForConnectedClients() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, WITHOUT_IMPORTS)) {
            Path file = dir.resolve("server.conf");
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            a.createDispatcher(m -> a.publish(m.getReplyTo(), bytes("served " + m.getSubject())))
                    .subscribe("svc.>");
            a.flush(TIMEOUT);
            Subscription feed = b.subscribe("feed.>"); // subscribed before the import exists
            b.flush(TIMEOUT);

            assertNoResponders(b.request("svc.one", bytes("?")));
            a.publish("feed.1", bytes("before"));
            assertThat(nothingPending(b, feed, a)).isTrue();

            reload(f, file, WITH_IMPORTS);
            assertThat(text(b.request("svc.two", bytes("?"), TIMEOUT))).isEqualTo("served svc.two");
            a.publish("feed.2", bytes("during"));
            Message m = feed.nextMessage(TIMEOUT);
            assertThat(m.getSubject()).isEqualTo("feed.2");
            assertThat(text(m)).isEqualTo("during");

            reload(f, file, WITHOUT_IMPORTS);
            assertNoResponders(b.request("svc.three", bytes("?")));
            a.publish("feed.3", bytes("after"));
            assertThat(nothingPending(b, feed, a)).isTrue();
            assertThat(f.pendingResponses("A")).isZero();

            // and back once more: nothing was left behind that doubles deliveries
            reload(f, file, WITH_IMPORTS);
            a.publish("feed.4", bytes("again"));
            assertThat(text(feed.nextMessage(TIMEOUT))).isEqualTo("again");
            assertThat(nothingPending(b, feed, a)).isTrue();
        }
    }

    @Test
    void aRefusedReloadKeepsTheImportsInForce() throws Exception {
        try (ImportFixture f = ImportFixture.start(dir, WITH_IMPORTS)) {
            Path file = dir.resolve("server.conf");
            Connection a = f.connect("a");
            Connection b = f.connect("b");
            a.createDispatcher(m -> a.publish(m.getReplyTo(), bytes("served"))).subscribe("svc.>");
            a.flush(TIMEOUT);

            String cycle = """
                    accounts {
                      A {
                        users = [ { user: a, password: p } ]
                        exports = [ { service: "svc.>" }, { stream: "feed.>" } ]
                        imports = [ { service: { account: B, subject: "svc.>" } } ]
                      }
                      B {
                        users = [ { user: b, password: p } ]
                        exports = [ { service: "svc.>" } ]
                        imports = [ { service: { account: A, subject: "svc.>" } } ]
                      }
                    }
                    """;
            assertThatThrownBy(() -> reload(f, file, cycle)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("import forms a cycle");
            assertThat(text(b.request("svc.x", bytes("?"), TIMEOUT))).isEqualTo("served");
        }
    }

    private static void assertNoResponders(CompletableFuture<Message> request) {
        assertThatThrownBy(() -> request.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(CancellationException.class);
    }
}
