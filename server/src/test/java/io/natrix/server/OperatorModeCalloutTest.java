package io.natrix.server;

import static io.natrix.server.OperatorFixture.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.auth.AccountClaims;
import io.natrix.server.auth.AuthorizationRequestClaims;
import io.natrix.server.auth.AuthorizationResponseClaims;
import io.natrix.server.auth.ClaimsData;
import io.natrix.server.auth.JwtDecoder;
import io.natrix.server.auth.JwtEncoder;
import io.natrix.server.auth.NKeyPair;
import io.natrix.server.auth.UserClaims;
import io.natrix.server.auth.UserPermissionLimits;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth callout in operator mode: an account whose JWT carries {@code authorization} sends its users (other than
 * the service's own) to the service, which places them in an allowed account with a user JWT of that account.
 */
class OperatorModeCalloutTest {
    @TempDir
    Path dir;

    @Test
    void theServicePlacesSentinelUsersInTheAllowedAccount() throws Exception {
        OperatorFixture f = new OperatorFixture(dir);
        OperatorFixture.TestAccount app = f.account("APP");
        OperatorFixture.TestAccount auth = f.account("AUTH");
        OperatorFixture.User service = auth.user("service");
        OperatorFixture.User sentinel = auth.user("sentinel");
        auth.update(c -> withCallout(c, service.key().publicKey(), app.publicKey()));
        Path config = dir.resolve("server.conf");
        Files.writeString(config, f.memoryConfig(app, auth));
        try (TestServer server = TestServer.fromConfig(config);
             Connection svc = OperatorFixture.connect(server, service.creds())) {
            svc.createDispatcher(m -> {
                AuthorizationRequestClaims request = JwtDecoder.decode(new String(m.getData(),
                        StandardCharsets.UTF_8), AuthorizationRequestClaims.class, Clock.systemUTC());
                boolean allowed = "letmein".equals(request.connectOptions().authToken());
                String userJwt = allowed ? JwtEncoder.encode(new UserClaims(ClaimsData.of(request.userNkey(), "bob"),
                        UserPermissionLimits.UNLIMITED, "", List.of()), app.key) : "";
                AuthorizationResponseClaims response = new AuthorizationResponseClaims(new ClaimsData("", 0, "",
                        request.userNkey(), "", request.server().id(), 0, 0), userJwt, allowed ? "" : "no token",
                        "", List.of());
                svc.publish(m.getReplyTo(), JwtEncoder.encode(response, auth.key).getBytes(StandardCharsets.UTF_8));
            }).subscribe("$SYS.REQ.USER.AUTH");
            svc.flush(TIMEOUT);

            try (Connection bob = io.nats.client.Nats.connect(OperatorFixture.options(server, sentinel.creds())
                    .token("letmein".toCharArray()).build());
                 Connection appUser = OperatorFixture.connect(server, app.user("native").creds())) {
                Subscription sub = appUser.subscribe("hello");
                appUser.flush(TIMEOUT);
                bob.publish("hello", "from bob".getBytes());
                Message m = sub.nextMessage(TIMEOUT);
                assertThat(m).isNotNull();
                assertThat(new String(m.getData())).isEqualTo("from bob");
                assertThat(server.server().connections())
                        .filteredOn(c -> "bob".equals(c.user()))
                        .singleElement()
                        .satisfies(c -> assertThat(c.account().name()).isEqualTo(app.publicKey()));
            }
            assertThatThrownBy(() -> io.nats.client.Nats.connect(OperatorFixture.options(server, sentinel.creds())
                    .build())).isNotNull();
        }
    }

    private static AccountClaims withCallout(AccountClaims c, String authUser, String allowedAccount) {
        return new AccountClaims(c.data(), c.imports(), c.exports(), c.limits(), c.signingKeys(), c.revocations(),
                c.defaultPermissions(), c.mappings(),
                new AccountClaims.ExternalAuthorization(List.of(authUser), List.of(allowedAccount), ""),
                c.trace(), c.clusterTraffic(), c.description(), c.infoUrl(), c.tags());
    }
}
