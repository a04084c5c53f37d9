package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.NOW;
import static io.natrix.server.auth.AuthFixtures.clock;
import static io.natrix.server.auth.AuthFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.auth.AccountClaims.Export;
import io.natrix.server.auth.AccountClaims.ExternalAuthorization;
import io.natrix.server.auth.AccountClaims.Import;
import io.natrix.server.auth.AccountClaims.MsgTrace;
import io.natrix.server.auth.AccountClaims.ServiceLatency;
import io.natrix.server.auth.AccountClaims.SigningKey;
import io.natrix.server.auth.AccountClaims.UserScope;
import io.natrix.server.auth.AccountClaims.WeightedMapping;
import io.natrix.server.auth.AccountLimits.JetStreamLimits;
import io.natrix.server.auth.AuthorizationRequestClaims.ClientInformation;
import io.natrix.server.auth.AuthorizationRequestClaims.ClientTls;
import io.natrix.server.auth.AuthorizationRequestClaims.ConnectOptions;
import io.natrix.server.auth.AuthorizationRequestClaims.ServerId;
import io.natrix.server.auth.JwtException.Reason;
import io.natrix.server.auth.JwtPermissions.Permission;
import io.natrix.server.auth.JwtPermissions.ResponsePermission;
import io.natrix.server.auth.UserPermissionLimits.TimeRange;
import io.nats.client.NKey;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issuing: every claim type survives encode then decode unchanged (but for what the issuer fills in); the output is
 * what Go's nats-io/jwt writes (field order, escaping, the {@code jti} hash); jnats verifies the signature and parses
 * the payload; claims a server would refuse are not issued.
 */
class JwtEncoderTest {
    private static final NKeyPair OPERATOR = key(NKeyType.OPERATOR, 200);
    private static final NKeyPair ACCOUNT = key(NKeyType.ACCOUNT, 201);
    private static final NKeyPair USER = key(NKeyType.USER, 202);
    private static final NKeyPair SERVER = key(NKeyType.SERVER, 203);

    static JwtClaims withData(JwtClaims claims, ClaimsData data) {
        return switch (claims) {
            case OperatorClaims o -> o.withData(data);
            case AccountClaims a -> a.withData(data);
            case UserClaims u -> u.withData(data);
            case ActivationClaims a -> new ActivationClaims(data, a.importSubject(), a.importType(), a.issuerAccount(),
                    a.tags());
            case AuthorizationRequestClaims r -> new AuthorizationRequestClaims(data, r.server(), r.userNkey(),
                    r.clientInformation(), r.connectOptions(), r.tls(), r.requestNonce(), r.tags());
            case AuthorizationResponseClaims r -> new AuthorizationResponseClaims(data, r.jwt(), r.error(),
                    r.issuerAccount(), r.tags());
        };
    }

    /** What decoding an issued token must give: the input with issuer, issue time and id filled in. */
    static JwtClaims issued(JwtClaims claims, NKeyPair signer, String id) {
        ClaimsData d = claims.data();
        return withData(claims, new ClaimsData(id, NOW.getEpochSecond(), signer.publicKey(), d.subject(), d.name(),
                d.audience(), d.expiresAtSeconds(), d.notBeforeSeconds()));
    }

    private static void assertRoundTrip(JwtClaims claims, NKeyPair signer) {
        String jwt = JwtEncoder.encode(claims, signer, clock());
        JwtClaims decoded = JwtDecoder.decode(jwt, clock());
        assertThat(decoded).isEqualTo(issued(claims, signer, decoded.data().id()));
        assertThat(decoded.data().id()).isEqualTo(JwtEncoder.id(decoded.data()));
    }

    private static UserPermissionLimits richLimits() {
        return new UserPermissionLimits(
                new JwtPermissions(new Permission(List.of("a.>", "b.*"), List.of("a.secret")),
                        new Permission(List.of("c.> q"), List.of(">")), new ResponsePermission(2, 1_000_000)),
                List.of("10.0.0.0/8", "fd00::/8"), List.of(new TimeRange("22:00:00", "06:00:00")), "America/New_York",
                5, 6, 7, true, true, List.of("STANDARD", "MQTT"));
    }

