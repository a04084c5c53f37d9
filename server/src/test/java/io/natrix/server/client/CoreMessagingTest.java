package io.natrix.server.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.natrix.server.TestServer;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CoreMessagingTest {

    @Test
    void publishedMessageReachesSubscriber() throws Exception {
        try (TestServer server = TestServer.start();
             Connection nc = Nats.connect(server.url())) {
            Subscription sub = nc.subscribe("greet.*");
            nc.flush(Duration.ofSeconds(2));
            nc.publish("greet.joe", "hello".getBytes(StandardCharsets.UTF_8));
            Message m = sub.nextMessage(Duration.ofSeconds(2));
            assertThat(m).isNotNull();
            assertThat(m.getSubject()).isEqualTo("greet.joe");
            assertThat(new String(m.getData(), StandardCharsets.UTF_8)).isEqualTo("hello");
        }
    }
}
