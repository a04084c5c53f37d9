package io.natrix.server.auth;

import static io.natrix.server.auth.OperatorFixtures.ACCOUNT;
import static io.natrix.server.auth.OperatorFixtures.OPERATOR;
import static io.natrix.server.auth.OperatorFixtures.SYSTEM;
import static io.natrix.server.auth.OperatorFixtures.USER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.NatsServer;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitoring in JWT operator mode: /varz shows the trusted operators, /accountz an account's JWT and its decoded
 * claims, /connz?auth=1 a user's JWT, issuer and name; no seed ever appears. (In this package for the fixtures.)
 */
class MonitorOperatorModeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newHttpClient();

    private String get(NatsServer server, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.httpPort() + path)).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    @Test
    void monitorShowsJwtsAndTheirClaimsButNoSeeds(@TempDir Path dir) throws Exception {
        String operatorJwt = OperatorFixtures.operatorJwt();
        String accountJwt = OperatorFixtures.accountJwt(ACCOUNT);
        String systemJwt = OperatorFixtures.accountJwt(SYSTEM);
        String userJwt = OperatorFixtures.userJwt(UserClaims.of(USER.publicKey(), "alice"), ACCOUNT);
        Path conf = dir.resolve("operator.conf");
        Files.writeString(conf, "operator: \"" + operatorJwt + "\"\nresolver: MEMORY\nresolver_preload: {\n  "
                + ACCOUNT.publicKey() + ": \"" + accountJwt + "\"\n  " + SYSTEM.publicKey() + ": \"" + systemJwt
                + "\"\n}\n");
        ServerOptions.Builder b = ConfigLoader.load(conf);
        b.host = "127.0.0.1";
        b.port = ServerOptions.RANDOM_PORT;
        b.httpHost = "127.0.0.1";
        b.httpPort = ServerOptions.RANDOM_PORT;
        try (NatsServer server = new NatsServer(b.build())) {
            server.start();
            try (Connection nc = Nats.connect(new Options.Builder().server("nats://127.0.0.1:" + server.port())
                    .authHandler(Nats.staticCredentials(userJwt.toCharArray(), USER.seed().toCharArray()))
                    .connectionTimeout(TIMEOUT).errorListener(new ErrorListener() { }).build())) {
                nc.subscribe("watched");
                nc.flush(TIMEOUT);

                JsonNode varz = JSON.readTree(get(server, "/varz"));
                assertThat(varz.get("trusted_operators_jwt").get(0).asText()).isEqualTo(operatorJwt);
                assertThat(varz.get("trusted_operators_claim").get(0).get("sub").asText())
                        .isEqualTo(OPERATOR.publicKey());
                assertThat(varz.get("system_account").asText()).isEqualTo(SYSTEM.publicKey());
                assertThat(varz.get("auth_required").asBoolean()).isTrue();

                JsonNode detail = JSON.readTree(get(server, "/accountz?acc=" + ACCOUNT.publicKey()))
                        .get("account_detail");
                assertThat(detail.get("jwt").asText()).isEqualTo(accountJwt);
                assertThat(detail.get("issuer_key").asText()).isEqualTo(OPERATOR.publicKey());
                assertThat(detail.get("decoded_jwt").get("sub").asText()).isEqualTo(ACCOUNT.publicKey());
                assertThat(detail.get("client_connections").asInt()).isEqualTo(1);
                // The client's, and the account's $SYS.REQ.USER.INFO responder: nats-server too counts the
                // subscriptions that serve an account's system requests.
                assertThat(detail.get("subscriptions").asInt()).isEqualTo(2);

                JsonNode conn = JSON.readTree(get(server, "/connz?auth=1")).get("connections").get(0);
                assertThat(conn.get("jwt").asText()).isEqualTo(userJwt);
                assertThat(conn.get("issuer_key").asText()).isEqualTo(ACCOUNT.publicKey());
                assertThat(conn.get("name_tag").asText()).isEqualTo("alice");
                assertThat(conn.get("authorized_user").asText()).isEqualTo(USER.publicKey());
                assertThat(conn.get("account").asText()).isEqualTo(ACCOUNT.publicKey());
                assertThat(JSON.readTree(get(server, "/connz")).get("connections").get(0).has("jwt"))
                        .as("JWT fields only with auth=1").isFalse();

                // A bearer JWT is a credential on its own: its user is named, the JWT is not shown.
                UserClaims bearerClaims = UserClaims.of(OperatorFixtures.USER_2.publicKey(), "bob");
                bearerClaims = bearerClaims.withLimits(bearerClaims.limits().withBearerToken(true));
                String bearerJwt = OperatorFixtures.userJwt(bearerClaims, ACCOUNT);
                try (Connection bearer = Nats.connect(new Options.Builder()
                        .server("nats://127.0.0.1:" + server.port())
                        .authHandler(Nats.staticCredentials(bearerJwt.toCharArray(),
                                OperatorFixtures.USER_2.seed().toCharArray()))
                        .connectionTimeout(TIMEOUT).errorListener(new ErrorListener() { }).build())) {
                    bearer.flush(TIMEOUT);
                    String connz = get(server, "/connz?auth=1");
                    assertThat(connz).contains("\"name_tag\": \"bob\"").doesNotContain(bearerJwt);
                }
                assertThat(get(server, "/connz?auth=1&state=closed")).doesNotContain(bearerJwt);

                for (String path : List.of("/varz", "/connz?auth=1&subs=detail&state=any", "/accountz",
                        "/accountz?acc=" + ACCOUNT.publicKey(), "/accountz?acc=" + SYSTEM.publicKey(),
                        "/accstatz?unused=1", "/subsz?subs=1", "/metrics")) {
                    String body = get(server, path);
                    for (NKeyPair key : List.of(USER, ACCOUNT, SYSTEM, OPERATOR)) {
                        assertThat(body).as(path).doesNotContain(key.seed());
                    }
                }
            }
        }
    }
}