    @Test
    void jwtEncoderRoundTripsOperatorClaims() {
        OperatorClaims operator = new OperatorClaims(ClaimsData.of(OPERATOR.publicKey(), "op").withExpiresAtSeconds(
                NOW.getEpochSecond() + 10), List.of(key(NKeyType.OPERATOR, 204).publicKey()), "https://a.example/jwt/v1",
                List.of("nats://a:4222", "tls://b:4222"), ACCOUNT.publicKey(), "2.10.0", true, List.of("t1", "t2"));
        assertRoundTrip(operator, OPERATOR);
        assertRoundTrip(OperatorClaims.of(OPERATOR.publicKey(), ""), OPERATOR);
    }

    @Test
    void jwtEncoderRoundTripsAccountClaims() {
        NKeyPair plain = key(NKeyType.ACCOUNT, 205);
        NKeyPair scoped = key(NKeyType.ACCOUNT, 206);
        Map<String, SigningKey> signingKeys = new LinkedHashMap<>();
        signingKeys.put(plain.publicKey(), SigningKey.unscoped(plain.publicKey()));
        signingKeys.put(scoped.publicKey(), new SigningKey(scoped.publicKey(),
                new UserScope(scoped.publicKey(), "role", richLimits(), "desc")));
        AccountClaims account = new AccountClaims(ClaimsData.of(ACCOUNT.publicKey(), "acc").withNotBeforeSeconds(5),
                List.of(new Import("i", "feed.>", plain.publicKey(), "", "", "local.>", ExportType.STREAM, false, true),
                        new Import("", "svc", plain.publicKey(), "tok", "", "", ExportType.SERVICE, true, false)),
                List.of(new Export("e", "help.*", ExportType.SERVICE, true, Map.of(USER.publicKey(), 9L), "Chunked",
                        1_000, new ServiceLatency(50, "lat.results"), 2, true, true, "d", "https://x.example/i"),
                        Export.of("events.>", ExportType.STREAM)),
                new AccountLimits(1, 2, 3, 4, 5, true, true, 6, 7, JetStreamLimits.EMPTY,
                        Map.of("R1", new JetStreamLimits(1, 2, 3, 4, 5, 6, 7, true))),
                signingKeys, Map.of(USER.publicKey(), 100L, "*", 50L),
                new JwtPermissions(new Permission(List.of(), List.of("admin.>")), Permission.NONE, null),
                Map.of("x.y", List.of(new WeightedMapping("z.1", 30, ""), new WeightedMapping("z.2", 70, ""))),
                new ExternalAuthorization(List.of(USER.publicKey()), List.of("*"), ""), new MsgTrace("trace.dest", 20),
                "owner", "an account", "https://info.example", List.of("k:v"));
        assertRoundTrip(account, OPERATOR);
        assertRoundTrip(AccountClaims.of(ACCOUNT.publicKey(), "plain"), OPERATOR);
        // Headers sampling (0) and an untiered JetStream limit.
        AccountClaims headers = AccountClaims.of(ACCOUNT.publicKey(), "h")
                .withExports(List.of(new Export("", "s", ExportType.SERVICE, false, Map.of(), "", 0,
                        new ServiceLatency(0, "r"), 0, false, false, "", "")))
                .withLimits(AccountLimits.UNLIMITED.withJetStream(new JetStreamLimits(-1, -1, 10, 20, 0, 0, 0, false)));
        assertRoundTrip(headers, OPERATOR);
        // Self-signed accounts are valid JWTs too (trust is a separate question).
        assertRoundTrip(AccountClaims.of(ACCOUNT.publicKey(), "self"), ACCOUNT);
    }

    @Test
    void jwtEncoderRoundTripsUserClaims() {
        UserClaims user = new UserClaims(ClaimsData.of(USER.publicKey(), "alice").withAudience("aud"), richLimits(),
                ACCOUNT.publicKey(), List.of("team:blue", "role:dev"));
        assertRoundTrip(user, key(NKeyType.ACCOUNT, 207));
        assertRoundTrip(UserClaims.of(USER.publicKey(), "bob"), ACCOUNT);
        assertRoundTrip(new UserClaims(ClaimsData.of(USER.publicKey(), ""), UserPermissionLimits.EMPTY, "",
                List.of()), ACCOUNT);
    }

