package io.natrix.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.natrix.server.auth.AuthorizationRequestClaims;
import io.natrix.server.auth.AuthorizationResponseClaims;
import io.natrix.server.auth.ClaimsData;
import io.natrix.server.auth.JwtDecoder;
import io.natrix.server.auth.JwtEncoder;
import io.natrix.server.auth.NKeyPair;
import io.natrix.server.auth.NKeyType;
import io.natrix.server.auth.UserClaims;
import io.natrix.server.auth.XKeyPair;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auth callout in configuration mode, end to end: a callout service written with jnats answers the server's
 * authorization requests; clients are placed in the account its user JWTs name, or refused.
 */
class AuthCalloutEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final NKeyPair issuer = NKeyPair.create(NKeyType.ACCOUNT);

    /**
     * A server whose callout may take 10 s: the whole handshake, callout included, must finish within the auth
     * timeout, and the callout signs and checks JWTs, which on a busy machine (first use of Ed25519 in the JVM) can
     * take longer than the 2 s default.
     */
    private TestServer server(String xkey) throws Exception {
        return server(xkey, 10);
    }

    private TestServer server(String xkey, int authTimeoutSeconds) throws Exception {
        String config = """
                accounts {
                  AUTH { users = [ { user: auth, password: auth } ] }
                  APP {}
                }
                authorization {
                  timeout: %d
                  auth_callout {
                    issuer: %s
                    auth_users: [ auth ]
                    account: AUTH
                    %s
                  }
                }
                """.formatted(authTimeoutSeconds, issuer.publicKey(), xkey == null ? "" : "xkey: " + xkey);
        Path file = dir.resolve("server.conf");
        Files.writeString(file, config);
        return TestServer.fromConfig(file);
    }

    private static Connection connect(TestServer server, String user, String password) throws Exception {
        return Nats.connect(new Options.Builder().server(server.url()).userInfo(user, password).maxReconnects(0)
                .connectionTimeout(TIMEOUT).build());
    }

    /**
     * A callout service: decides from the request (user/password in the CONNECT) and answers with a user JWT for
     * account {@code APP}, or with an error.
     */
    private Dispatcher service(Connection auth, XKeyPair serviceXKey,
                               Function<AuthorizationRequestClaims, String> decide) {
        Dispatcher d = auth.createDispatcher(m -> {
            byte[] data = m.getData();
            String serverXKey = m.getHeaders() == null ? null : m.getHeaders().getFirst("Nats-Server-Xkey");
            if (serviceXKey != null) {
                data = serviceXKey.open(data, serverXKey);
            }
            AuthorizationRequestClaims request = JwtDecoder.decode(new String(data, StandardCharsets.UTF_8),
                    AuthorizationRequestClaims.class, Clock.systemUTC());
            String error = decide.apply(request);
            String userJwt = "";
            if (error == null) {
                UserClaims user = new UserClaims(new ClaimsData("", 0, "", request.userNkey(),
                        request.connectOptions().user(), "APP", 0, 0),
                        io.natrix.server.auth.UserPermissionLimits.UNLIMITED, "", List.of());
                userJwt = JwtEncoder.encode(user, issuer);
            }
            AuthorizationResponseClaims response = new AuthorizationResponseClaims(new ClaimsData("", 0, "",
                    request.userNkey(), "", request.server().id(), 0, 0), userJwt, error == null ? "" : error, "",
                    List.of());
            byte[] answer = JwtEncoder.encode(response, issuer).getBytes(StandardCharsets.UTF_8);
            if (serviceXKey != null) {
                answer = serviceXKey.seal(answer, serverXKey);
            }
            auth.publish(m.getReplyTo(), answer);
        });
        d.subscribe("$SYS.REQ.USER.AUTH");
        return d;
    }

    @Test
    void theServicePlacesTheClientInTheAccountItNames() throws Exception {
        try (TestServer server = server(null);
             Connection auth = connect(server, "auth", "auth")) {
            service(auth, null, r -> r.connectOptions().pass().equals("secret") ? null : "bad password");
            auth.flush(TIMEOUT);
            try (Connection bob = connect(server, "bob", "secret");
                 Connection carol = connect(server, "carol", "secret")) {
                Subscription sub = carol.subscribe("greetings");
                carol.flush(TIMEOUT);
                bob.publish("greetings", "hi".getBytes());
                Message m = sub.nextMessage(TIMEOUT);
                assertThat(new String(m.getData())).isEqualTo("hi");
                assertThat(server.server().connections())
                        .filteredOn(c -> "bob".equals(c.user()))
                        .singleElement()
                        .satisfies(c -> assertThat(c.account().name()).isEqualTo("APP"));
            }
        }
    }

    @Test
    void anErrorFromTheServiceRefusesTheClient() throws Exception {
        try (TestServer server = server(null);
             Connection auth = connect(server, "auth", "auth")) {
            service(auth, null, r -> "not today");
            auth.flush(TIMEOUT);
            assertThatThrownBy(() -> connect(server, "bob", "secret"))
                    .hasMessageContaining("Authorization Violation");
        }
    }

    @Test
    void noServiceMeansNoEntry() throws Exception {
        try (TestServer server = server(null)) {
            assertThatThrownBy(() -> connect(server, "bob", "secret"))
                    .hasMessageContaining("Authorization Violation");
        }
    }

    @Test
    void aServiceThatNeverAnswersTimesOut() throws Exception {
        try (TestServer server = server(null, 2);
             Connection auth = connect(server, "auth", "auth")) {
            auth.subscribe("$SYS.REQ.USER.AUTH"); // takes the request, never answers
            auth.flush(TIMEOUT);
            // The client is refused once the auth timeout passes (Authentication Timeout or Authorization Violation).
            assertThatThrownBy(() -> connect(server, "bob", "secret")).isNotNull();
            // The client may see its socket closed before the server has let go of the connection.
            await().atMost(TIMEOUT).untilAsserted(() -> assertThat(server.server().connections())
                    .allSatisfy(c -> assertThat(c.user()).isEqualTo("auth")));
        }
    }

    @Test
    void sealedRequestsAndAnswersWithXKeys() throws Exception {
        XKeyPair serviceXKey = XKeyPair.create();
        try (TestServer server = server(serviceXKey.publicKey());
             Connection auth = connect(server, "auth", "auth")) {
            service(auth, serviceXKey, r -> null);
            auth.flush(TIMEOUT);
            try (Connection bob = connect(server, "bob", "whatever")) {
                bob.flush(TIMEOUT);
                assertThat(bob.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            }
        }
    }

    @Test
    void theAuthUserItselfAuthenticatesNormally() throws Exception {
        try (TestServer server = server(null)) {
            assertThatThrownBy(() -> connect(server, "auth", "wrong"))
                    .hasMessageContaining("Authorization Violation");
            try (Connection auth = connect(server, "auth", "auth")) {
                assertThat(auth.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            }
        }
    }
}
