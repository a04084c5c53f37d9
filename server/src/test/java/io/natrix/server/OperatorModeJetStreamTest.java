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

/**
 * JetStream in operator mode: an account JWT that grants storage has JetStream, one that does not is refused, and
 * JWT updates pushed to a running server grant it, change its limits and take it away.
 */
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

    private static AccountLimits.JetStreamLimits streams(int maxStreams) {
        return new AccountLimits.JetStreamLimits(-1, -1, maxStreams, -1, -1, -1, -1, false);
    }

    private static int apiError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(t).isInstanceOf(JetStreamApiException.class);
        return ((JetStreamApiException) t).getApiErrorCode();
    }

    @Test
    void pushedAccountJwtsGrantChangeAndTakeAwayJetStream() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        OperatorFixture.TestAccount a = f.account("A");
        Path config = dir.resolve("server.conf");
        Files.writeString(config, f.memoryConfig(a) + "\njetstream { store_dir: \""
                + dir.resolve("store").toString().replace("\\", "/") + "\" }\n");
        try (TestServer server = TestServer.fromConfig(config);
             Connection sys = OperatorFixture.connect(server, f.sys.user("admin").creds());
             Connection nc = OperatorFixture.connect(server, a.user("u").creds())) {
            StreamConfiguration one = StreamConfiguration.builder().name("ONE").subjects("one")
                    .storageType(StorageType.File).build();
            StreamConfiguration two = StreamConfiguration.builder().name("TWO").subjects("two")
                    .storageType(StorageType.File).build();
            assertThat(apiError(() -> nc.jetStreamManagement().addStream(one))).isEqualTo(10039);

            // Granted: the account's API answers from now on.
            a.update(c -> c.withLimits(c.limits().withJetStream(streams(1))));
            OperatorFixture.pushAccepted(sys, a);
            nc.jetStreamManagement().addStream(one);
            assertThat(nc.jetStream().publish("one", "x".getBytes()).getSeqno()).isEqualTo(1);
            assertThat(apiError(() -> nc.jetStreamManagement().addStream(two))).isEqualTo(10027);

            // New limits apply to the next request; what is stored stays.
            a.update(c -> c.withLimits(c.limits().withJetStream(streams(2))));
            OperatorFixture.pushAccepted(sys, a);
            nc.jetStreamManagement().addStream(two);
            assertThat(nc.jetStreamManagement().getAccountStatistics().getStreams()).isEqualTo(2);

            // Taken away: refused again, and the streams stop (their files stay).
            a.update(c -> c.withLimits(c.limits().withJetStream(
                    new AccountLimits.JetStreamLimits(0, 0, 0, 0, 0, 0, 0, false))));
            OperatorFixture.pushAccepted(sys, a);
            assertThat(apiError(() -> nc.jetStreamManagement().getAccountStatistics())).isEqualTo(10039);
            assertThatThrownBy(() -> nc.jetStream().publish("one", "y".getBytes()))
                    .as("no stream takes the publish any more").hasMessageContaining("503");

            // Granted again: the streams come back from their files, with what they held.
            a.update(c -> c.withLimits(c.limits().withJetStream(streams(2))));
            OperatorFixture.pushAccepted(sys, a);
            assertThat(nc.jetStreamManagement().getStreamInfo("ONE").getStreamState().getMsgCount()).isEqualTo(1);
            assertThat(nc.jetStream().publish("one", "z".getBytes()).getSeqno()).isEqualTo(2);
        }
    }
}