    @Test
    void jwtEncoderRoundTripsActivationAndAuthorizationClaims() {
        assertRoundTrip(new ActivationClaims(ClaimsData.of(key(NKeyType.ACCOUNT, 208).publicKey(), "act"), "feed.>",
                ExportType.STREAM, ACCOUNT.publicKey(), List.of("x")), key(NKeyType.ACCOUNT, 209));
        AuthorizationRequestClaims request = new AuthorizationRequestClaims(ClaimsData.of(USER.publicKey(), "req"),
                new ServerId("s", "h", SERVER.publicKey(), "2.11.0", "c", List.of("t"), ""), USER.publicKey(),
                new ClientInformation("1.2.3.4", 12, "u", "n", List.of("a"), "nt", "Client", "nats", "", "nonce"),
                new ConnectOptions("jwt", "nkey", "sig", "tok", "u", "p", "n", "java", "2.24.1", 1),
                new ClientTls("1.3", "TLS_AES_128_GCM_SHA256", List.of("pem"), List.of(List.of("a", "b"), List.of())),
                "rn", List.of());
        assertRoundTrip(request, SERVER);
        AuthorizationResponseClaims response = new AuthorizationResponseClaims(
                ClaimsData.of(USER.publicKey(), "").withAudience(SERVER.publicKey()), "user.jwt", "",
                ACCOUNT.publicKey(), List.of());
        assertRoundTrip(response, ACCOUNT);
    }

    @Test
    void jwtEncoderIdIsTheGoHashOfTheRegisteredClaims() throws Exception {
        String name = "a<b>&c\u2028d\u2029e\nf\u0001g\u00e9\"h\\\b\f\t\r\u007f\ud83d\ude00";
        UserClaims user = UserClaims.of(USER.publicKey(), name);
        String jwt = JwtEncoder.encode(user.withData(user.data().withExpiresAtSeconds(2_000_000_000L)), ACCOUNT,
                clock());
        JwtClaims decoded = JwtDecoder.decode(jwt, clock());
        assertThat(decoded.data().name()).isEqualTo(name);
        // nats-io/jwt: base32(SHA-512/256(json.Marshal(ClaimsData with jti empty))), fields in struct order, omitempty,
        // with Go's HTML-safe escaping.
        String goJson = "{\"exp\":2000000000,\"iat\":" + NOW.getEpochSecond() + ",\"iss\":\"" + ACCOUNT.publicKey()
                + "\",\"name\":\"a\\u003cb\\u003e\\u0026c\\u2028d\\u2029e\\nf\\u0001g\u00e9\\\"h\\\\\\b\\f\\t\\r"
                + "\u007f\ud83d\ude00\",\"sub\":\"" + USER.publicKey() + "\"}";
        byte[] hash = MessageDigest.getInstance("SHA-512/256").digest(goJson.getBytes(StandardCharsets.UTF_8));
        assertThat(decoded.data().id()).isEqualTo(NKeys.base32(hash)).hasSize(52);
        assertThat(ClaimsWriter.claimsData(new ClaimsData("", decoded.data().issuedAtSeconds(),
                decoded.data().issuer(), decoded.data().subject(), name, "", 2_000_000_000L, 0))).isEqualTo(goJson);
    }

    @Test
    void jwtEncoderWritesTheJsonGoWrites() {
        String jwt = JwtEncoder.encode(UserClaims.of(USER.publicKey(), "one"), ACCOUNT, clock());
        String[] parts = jwt.split("\\.");
        assertThat(JwtTokens.unb64(parts[0])).isEqualTo("{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}");
        String id = JwtDecoder.decode(jwt, clock()).data().id();
        assertThat(JwtTokens.unb64(parts[1])).isEqualTo("{\"jti\":\"" + id + "\",\"iat\":" + NOW.getEpochSecond()
                + ",\"iss\":\"" + ACCOUNT.publicKey() + "\",\"name\":\"one\",\"sub\":\"" + USER.publicKey()
                + "\",\"nats\":{\"pub\":{},\"sub\":{},\"subs\":-1,\"data\":-1,\"payload\":-1,\"type\":\"user\","
                + "\"version\":2}}");
        String account = JwtEncoder.encode(AccountClaims.of(ACCOUNT.publicKey(), "acc"), OPERATOR, clock());
        assertThat(JwtTokens.unb64(account.split("\\.")[1])).endsWith(",\"name\":\"acc\",\"sub\":\""
                + ACCOUNT.publicKey() + "\",\"nats\":{\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1,"
                + "\"imports\":-1,\"exports\":-1,\"wildcards\":true,\"conn\":-1,\"leaf\":-1},"
                + "\"default_permissions\":{\"pub\":{},\"sub\":{}},\"authorization\":{},\"type\":\"account\","
                + "\"version\":2}}");
    }

