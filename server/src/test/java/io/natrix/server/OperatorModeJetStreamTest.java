package io.natrix.server;

import static io.natrix.server.OperatorFixture.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.auth.AccountLimits;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JetStream in operator mode: an account JWT that grants storage has JetStream, one that does not is refused. */
class OperatorModeJetStreamTest {
    @TempDir
    Path dir;

    @Test
    void accountJwtsDecideWhoHasJetStreamAndItsLimits() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        OperatorFixture.TestAccount js = f.account("JS");
        js.update(c -> c.withLimits(c.limits().withJetStream(
                new AccountLimits.JetStreamLimits(-1, -1, 1, -1, -1, -1, -1, false))));
        OperatorFixture.TestAccount plain = f.account("PLAIN");
        Path config = dir.resolve("server.conf");
        Files.writeString(config, f.memoryConfig(js, plain) + "\njetstream { store_dir: \""
                + dir.resolve("store").toString().replace("\\", "/") + "\" }\n");
        try (TestServer server = TestServer.fromConfig(config);
             Connection withJs = OperatorFixture.connect(server, js.user("u").creds());
             Connection without = OperatorFixture.connect(server, plain.user("v").creds())) {
            withJs.jetStreamManagement().addStream(StreamConfiguration.builder().name("ONE").subjects("one")
                    .storageType(StorageType.File).build());
            assertThat(withJs.jetStream().publish("one", "x".getBytes()).getSeqno()).isEqualTo(1);
            assertThatThrownBy(() -> withJs.jetStreamManagement().addStream(StreamConfiguration.builder()
                    .name("TWO").subjects("two").storageType(StorageType.File).build()))
                    .isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10027));
            assertThatThrownBy(() -> without.jetStreamManagement().getAccountStatistics())
                    .isInstanceOf(JetStreamApiException.class)
                    .satisfies(e -> assertThat(((JetStreamApiException) e).getApiErrorCode()).isEqualTo(10039));
            withJs.flush(TIMEOUT);
        }
    }
}
