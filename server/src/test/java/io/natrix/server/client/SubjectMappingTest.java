package io.natrix.server.client;

import static io.natrix.server.client.Jnats.TIMEOUT;
import static io.natrix.server.client.Jnats.bytes;
import static io.natrix.server.client.Jnats.flush;
import static io.natrix.server.client.Jnats.next;
import static io.natrix.server.client.Jnats.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Subscription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Subject mappings from the configuration, as a jnats client experiences them. */
class SubjectMappingTest {
    @TempDir
    Path dir;

    private TestServer serverWith(String config) throws Exception {
        Path file = dir.resolve("server.conf");
        Files.writeString(file, config);
        return TestServer.fromConfig(file);
    }

    @Test
    void aPlainMappingRenamesThePublishedSubject() throws Exception {
        try (TestServer server = serverWith("mappings { orders.new: orders.incoming }");
             Connection nc = Jnats.connect(server)) {
            Subscription mapped = nc.subscribe("orders.incoming");
            Subscription original = nc.subscribe("orders.new");
            flush(nc);
            nc.publish("orders.new", bytes("o1"));
            assertThat(text(next(mapped))).isEqualTo("o1");
            assertThat(original.nextMessage(Duration.ofMillis(200))).isNull();
        }
    }

    @Test
    void wildcardTokensAndPartitionsCarryOver() throws Exception {
        try (TestServer server = serverWith("""
                mappings {
                  "greet.*.*": "hello.{{wildcard(2)}}.{{wildcard(1)}}"
                  "part.*": "part.{{partition(3,1)}}.{{wildcard(1)}}"
                }
                """);
             Connection nc = Jnats.connect(server)) {
            Subscription hello = nc.subscribe("hello.>");
            Subscription part = nc.subscribe("part.*.*");
            flush(nc);
            nc.publish("greet.en.world", bytes("x"));
            assertThat(next(hello).getSubject()).isEqualTo("hello.world.en");
            nc.publish("part.foo", bytes("y"));
            // nats-server's partition of "foo" into 3 is 0 (FNV-1a), the same every time.
            String first = next(part).getSubject();
            assertThat(first).matches("part\\.[012]\\.foo");
            nc.publish("part.foo", bytes("y"));
            assertThat(next(part).getSubject()).isEqualTo(first);
        }
    }

    @Test
    void weightedDestinationsSplitTheTrafficAndAllOfItArrives() throws Exception {
        try (TestServer server = serverWith("""
                mappings {
                  work: [ { destination: work.blue, weight: 50% }, { destination: work.green, weight: 50% } ]
                }
                """);
             Connection nc = Jnats.connect(server)) {
            Subscription blue = nc.subscribe("work.blue");
            Subscription green = nc.subscribe("work.green");
            flush(nc);
            for (int i = 0; i < 400; i++) {
                nc.publish("work", bytes("w"));
            }
            flush(nc);
            long b = blue.getPendingMessageCount();
            long g = green.getPendingMessageCount();
            assertThat(b + g).isEqualTo(400);
            assertThat(b).isBetween(120L, 280L);
        }
    }

    @Test
    void aMappingWithWeightsBelowAHundredKeepsTheRestOnTheOriginalSubject() throws Exception {
        try (TestServer server = serverWith("mappings { canary: [ { destination: canary.v2, weight: 10% } ] }");
             Connection nc = Jnats.connect(server)) {
            Subscription v2 = nc.subscribe("canary.v2");
            Subscription v1 = nc.subscribe("canary");
            flush(nc);
            for (int i = 0; i < 500; i++) {
                nc.publish("canary", bytes("c"));
            }
            flush(nc);
            assertThat(v1.getPendingMessageCount() + v2.getPendingMessageCount()).isEqualTo(500);
            assertThat(v2.getPendingMessageCount()).isBetween(15L, 110L);
        }
    }

    @Test
    void requestsFollowTheMappingAndRepliesComeBack() throws Exception {
        try (TestServer server = serverWith("mappings { api.v1.time: svc.time }");
             Connection nc = Jnats.connect(server)) {
            nc.createDispatcher(m -> nc.publish(m.getReplyTo(), bytes("noon"))).subscribe("svc.time");
            flush(nc);
            assertThat(text(nc.request("api.v1.time", bytes(""), TIMEOUT))).isEqualTo("noon");
        }
    }
}