    @Test
    void jwtEncoderOutputVerifiesAndParsesInJnats() throws Exception {
        String jwt = JwtEncoder.encode(new UserClaims(ClaimsData.of(USER.publicKey(), "x"), richLimits(),
                ACCOUNT.publicKey(), List.of("t")), key(NKeyType.ACCOUNT, 210), clock());
        int lastDot = jwt.lastIndexOf('.');
        byte[] signature = java.util.Base64.getUrlDecoder().decode(jwt.substring(lastDot + 1));
        JsonValue payload = JsonParser.parse(JwtTokens.unb64(jwt.split("\\.")[1]));
        String issuer = payload.map.get("iss").string;
        assertThat(NKey.fromPublicKey(issuer.toCharArray())
                .verify(jwt.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII), signature)).isTrue();
        assertThat(payload.map.get("nats").map.get("type").string).isEqualTo("user");
        assertThat(payload.map.get("nats").map.get("pub").map.get("allow").array).hasSize(2);
    }

    @Test
    void jwtEncoderRefusesClaimsAServerWouldRefuse() {
        UserClaims user = UserClaims.of(USER.publicKey(), "u");
        assertThatThrownBy(() -> JwtEncoder.encode(user, OPERATOR, clock()))
                .isInstanceOfSatisfying(JwtException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_ISSUER));
        assertThatThrownBy(() -> JwtEncoder.encode(user, USER, clock()))
                .isInstanceOfSatisfying(JwtException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_ISSUER));
        assertThatThrownBy(() -> JwtEncoder.encode(UserClaims.of(ACCOUNT.publicKey(), "u"), ACCOUNT, clock()))
                .isInstanceOfSatisfying(JwtException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SUBJECT));
        assertThatThrownBy(() -> JwtEncoder.encode(UserClaims.of("", "u"), ACCOUNT, clock()))
                .isInstanceOfSatisfying(JwtException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SUBJECT));
        UserClaims badPermission = user.withLimits(UserPermissionLimits.UNLIMITED.withPermissions(
                new JwtPermissions(new Permission(List.of("a b"), List.of()), Permission.NONE, null)));
        assertThatThrownBy(() -> JwtEncoder.encode(badPermission, ACCOUNT, clock()))
                .isInstanceOfSatisfying(JwtException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_CLAIMS));
        AccountClaims badSigningKey = AccountClaims.of(ACCOUNT.publicKey(), "a")
                .withSigningKeys(Map.of(USER.publicKey(), SigningKey.unscoped(USER.publicKey())));
        assertThatThrownBy(() -> JwtEncoder.encode(badSigningKey, OPERATOR, clock()))
                .isInstanceOfSatisfying(JwtException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_CLAIMS));
    }

    @Test
    void jwtEncoderIgnoresIssuerTimeAndIdOfTheInput() {
        UserClaims forged = UserClaims.of(USER.publicKey(), "u").withData(
                new ClaimsData("FORGED", 1, OPERATOR.publicKey(), USER.publicKey(), "u", "", 0, 0));
        JwtClaims decoded = JwtDecoder.decode(JwtEncoder.encode(forged, ACCOUNT, clock()), clock());
        assertThat(decoded.data().issuer()).isEqualTo(ACCOUNT.publicKey());
        assertThat(decoded.data().issuedAtSeconds()).isEqualTo(NOW.getEpochSecond());
        assertThat(decoded.data().id()).isNotEqualTo("FORGED");
    }
}
