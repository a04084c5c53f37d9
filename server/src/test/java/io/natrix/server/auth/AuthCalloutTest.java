package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.NOW;
import static io.natrix.server.auth.AuthFixtures.clockAt;
import static io.natrix.server.auth.AuthFixtures.key;
import static io.natrix.server.auth.AuthFixtures.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.auth.AccountClaims.ExternalAuthorization;
import io.natrix.server.auth.AccountClaims.SigningKey;
import io.natrix.server.auth.AccountClaims.UserScope;
import io.natrix.server.auth.AuthCallout.Accounts;
import io.natrix.server.auth.AuthCallout.Authorized;
import io.natrix.server.auth.AuthCallout.ClientDetails;
import io.natrix.server.auth.AuthCallout.Refusal;
import io.natrix.server.auth.AuthCallout.Request;
import io.natrix.server.auth.AuthCallout.Result;
import io.natrix.server.auth.AuthCallout.ServerIdentity;
import io.natrix.server.auth.AuthorizationRequestClaims.ClientTls;
import io.natrix.server.auth.AuthorizationRequestClaims.ConnectOptions;
import io.natrix.server.auth.JwtPermissions.Permission;
import io.natrix.server.auth.UserPermissionLimits.TimeRange;
import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ConfigParser;
import io.natrix.server.config.ServerOptions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Auth callout settings, requests and reply checks against nats-server's {@code parseAuthCallout} (opts.go) and
 * {@code processClientOrLeafCallout} (auth_callout.go): the configuration keys and their error texts, the request JWT
 * field by field, and every refusal of a reply with the text nats-server logs. The service side is played here with
 * {@link JwtEncoder} and {@link XKeyPair}.
 */
class AuthCalloutTest {
    static final NKeyPair ISSUER = key(NKeyType.ACCOUNT, 600);
    static final NKeyPair STRANGER = key(NKeyType.ACCOUNT, 601);
    static final NKeyPair SERVER = key(NKeyType.SERVER, 602);
    static final NKeyPair OTHER_SERVER = key(NKeyType.SERVER, 603);
    static final XKeyPair SERVER_XKEY = XKeyPair.create(random(604));
    static final XKeyPair SERVICE_XKEY = XKeyPair.create(random(605));
    static final XKeyPair STRANGER_XKEY = XKeyPair.create(random(606));
    static final ServerIdentity IDENTITY = new ServerIdentity("natrix-1", "0.0.0.0", "2.12.0", "east",
            List.of("region:eu"), SERVER, SERVER_XKEY);
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static final ConnectOptions CONNECT = new ConnectOptions("", "", "", "", "dlc", "zzz", "app", "java", "2.24.1", 1);
    static final ClientDetails CLIENT = ClientDetails.client("10.0.0.7", 42, "nonce-abc");
    static final JwtPermissions APP_PERMISSIONS = new JwtPermissions(new Permission(List.of("app.>"), List.of()),
            new Permission(List.of("_INBOX.>"), List.of()), null);
    static final PermissionsPolicy APP_DEFAULTS = JwtAuthenticator.policy(new JwtPermissions(
            new Permission(List.of("defaults.>"), List.of()), Permission.NONE, null));
    static final Accounts ACCOUNTS = Accounts.config(Set.of("AUTH", "APP"), Map.of("APP", APP_DEFAULTS));

    static AuthCallout plain() {
        return AuthCallout.of(ISSUER.publicKey(), "AUTH", List.of("auth"), null, List.of());
    }

    static AuthCallout sealed() {
        return AuthCallout.of(ISSUER.publicKey(), "AUTH", List.of("auth"), SERVICE_XKEY.publicKey(), List.of());
    }

    static Request request(AuthCallout callout) {
        return callout.request(IDENTITY, CLIENT, CONNECT, null, TIMEOUT, NOW);
    }

    // ---- the service's side ----

    /** A user JWT for {@code userNkey} placed in {@code account}, signed by {@code signer}, then edited. */
    static String userJwt(String userNkey, String account, NKeyPair signer, UnaryOperator<UserClaims> edit) {
        UserClaims user = UserClaims.of(userNkey, "alice");
        user = user.withData(user.data().withAudience(account).withExpiresAtSeconds(NOW.getEpochSecond() + 3600))
                .withLimits(UserPermissionLimits.UNLIMITED.withPermissions(APP_PERMISSIONS));
        return JwtEncoder.encode(edit.apply(user), signer, clockAt(NOW.minusSeconds(1)));
    }

    static String userJwt(Request request) {
        return userJwt(request.userNkey(), "APP", ISSUER, u -> u);
    }

    /** An authorization response JWT: {@code jwt} or {@code error}, signed by {@code signer}. */
    static String responseJwt(String subject, String audience, String jwt, String error, String issuerAccount,
                              NKeyPair signer, long expires) {
        ClaimsData data = new ClaimsData("", 0, "", subject, "", audience, expires, 0);
        return JwtEncoder.encode(new AuthorizationResponseClaims(data, jwt, error, issuerAccount, List.of()), signer,
                clockAt(NOW.minusSeconds(1)));
    }

    static byte[] reply(Request request, String userJwt) {
        return bytes(responseJwt(request.userNkey(), request.serverId(), userJwt, "", "", ISSUER, 0));
    }

    /** What a service does with xkeys: seals its reply with its own xkey for the key in the request header. */
    static byte[] sealedReply(Request request, XKeyPair serviceKey, String responseJwt) {
        return serviceKey.seal(bytes(responseJwt), request.headers().get(AuthCallout.XKEY_HEADER));
    }

    static Result verify(AuthCallout callout, Request request, byte[] payload) {
        return callout.verify(payload, request, ACCOUNTS, NOW);
    }

    static void assertRefused(Result result, Refusal refusal, String message) {
        assertThat(result.ok()).as(result.message()).isFalse();
        assertThat(result.refusal()).isEqualTo(refusal);
        assertThat(result.message()).isEqualTo(message);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String q(String text) {
        return "\"" + text + "\"";
    }

    @Nested
    class Configuration {
        static Optional<AuthCallout> read(String text) {
            ServerOptions.Builder builder = ServerOptions.builder();
            ConfigLoader.apply(ConfigParser.parse(text), builder);
            return AuthCallout.read(builder.build());
        }

        static ConfigException error(String text) {
            try {
                read(text);
            } catch (ConfigException e) {
                return e;
            }
            throw new AssertionError("expected a ConfigException for: " + text);
        }

        @Test
        void calloutReadsEveryKey() {
            AuthCallout callout = read("""
                    accounts { AUTH { users: [ { user: auth, password: pwd } ] }, APP {}, OTHER {} }
                    authorization {
                      auth_callout {
                        issuer: %s
                        auth_users: [ auth, other ]
                        account: AUTH
                        xkey: %s
                        allowed_accounts: [ APP, OTHER ]
                      }
                    }
                    """.formatted(ISSUER.publicKey(), SERVICE_XKEY.publicKey())).orElseThrow();
            assertThat(callout.mode()).isEqualTo(AuthCallout.Mode.CONFIG);
            assertThat(callout.issuer()).isEqualTo(ISSUER.publicKey());
            assertThat(callout.authUsers()).containsExactly("auth", "other");
            assertThat(callout.account()).isEqualTo("AUTH");
            assertThat(callout.xkey()).isEqualTo(SERVICE_XKEY.publicKey());
            assertThat(callout.allowedAccounts()).containsExactly("APP", "OTHER");
            assertThat(callout.accountClaims()).isNull();
        }

        @Test
        void calloutAcceptsNatsServerAliasesAndDefaultsToGlobalAccount() {
            AuthCallout callout = read("""
                    authorization {
                      users: [ { user: auth, password: pwd } ]
                      AUTH_HOOK { ISSUER: %s, Users: [ auth ], Key: %s }
                    }
                    """.formatted(ISSUER.publicKey(), SERVICE_XKEY.publicKey())).orElseThrow();
            assertThat(callout.account()).isEqualTo("$G");
            assertThat(callout.authUsers()).containsExactly("auth");
            assertThat(callout.xkey()).isEqualTo(SERVICE_XKEY.publicKey());
            assertThat(read("authorization { auth_callout { issuer: %s, users: [a], acc: AUTH } }"
                    .formatted(ISSUER.publicKey())).orElseThrow().account()).isEqualTo("AUTH");
        }

        @Test
        void calloutAbsentIsEmpty() {
            assertThat(read("port: 4222")).isEmpty();
            assertThat(read("authorization { user: a, password: b }")).isEmpty();
        }

        @Test
        void calloutRefusesBadValuesWithNatsServerTexts() {
            assertThat(error("authorization { auth_callout: true }").getMessage())
                    .endsWith("authorization.auth_callout: Expected authorization callout to be a map/struct, got true");
            assertThat(error("authorization { auth_callout { issuer: ABC, auth_users: [a] } }").getMessage())
                    .endsWith("authorization.auth_callout.issuer: Expected callout user to be a valid public account "
                            + "nkey, got \"ABC\"");
            assertThat(error("authorization { auth_callout { issuer: %s, auth_users: [a] } }"
                    .formatted(SERVER.publicKey())).getMessage())
                    .contains("Expected callout user to be a valid public account nkey, got \""
                            + SERVER.publicKey() + "\"");
            assertThat(error("authorization { auth_callout { issuer: %s, auth_users: [a], xkey: %s } }"
                    .formatted(ISSUER.publicKey(), ISSUER.publicKey())).getMessage())
                    .endsWith("authorization.auth_callout.xkey: Expected callout xkey to be a valid public xkey, got \""
                            + ISSUER.publicKey() + "\"");
            assertThat(error("authorization { auth_callout { issuer: %s, auth_users: a } }"
                    .formatted(ISSUER.publicKey())).getMessage())
                    .endsWith("authorization.auth_callout.auth_users: Expected auth_users field to be an array, got "
                            + "string");
            assertThat(error("authorization { auth_callout { issuer: %s, auth_users: [a], allowed_accounts: A } }"
                    .formatted(ISSUER.publicKey())).getMessage())
                    .endsWith("Expected allowed accounts field to be an array, got string");
            assertThat(error("authorization { auth_callout { issuer: %s, auth_users: [a], colour: blue } }"
                    .formatted(ISSUER.publicKey())).getMessage())
                    .endsWith("authorization.auth_callout.colour: Unknown field \"colour\" parsing authorization "
                            + "callout");
            assertThat(error("authorization { auth_callout { issuer: 5, auth_users: [a] } }").getMessage())
                    .endsWith("authorization.auth_callout.issuer: expected a string, got integer 5");
            assertThat(error("authorization { auth_callout { issuer: %s, auth_users: [a, 7] } }"
                    .formatted(ISSUER.publicKey())).getMessage())
                    .endsWith("authorization.auth_callout.auth_users[1]: expected a string, got integer 7");
        }

        @Test
        void calloutRequiresIssuerAndAuthUsers() {
            assertThat(error("authorization { auth_callout { auth_users: [a] } }").getMessage())
                    .endsWith("authorization.auth_callout: Authorization callouts require an issuer to be specified");
            assertThat(error("authorization { auth_callout { issuer: %s } }".formatted(ISSUER.publicKey()))
                    .getMessage())
                    .endsWith("authorization.auth_callout: Authorization callouts require authorized users to be "
                            + "specified");
            assertThat(error("authorization { auth_callout { issuer: %s, auth_users: [] } }"
                    .formatted(ISSUER.publicKey())).getMessage())
                    .endsWith("Authorization callouts require authorized users to be specified");
        }

        @Test
        void calloutAllowedAccountsMustBeConfigured() {
            ConfigException e = error("""
                    accounts { APP {} }
                    authorization { auth_callout { issuer: %s, auth_users: [a], allowed_accounts: [APP, NOPE, "$G"] } }
                    """.formatted(ISSUER.publicKey()));
            assertThat(e.getMessage()).endsWith("authorization.auth_callout.allowed_accounts: auth_callout allowed "
                    + "account \"NOPE\" not found in configured accounts");
            assertThat(e.getSuppressed()).singleElement().extracting(Throwable::getMessage).asString()
                    .endsWith("auth_callout allowed account \"$G\" not found in configured accounts");
            assertThat(read("""
                    accounts: [ APP, B ]
                    authorization { auth_callout { issuer: %s, auth_users: [a], allowed_accounts: [B] } }
                    """.formatted(ISSUER.publicKey())).orElseThrow().allowedAccounts()).containsExactly("B");
        }

        @Test
        void calloutReportsEveryProblemAndItsPlace() {
            ConfigException e = error("""
                    authorization {
                      auth_callout {
                        issuer: nope
                        xkey: nope
                        colour: blue
                      }
                    }
                    """);
            assertThat(e.position().line()).isEqualTo(3);
            assertThat(e.getSuppressed()).hasSize(2);
        }

        @Test
        void calloutOfChecksAsTheConfigurationDoes() {
            assertThatThrownBy(() -> AuthCallout.of("", "A", List.of("a"), "", List.of()))
                    .hasMessage("Authorization callouts require an issuer to be specified");
            assertThatThrownBy(() -> AuthCallout.of(ISSUER.publicKey(), "A", List.of(), "", List.of()))
                    .hasMessage("Authorization callouts require authorized users to be specified");
            assertThatThrownBy(() -> AuthCallout.of(ISSUER.publicKey(), "A", List.of("a"), "X1", List.of()))
                    .hasMessage("Expected callout xkey to be a valid public xkey, got \"X1\"");
            assertThat(AuthCallout.of(ISSUER.publicKey(), null, List.of("a"), null, null).account()).isEqualTo("$G");
        }

        @Test
        void calloutStartupErrorsNameMissingAccountAndUsers() {
            AuthCallout callout = AuthCallout.of(ISSUER.publicKey(), "AUTH", List.of("auth", "ghost"), "", List.of());
            assertThat(callout.startupErrors(Set.of("AUTH"), Set.of("auth")))
                    .containsExactly("Authorization callout user \"ghost\" not valid: <nil>");
            assertThat(callout.startupErrors(Set.of(), Set.of("auth"))).containsExactly(
                    "Authorization callout account \"AUTH\" not valid",
                    "Authorization callout user \"ghost\" not valid: account missing");
            assertThat(plain().startupErrors(Set.of("AUTH"), Set.of("auth"))).isEmpty();
        }
    }

    @Nested
    class Delegation {
        @Test
        void calloutSkipsAuthUsersOnly() {
            AuthCallout callout = plain();
            assertThat(callout.isAuthUser("auth")).isTrue();
            assertThat(callout.isAuthUser("dlc")).isFalse();
            assertThat(callout.isAuthUser(null)).isFalse();
        }

        @Test
        void calloutDelegatesGlobalAlwaysAndOthersWhenAllowed() {
            AuthCallout all = plain();
            assertThat(all.delegates("$G")).isTrue();
            assertThat(all.delegates("APP")).isTrue();
            AuthCallout some = AuthCallout.of(ISSUER.publicKey(), "AUTH", List.of("auth"), "", List.of("APP"));
            assertThat(some.delegates("$G")).isTrue();
            assertThat(some.delegates("APP")).isTrue();
            assertThat(some.delegates("OTHER")).isFalse();
            assertThat(some.deniesCalloutSubject("AUTH")).isTrue();
            assertThat(some.deniesCalloutSubject("APP")).isFalse();
        }

        @Test
        void calloutRawAuthUserFollowsNatsServerPrecedence() {
            ConnectOptions none = new ConnectOptions("", "", "", "", "", "", "", "", "", 0);
            assertThat(AuthCallout.rawAuthUser(none, "")).isEmpty();
            assertThat(AuthCallout.rawAuthUser(new ConnectOptions("", "", "", "secret", "", "", "", "", "", 1), ""))
                    .isEqualTo("[REDACTED]");
            assertThat(AuthCallout.rawAuthUser(new ConnectOptions("eyJx", "", "", "secret", "", "", "", "", "", 1),
                    "UKEY")).isEqualTo("UKEY");
            assertThat(AuthCallout.rawAuthUser(new ConnectOptions("eyJx", "", "", "", "bob", "", "", "", "", 1),
                    "UKEY")).isEqualTo("bob");
            assertThat(AuthCallout.rawAuthUser(new ConnectOptions("eyJx", "UNKEY", "sig", "", "bob", "", "", "", "",
                    1), "UKEY")).isEqualTo("UNKEY");
        }
    }

    @Nested
    class Requests {
        @Test
        void calloutRequestJwtCarriesWhatNatsServerSends() {
            ConnectOptions connect = new ConnectOptions("", "UNKEY", "c2ln", "", "", "", "app", "java", "2.24.1", 1);
            Request request = plain().request(IDENTITY, CLIENT, connect, null, TIMEOUT, NOW);
            assertThat(request.subject()).isEqualTo("$SYS.REQ.USER.AUTH");
            assertThat(request.account()).isEqualTo("AUTH");
            assertThat(request.encrypted()).isFalse();
            assertThat(request.headers()).isEmpty();
            assertThat(request.payload()).isEqualTo(bytes(request.jwt()));

            AuthorizationRequestClaims claims = JwtDecoder.decode(request.jwt(), AuthorizationRequestClaims.class,
                    clockAt(NOW));
            assertThat(claims).isEqualTo(request.claims());
            assertThat(claims.data().issuer()).isEqualTo(SERVER.publicKey()).isEqualTo(request.serverId());
            assertThat(claims.data().subject()).isEqualTo(ISSUER.publicKey());
            assertThat(claims.data().audience()).isEqualTo("nats-authorization-request");
            assertThat(claims.data().issuedAtSeconds()).isEqualTo(NOW.getEpochSecond());
            assertThat(claims.data().expiresAtSeconds()).isEqualTo(NOW.getEpochSecond() + 2);
            assertThat(request.expires()).isEqualTo(NOW.plusSeconds(2));
            assertThat(claims.data().id()).isNotEmpty();
            assertThat(claims.userNkey()).isEqualTo(request.userNkey()).startsWith("U");
            assertThat(NKeys.isValidPublicKey(claims.userNkey(), NKeyType.USER)).isTrue();
            assertThat(claims.server()).isEqualTo(new AuthorizationRequestClaims.ServerId("natrix-1", "0.0.0.0",
                    SERVER.publicKey(), "2.12.0", "east", List.of("region:eu"), ""));
            // With a signature in CONNECT the INFO nonce goes along, as nats-server sends it.
            assertThat(claims.clientInformation()).isEqualTo(new AuthorizationRequestClaims.ClientInformation(
                    "10.0.0.7", 42, "UNKEY", "app", List.of(), "", "Client", "nats", "", "nonce-abc"));
            assertThat(claims.connectOptions()).isEqualTo(connect);
            assertThat(claims.tls()).isNull();
            assertThat(claims.requestNonce()).isEmpty();
        }

        @Test
        void calloutRequestPayloadIsGoJsonWithNatsFieldNames() {
            Request request = request(plain());
            String[] parts = request.jwt().split("\\.");
            assertThat(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8))
                    .isEqualTo("{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}");
            String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
            assertThat(payload)
                    .startsWith("{\"aud\":\"nats-authorization-request\",\"exp\":" + (NOW.getEpochSecond() + 2)
                            + ",\"jti\":\"")
                    .contains(",\"iat\":" + NOW.getEpochSecond() + ",\"iss\":\"" + SERVER.publicKey() + "\",\"sub\":\""
                            + ISSUER.publicKey() + "\",\"nats\":{\"server_id\":{\"name\":\"natrix-1\",\"host\":"
                            + "\"0.0.0.0\",\"id\":\"" + SERVER.publicKey() + "\",\"version\":\"2.12.0\",\"cluster\":"
                            + "\"east\",\"tags\":[\"region:eu\"]},\"user_nkey\":\"" + request.userNkey() + "\","
                            + "\"client_info\":{\"host\":\"10.0.0.7\",\"id\":42,\"user\":\"dlc\",\"name\":\"app\","
                            + "\"kind\":\"Client\",\"type\":\"nats\"},\"connect_opts\":{\"user\":\"dlc\",\"pass\":"
                            + "\"zzz\",\"name\":\"app\",\"lang\":\"java\",\"version\":\"2.24.1\",\"protocol\":1},"
                            + "\"type\":\"authorization_request\",\"version\":2}}");
        }

        @Test
        void calloutRequestUsesAFreshUserNkeyEachTime() {
            Set<String> keys = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                keys.add(request(plain()).userNkey());
            }
            assertThat(keys).hasSize(20);
        }

        @Test
        void calloutRequestIsSealedForTheServiceWithTheServerXkeyInHeaderAndClaims() {
            Request request = request(sealed());
            assertThat(request.encrypted()).isTrue();
            assertThat(request.headers()).containsExactly(Map.entry("Nats-Server-Xkey", SERVER_XKEY.publicKey()));
            byte[] payload = request.payload();
            assertThat(new String(payload, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("xkv1");
            byte[] opened = SERVICE_XKEY.open(payload, request.headers().get("Nats-Server-Xkey"));
            assertThat(new String(opened, StandardCharsets.US_ASCII)).isEqualTo(request.jwt());
            assertThat(request.claims().server().xkey()).isEqualTo(SERVER_XKEY.publicKey());
            assertThatThrownBy(() -> STRANGER_XKEY.open(payload, SERVER_XKEY.publicKey()))
                    .isInstanceOf(XKeyException.class);
        }

        @Test
        void calloutRequestWithXkeyNeedsAServerXkey() {
            ServerIdentity noXKey = new ServerIdentity("n", "h", "v", "", List.of(), SERVER, null);
            assertThatThrownBy(() -> sealed().request(noXKey, CLIENT, CONNECT, null, TIMEOUT, NOW))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server has no xkey");
            assertThat(plain().request(noXKey, CLIENT, CONNECT, null, TIMEOUT, NOW).encrypted()).isFalse();
            assertThatThrownBy(() -> new ServerIdentity("n", "h", "v", "", List.of(), ISSUER, null))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void calloutRequestCarriesTlsWithGoPem() throws Exception {
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(bytes(CERT_PEM)));
            assertThat(AuthCallout.pem(cert)).isEqualTo(CERT_PEM);
            ClientTls unverified = AuthCallout.clientTls("TLSv1.3", "TLS_AES_128_GCM_SHA256", List.of(cert),
                    List.of());
            assertThat(unverified).isEqualTo(new ClientTls("1.3", "TLS_AES_128_GCM_SHA256", List.of(CERT_PEM),
                    List.of()));
            ClientTls verified = AuthCallout.clientTls("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                    List.of(cert), List.of(List.of(cert, cert)));
            assertThat(verified.certs()).isEmpty();
            assertThat(verified.verifiedChains()).containsExactly(List.of(CERT_PEM, CERT_PEM));
            assertThat(verified.version()).isEqualTo("1.2");

            Request request = plain().request(IDENTITY, CLIENT, CONNECT, verified, TIMEOUT, NOW);
            assertThat(JwtDecoder.decode(request.jwt(), AuthorizationRequestClaims.class, clockAt(NOW)).tls())
                    .isEqualTo(verified);
        }
    }

    @Nested
    class ConfigModeReplies {
        @Test
        void calloutAcceptsAResponseSignedAsNatsServerExpects() {
            AuthCallout callout = plain();
            Request request = request(callout);
            Result result = verify(callout, request, reply(request, userJwt(request)));
            assertThat(result.ok()).as(result.message()).isTrue();
            assertThat(result.message()).isEmpty();
            Authorized a = result.authorized();
            assertThat(a.account()).isEqualTo("APP");
            assertThat(a.accountClaims()).isNull();
            assertThat(a.userNkey()).isEqualTo(request.userNkey());
            assertThat(a.userName()).isEqualTo("alice");
            assertThat(a.user().data().subject()).isEqualTo(request.userNkey());
            assertThat(a.permissions()).isEqualTo(JwtAuthenticator.policy(APP_PERMISSIONS));
            assertThat(a.accountDefaults()).isFalse();
            assertThat(a.limits().subs()).isEqualTo(-1);
            assertThat(a.allowedConnectionTypes()).isEmpty();
            assertThat(a.expires()).isEqualTo(NOW.plusSeconds(3600));
            assertThat(a.signingKey()).isNull();
        }

        @Test
        void calloutUserWithoutPermissionsGetsAccountDefaults() {
            AuthCallout callout = plain();
            Request request = request(callout);
            Authorized inApp = verify(callout, request, reply(request, userJwt(request.userNkey(), "APP", ISSUER,
                    u -> u.withLimits(UserPermissionLimits.UNLIMITED)))).authorized();
            assertThat(inApp.accountDefaults()).isTrue();
            assertThat(inApp.permissions()).isEqualTo(APP_DEFAULTS);
            Authorized inGlobal = verify(callout, request, reply(request, userJwt(request.userNkey(), "$G", ISSUER,
                    u -> u.withLimits(UserPermissionLimits.UNLIMITED)))).authorized();
            assertThat(inGlobal.account()).isEqualTo("$G");
            assertThat(inGlobal.permissions()).isEqualTo(PermissionsPolicy.UNRESTRICTED);
        }

        @Test
        void calloutResponseSignerIsNotCheckedInConfigModeOnlyTheUserJwtIssuer() {
            // nats-server checks the issuer of the user JWT, not who signed the response around it.
            AuthCallout callout = plain();
            Request request = request(callout);
            byte[] payload = bytes(responseJwt(request.userNkey(), request.serverId(), userJwt(request), "", "",
                    STRANGER, 0));
            assertThat(verify(callout, request, payload).ok()).isTrue();
        }

        @Test
        void calloutRefusesUserJwtOfAnotherIssuer() {
            AuthCallout callout = plain();
            Request request = request(callout);
            String jwt = userJwt(request.userNkey(), "APP", STRANGER, u -> u);
            assertRefused(verify(callout, request, reply(request, jwt)), Refusal.WRONG_ISSUER,
                    "Wrong issuer for auth callout response on account \"AUTH\", expected " + q(ISSUER.publicKey())
                            + " got " + q(STRANGER.publicKey()));
        }

        @Test
        void calloutRefusesIssuerAccountInConfigMode() {
            AuthCallout callout = plain();
            Request request = request(callout);
            String jwt = userJwt(request.userNkey(), "APP", ISSUER, u -> u.withIssuerAccount(STRANGER.publicKey()));
            assertRefused(verify(callout, request, reply(request, jwt)), Refusal.ISSUER_ACCOUNT_NOT_ALLOWED,
                    "Error non operator mode account \"AUTH\": attempted to use issuer_account");
        }

        @Test
        void calloutRefusesResponseForAnotherUser() {
            AuthCallout callout = plain();
            Request request = request(callout);
            String other = key(NKeyType.USER, 700).publicKey();
            byte[] payload = bytes(responseJwt(other, request.serverId(), userJwt(request), "", "", ISSUER, 0));
            assertRefused(verify(callout, request, payload), Refusal.WRONG_USER,
                    "Auth callout violation: auth callout response is not for expected user");
        }

        @Test
        void calloutRefusesResponseForAnotherServer() {
            AuthCallout callout = plain();
            Request request = request(callout);
            byte[] payload = bytes(responseJwt(request.userNkey(), OTHER_SERVER.publicKey(), userJwt(request), "",
                    "", ISSUER, 0));
            assertRefused(verify(callout, request, payload), Refusal.WRONG_SERVER,
                    "Auth callout violation: auth callout response is not for server");
        }

        @Test
        void calloutRefusesExpiredResponseAndExpiredUser() {
            AuthCallout callout = plain();
            Request request = request(callout);
            byte[] expired = bytes(responseJwt(request.userNkey(), request.serverId(), userJwt(request), "", "",
                    ISSUER, NOW.getEpochSecond() - 1));
            assertRefused(verify(callout, request, expired), Refusal.INVALID_RESPONSE,
                    "Authorization response had validation errors: claim is expired");
            String expiredUser = userJwt(request.userNkey(), "APP", ISSUER,
                    u -> u.withData(u.data().withExpiresAtSeconds(NOW.getEpochSecond() - 1)));
            assertRefused(verify(callout, request, reply(request, expiredUser)), Refusal.INVALID_USER_JWT,
                    "Error validating user JWT: claim is expired");
            String early = userJwt(request.userNkey(), "APP", ISSUER,
                    u -> u.withData(u.data().withNotBeforeSeconds(NOW.getEpochSecond() + 60)));
            assertRefused(verify(callout, request, reply(request, early)), Refusal.INVALID_USER_JWT,
                    "Error validating user JWT: claim is not yet valid");
            // Valid through its exp second, as every NATS JWT.
            byte[] lastSecond = bytes(responseJwt(request.userNkey(), request.serverId(), userJwt(request), "", "",
                    ISSUER, NOW.getEpochSecond()));
            assertThat(verify(callout, request, lastSecond).ok()).isTrue();
        }

        @Test
        void calloutPassesOnTheServiceError() {
            AuthCallout callout = plain();
            Request request = request(callout);
            byte[] payload = bytes(responseJwt(request.userNkey(), request.serverId(), "", "bad password", "", ISSUER,
                    0));
            assertRefused(verify(callout, request, payload), Refusal.SERVICE_ERROR,
                    "Auth callout service returned an error: bad password");
        }

        @Test
        void calloutRefusesUserJwtForAnotherNkey() {
            AuthCallout callout = plain();
            Request request = request(callout);
            String other = key(NKeyType.USER, 701).publicKey();
            String jwt = userJwt(other, "APP", ISSUER, u -> u);
            assertRefused(verify(callout, request, reply(request, jwt)), Refusal.USER_MISMATCH,
                    "Expected authorized user of " + q(request.userNkey()) + " but got " + q(other)
                            + " on account \"AUTH\"");
        }

        @Test
        void calloutRefusesUnknownTargetAccount() {
            AuthCallout callout = plain();
            Request request = request(callout);
            assertRefused(verify(callout, request, reply(request, userJwt(request.userNkey(), "NOPE", ISSUER,
                            u -> u))), Refusal.NO_ACCOUNT,
                    "No valid account \"NOPE\" for auth callout response on account \"AUTH\": account missing");
            assertRefused(verify(callout, request, reply(request, userJwt(request.userNkey(), "", ISSUER, u -> u))),
                    Refusal.NO_ACCOUNT,
                    "No valid account \"\" for auth callout response on account \"AUTH\": account missing");
        }

        @Test
        void calloutRefusesEmptyGarbageAndForeignTokens() {
            AuthCallout callout = plain();
            Request request = request(callout);
            assertRefused(verify(callout, request, new byte[0]), Refusal.NO_REASON,
                    "Auth callout violation: \"no reason supplied\" on account \"AUTH\"");
            assertRefused(verify(callout, request, null), Refusal.NO_REASON,
                    "Auth callout violation: \"no reason supplied\" on account \"AUTH\"");
            assertRefused(verify(callout, request, bytes("hello")), Refusal.BAD_RESPONSE, "Expected 3 chunks");
            Result garbage = verify(callout, request, bytes("eyJ.eyJ.x"));
            assertThat(garbage.refusal()).isEqualTo(Refusal.BAD_RESPONSE);
            // The request itself is a valid JWT but not a response.
            assertRefused(verify(callout, request, bytes(request.jwt())), Refusal.BAD_RESPONSE,
                    "Not an authorization request claim");
            // A user JWT where the response belongs.
            assertRefused(verify(callout, request, bytes(userJwt(request))), Refusal.BAD_RESPONSE,
                    "Not an authorization request claim");
            // A response whose jwt is not a user JWT.
            assertRefused(verify(callout, request, reply(request, request.jwt())), Refusal.BAD_USER_JWT,
                    "Not user claim");
        }

        @Test
        void calloutRefusesTamperedSignatures() {
            AuthCallout callout = plain();
            Request request = request(callout);
            String response = responseJwt(request.userNkey(), request.serverId(), userJwt(request), "", "", ISSUER, 0);
            String tampered = response.substring(0, response.length() - 2)
                    + (response.endsWith("AA") ? "BA" : "AA");
            assertRefused(verify(callout, request, bytes(tampered)), Refusal.BAD_RESPONSE,
                    "Claim failed V2 signature verification");
            String user = userJwt(request);
            String badUser = user.substring(0, user.length() - 2) + (user.endsWith("AA") ? "BA" : "AA");
            assertRefused(verify(callout, request, reply(request, badUser)), Refusal.BAD_USER_JWT,
                    "Claim failed V2 signature verification");
        }

        @Test
        void calloutRefusesProxyRequiredWithoutTrustedProxy() {
            AuthCallout callout = plain();
            Request request = request(callout);
            String proxyUser = userJwt(request.userNkey(), "APP", ISSUER, u -> u.withLimits(new UserPermissionLimits(
                    APP_PERMISSIONS, List.of(), List.of(), "", -1, -1, -1, false, true, List.of())));
            assertRefused(verify(callout, request, reply(request, proxyUser)), Refusal.PROXY_REQUIRED,
                    "Proxy connection required");
            Request viaProxy = callout.request(IDENTITY, CLIENT.withProxy(false, true), CONNECT, null, TIMEOUT, NOW);
            String proxyUser2 = userJwt(viaProxy.userNkey(), "APP", ISSUER, u -> u.withLimits(new UserPermissionLimits(
                    APP_PERMISSIONS, List.of(), List.of(), "", -1, -1, -1, false, true, List.of())));
            assertThat(verify(callout, viaProxy, reply(viaProxy, proxyUser2)).ok()).isTrue();
            Request required = callout.request(IDENTITY, CLIENT.withProxy(true, false), CONNECT, null, TIMEOUT, NOW);
            assertThat(verify(callout, required, reply(required, userJwt(required))).refusal())
                    .isEqualTo(Refusal.PROXY_REQUIRED);
        }

        @Test
        void calloutChecksTimesAndConnectionTypes() {
            AuthCallout callout = plain().withZone(ZoneOffset.UTC);
            Request request = request(callout);
            // NOW is midnight UTC.
            String outside = userJwt(request.userNkey(), "APP", ISSUER, u -> u.withLimits(timesLimits(
                    new TimeRange("08:00:00", "17:00:00"))));
            assertRefused(callout.verify(reply(request, outside), request, ACCOUNTS, NOW), Refusal.OUTSIDE_TIMES,
                    "Authorized user on account \"AUTH\" outside of valid connect times");
            String inside = userJwt(request.userNkey(), "APP", ISSUER, u -> u.withLimits(timesLimits(
                    new TimeRange("23:00:00", "01:00:00"))));
            Authorized a = callout.verify(reply(request, inside), request, ACCOUNTS, NOW.plusSeconds(1)).authorized();
            assertThat(a.expires()).isEqualTo(NOW.plusSeconds(3600)); // the window ends with the JWT at 01:00

            String unknownOnly = userJwt(request.userNkey(), "APP", ISSUER, u -> u.withLimits(connectionTypes(
                    List.of("CARRIER_PIGEON"))));
            assertRefused(verify(callout, request, reply(request, unknownOnly)), Refusal.CONNECTION_TYPE,
                    "Authorized user on account \"AUTH\" using invalid connection type");
            String mixed = userJwt(request.userNkey(), "APP", ISSUER, u -> u.withLimits(connectionTypes(
                    List.of("CARRIER_PIGEON", "websocket"))));
            assertThat(verify(callout, request, reply(request, mixed)).authorized().allowedConnectionTypes())
                    .containsExactly("WEBSOCKET");
        }

        @Test
        void calloutUsesTheEarlierOfJwtExpiryAndTimesWindow() {
            AuthCallout callout = plain().withZone(ZoneOffset.UTC);
            Request request = request(callout);
            String jwt = userJwt(request.userNkey(), "APP", ISSUER, u -> u.withLimits(timesLimits(
                    new TimeRange("23:00:00", "00:10:00"))));
            Authorized a = callout.verify(reply(request, jwt), request, ACCOUNTS, NOW.plusSeconds(1)).authorized();
            assertThat(a.expires()).isEqualTo(NOW.plusSeconds(600));
            String never = userJwt(request.userNkey(), "APP", ISSUER,
                    u -> u.withData(u.data().withExpiresAtSeconds(0)));
            assertThat(verify(callout, request, reply(request, never)).authorized().expires()).isNull();
        }

        @Test
        void calloutNeedsAccountsOfItsMode() {
            Request request = request(plain());
            assertThatThrownBy(() -> plain().verify(reply(request, userJwt(request)), request,
                    Accounts.operator(k -> Optional.empty()), NOW)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class SealedReplies {
        @Test
        void calloutOpensASealedResponse() {
            AuthCallout callout = sealed();
            Request request = request(callout);
            String response = responseJwt(request.userNkey(), request.serverId(), userJwt(request), "", "", ISSUER, 0);
            Result result = verify(callout, request, sealedReply(request, SERVICE_XKEY, response));
            assertThat(result.ok()).as(result.message()).isTrue();
            assertThat(result.authorized().account()).isEqualTo("APP");
        }

        @Test
        void calloutAcceptsAPlainResponseToASealedRequest() {
            AuthCallout callout = sealed();
            Request request = request(callout);
            assertThat(verify(callout, request, reply(request, userJwt(request))).ok()).isTrue();
        }

        @Test
        void calloutRefusesResponseSealedWithTheWrongKey() {
            AuthCallout callout = sealed();
            Request request = request(callout);
            String response = responseJwt(request.userNkey(), request.serverId(), userJwt(request), "", "", ISSUER, 0);
            assertRefused(verify(callout, request, sealedReply(request, STRANGER_XKEY, response)),
                    Refusal.DECRYPT_FAILED,
                    "Error decrypting auth callout response on account \"AUTH\": nkeys: could not decrypt input");
            // Sealed for another server's xkey.
            byte[] forOther = SERVICE_XKEY.seal(bytes(response), STRANGER_XKEY.publicKey());
            assertThat(verify(callout, request, forOther).refusal()).isEqualTo(Refusal.DECRYPT_FAILED);
            assertRefused(verify(callout, request, bytes("garbage")), Refusal.DECRYPT_FAILED,
                    "Error decrypting auth callout response on account \"AUTH\": nkeys: encrypted input is not "
                            + "valid");
            assertRefused(verify(callout, request, bytes("garbage that is longer than a header and a nonce")),
                    Refusal.DECRYPT_FAILED,
                    "Error decrypting auth callout response on account \"AUTH\": nkeys: encrypted input wrong "
                            + "version");
        }

        @Test
        void calloutWithoutXkeyDoesNotOpenSealedResponses() {
            AuthCallout callout = plain();
            Request request = request(callout);
            String response = responseJwt(request.userNkey(), request.serverId(), userJwt(request), "", "", ISSUER, 0);
            byte[] sealedPayload = SERVICE_XKEY.seal(bytes(response), SERVER_XKEY.publicKey());
            assertThat(verify(callout, request, sealedPayload).refusal()).isEqualTo(Refusal.BAD_RESPONSE);
        }

        @Test
        void calloutFuzzedRepliesAreRefusedNeverThrown() {
            AuthCallout callout = sealed();
            Request request = request(callout);
            String response = responseJwt(request.userNkey(), request.serverId(), userJwt(request), "", "", ISSUER, 0);
            byte[] good = sealedReply(request, SERVICE_XKEY, response);
            byte[] plainGood = bytes(response);
            SecureRandom random = random(77);
            for (int i = 0; i < 600; i++) {
                byte[] input = (i % 3 == 0 ? good : i % 3 == 1 ? plainGood : new byte[random.nextInt(200)]).clone();
                if (i % 3 == 2) {
                    random.nextBytes(input);
                } else {
                    input[random.nextInt(input.length)] ^= (byte) (1 + random.nextInt(255));
                }
                Result result = verify(callout, request, input);
                if (!result.ok()) {
                    assertThat(result.message()).isNotEmpty();
                }
            }
        }
    }

    @Nested
    class OperatorMode {
        static final NKeyPair CALLOUT_ACCOUNT = key(NKeyType.ACCOUNT, 800);
        static final NKeyPair CALLOUT_SIGNER = key(NKeyType.ACCOUNT, 801);
        static final NKeyPair APP_ACCOUNT = key(NKeyType.ACCOUNT, 802);
        static final NKeyPair APP_SIGNER = key(NKeyType.ACCOUNT, 803);
        static final NKeyPair APP_SCOPED = key(NKeyType.ACCOUNT, 804);
        static final NKeyPair AUTH_USER = key(NKeyType.USER, 805);

        static AccountClaims calloutAccount(List<String> allowed, String xkey) {
            AccountClaims base = AccountClaims.of(CALLOUT_ACCOUNT.publicKey(), "AUTH")
                    .withSigningKeys(Map.of(CALLOUT_SIGNER.publicKey(), SigningKey.unscoped(CALLOUT_SIGNER.publicKey())));
            return new AccountClaims(base.data(), base.imports(), base.exports(), base.limits(), base.signingKeys(),
                    base.revocations(), base.defaultPermissions(), base.mappings(),
                    new ExternalAuthorization(List.of(AUTH_USER.publicKey()), allowed, xkey), base.trace(),
                    base.clusterTraffic(), base.description(), base.infoUrl(), base.tags());
        }

        static AccountClaims appAccount() {
            UserPermissionLimits template = UserPermissionLimits.EMPTY.withLimits(-1, -1, -1).withPermissions(
                    new JwtPermissions(new Permission(List.of("app.{{name()}}.>"), List.of()), Permission.NONE,
                            null));
            return AccountClaims.of(APP_ACCOUNT.publicKey(), "APP")
                    .withSigningKeys(Map.of(
                            APP_SIGNER.publicKey(), SigningKey.unscoped(APP_SIGNER.publicKey()),
                            APP_SCOPED.publicKey(), new SigningKey(APP_SCOPED.publicKey(),
                                    new UserScope(APP_SCOPED.publicKey(), "scoped", template, ""))))
                    .withDefaultPermissions(new JwtPermissions(new Permission(List.of("app.defaults"), List.of()),
                            Permission.NONE, null));
        }

        static AuthCallout callout(List<String> allowed) {
            return AuthCallout.forAccount(calloutAccount(allowed, "")).orElseThrow();
        }

        static Accounts accounts(AccountClaims... claims) {
            Map<String, AccountClaims> byKey = new java.util.HashMap<>();
            for (AccountClaims c : claims) {
                byKey.put(c.data().subject(), c);
            }
            return Accounts.operator(k -> Optional.ofNullable(byKey.get(k)));
        }

        static final Accounts ACCOUNTS = accounts(calloutAccount(List.of(), ""), appAccount());

        static Request request(AuthCallout callout) {
            return callout.request(IDENTITY, CLIENT, CONNECT, null, TIMEOUT, NOW);
        }

        static byte[] reply(Request request, String userJwt, NKeyPair responseSigner, String issuerAccount) {
            return bytes(responseJwt(request.userNkey(), request.serverId(), userJwt, "", issuerAccount,
                    responseSigner, 0));
        }

        @Test
        void calloutFromAccountJwt() {
            assertThat(AuthCallout.forAccount(AccountClaims.of(APP_ACCOUNT.publicKey(), "APP"))).isEmpty();
            AuthCallout callout = AuthCallout.forAccount(calloutAccount(List.of("*"), SERVICE_XKEY.publicKey()))
                    .orElseThrow();
            assertThat(callout.mode()).isEqualTo(AuthCallout.Mode.OPERATOR);
            assertThat(callout.account()).isEqualTo(CALLOUT_ACCOUNT.publicKey());
            assertThat(callout.issuer()).isEqualTo(CALLOUT_ACCOUNT.publicKey());
            assertThat(callout.xkey()).isEqualTo(SERVICE_XKEY.publicKey());
            assertThat(callout.isAuthUser(AUTH_USER.publicKey())).isTrue();
            assertThat(callout.delegates("anything")).isTrue();
            Request request = request(callout);
            assertThat(request.account()).isEqualTo(CALLOUT_ACCOUNT.publicKey());
            assertThat(request.claims().data().subject()).isEqualTo(CALLOUT_ACCOUNT.publicKey());
            assertThat(request.encrypted()).isTrue();
        }

        @Test
        void calloutPlacesUserInTheCalloutAccount() {
            AuthCallout callout = callout(List.of());
            Request request = request(callout);
            String jwt = userJwt(request.userNkey(), "", CALLOUT_ACCOUNT, u -> u);
            Result result = callout.verify(reply(request, jwt, CALLOUT_ACCOUNT, ""), request, ACCOUNTS, NOW);
            assertThat(result.ok()).as(result.message()).isTrue();
            assertThat(result.authorized().account()).isEqualTo(CALLOUT_ACCOUNT.publicKey());
            assertThat(result.authorized().accountClaims().data().name()).isEqualTo("AUTH");
        }

        @Test
        void calloutAcceptsResponseBySigningKeyAndRefusesUnknownSigner() {
            AuthCallout callout = callout(List.of());
            Request request = request(callout);
            String jwt = userJwt(request.userNkey(), "", CALLOUT_ACCOUNT, u -> u);
            assertThat(callout.verify(reply(request, jwt, CALLOUT_SIGNER, CALLOUT_ACCOUNT.publicKey()), request,
                    ACCOUNTS, NOW).ok()).isTrue();
            assertThat(callout.verify(reply(request, jwt, CALLOUT_SIGNER, ""), request, ACCOUNTS, NOW).ok()).isTrue();
            assertRefused(callout.verify(reply(request, jwt, STRANGER, ""), request, ACCOUNTS, NOW),
                    Refusal.UNKNOWN_SIGNING_KEY, "Auth callout signing key is unknown");
        }

        @Test
        void calloutSealedResponseSkipsTheSignerCheckAsNatsServerDoes() {
            AuthCallout callout = AuthCallout.forAccount(calloutAccount(List.of(), SERVICE_XKEY.publicKey()))
                    .orElseThrow();
            Request request = request(callout);
            String jwt = userJwt(request.userNkey(), "", CALLOUT_ACCOUNT, u -> u);
            String response = responseJwt(request.userNkey(), request.serverId(), jwt, "", "", STRANGER, 0);
            assertThat(callout.verify(sealedReply(request, SERVICE_XKEY, response), request, ACCOUNTS, NOW).ok())
                    .isTrue();
            assertThat(callout.verify(bytes(response), request, ACCOUNTS, NOW).refusal())
                    .isEqualTo(Refusal.UNKNOWN_SIGNING_KEY);
        }

        @Test
        void calloutSwitchesToAnAllowedAccount() {
            Request request = request(callout(List.of(APP_ACCOUNT.publicKey())));
            String jwt = userJwt(request.userNkey(), "", APP_SIGNER, u -> u.withIssuerAccount(APP_ACCOUNT.publicKey()));
            Result result = callout(List.of(APP_ACCOUNT.publicKey())).verify(
                    reply(request, jwt, CALLOUT_ACCOUNT, ""), request, ACCOUNTS, NOW);
            assertThat(result.ok()).as(result.message()).isTrue();
            assertThat(result.authorized().account()).isEqualTo(APP_ACCOUNT.publicKey());
            assertThat(result.authorized().signingKey()).isEqualTo(APP_SIGNER.publicKey());

            Result any = callout(List.of("*")).verify(reply(request, jwt, CALLOUT_ACCOUNT, ""), request, ACCOUNTS,
                    NOW);
            assertThat(any.ok()).isTrue();
            assertRefused(callout(List.of()).verify(reply(request, jwt, CALLOUT_ACCOUNT, ""), request, ACCOUNTS, NOW),
                    Refusal.ACCOUNT_NOT_PERMITTED, "Account " + q(APP_SIGNER.publicKey()) + " not permitted as valid "
                            + "account option for auth callout for account " + q(CALLOUT_ACCOUNT.publicKey()));
        }

        @Test
        void calloutScopedSigningKeyGetsTheTemplate() {
            AuthCallout callout = callout(List.of("*"));
            Request request = request(callout);
            String jwt = userJwt(request.userNkey(), "", APP_SCOPED, u -> u.withIssuerAccount(APP_ACCOUNT.publicKey())
                    .withLimits(UserPermissionLimits.EMPTY));
            Result result = callout.verify(reply(request, jwt, CALLOUT_ACCOUNT, ""), request, ACCOUNTS, NOW);
            assertThat(result.ok()).as(result.message()).isTrue();
            assertThat(result.authorized().limits().permissions().pub().allow()).containsExactly("app.alice.>");
            assertThat(result.authorized().permissions().canPublish("app.alice.x")).isTrue();
            assertThat(result.authorized().permissions().canPublish("app.bob.x")).isFalse();

            String withPermissions = userJwt(request.userNkey(), "", APP_SCOPED,
                    u -> u.withIssuerAccount(APP_ACCOUNT.publicKey()));
            assertRefused(callout.verify(reply(request, withPermissions, CALLOUT_ACCOUNT, ""), request, ACCOUNTS,
                    NOW), Refusal.SCOPE_VIOLATION, "User JWT is not valid: scoped users require no permissions or "
                    + "limits set");
        }

        @Test
        void calloutRefusesUnknownIssuerMissingAndExpiredAccounts() {
            AuthCallout callout = callout(List.of("*"));
            Request request = request(callout);
            String byStranger = userJwt(request.userNkey(), "", STRANGER,
                    u -> u.withIssuerAccount(APP_ACCOUNT.publicKey()));
            assertRefused(callout.verify(reply(request, byStranger, CALLOUT_ACCOUNT, ""), request, ACCOUNTS, NOW),
                    Refusal.ISSUER_NOT_KNOWN, "User JWT issuer " + q(STRANGER.publicKey()) + " is not known");
            String missing = userJwt(request.userNkey(), "", STRANGER, u -> u);
            assertRefused(callout.verify(reply(request, missing, CALLOUT_ACCOUNT, ""), request, ACCOUNTS, NOW),
                    Refusal.NO_ACCOUNT, "No valid account " + q(STRANGER.publicKey()) + " for auth callout response "
                            + "on account " + q(CALLOUT_ACCOUNT.publicKey()) + ": account missing");
            AccountClaims expiredApp = appAccount().withData(appAccount().data()
                    .withExpiresAtSeconds(NOW.getEpochSecond() - 10));
            String app = userJwt(request.userNkey(), "", APP_ACCOUNT, u -> u);
            assertRefused(callout.verify(reply(request, app, CALLOUT_ACCOUNT, ""), request,
                    accounts(calloutAccount(List.of("*"), ""), expiredApp), NOW), Refusal.NO_ACCOUNT,
                    "No valid account " + q(APP_ACCOUNT.publicKey()) + " for auth callout response on account "
                            + q(CALLOUT_ACCOUNT.publicKey()) + ": account expired");
        }

        @Test
        void calloutOperatorUserWithoutPermissionsGetsAccountDefaults() {
            AuthCallout callout = callout(List.of("*"));
            Request request = request(callout);
            String jwt = userJwt(request.userNkey(), "", APP_ACCOUNT, u -> u.withLimits(UserPermissionLimits.UNLIMITED));
            Authorized a = callout.verify(reply(request, jwt, CALLOUT_ACCOUNT, ""), request, ACCOUNTS, NOW)
                    .authorized();
            assertThat(a.accountDefaults()).isTrue();
            assertThat(a.permissions().canPublish("app.defaults")).isTrue();
            assertThat(a.permissions().canPublish("app.other")).isFalse();
        }
    }

    static UserPermissionLimits timesLimits(TimeRange range) {
        return new UserPermissionLimits(APP_PERMISSIONS, List.of(), List.of(range), "UTC", -1, -1, -1, false, false,
                List.of());
    }

    static UserPermissionLimits connectionTypes(List<String> types) {
        return new UserPermissionLimits(APP_PERMISSIONS, List.of(), List.of(), "", -1, -1, -1, false, false, types);
    }

    /** A self-signed P-256 certificate made with openssl, PEM as openssl (and Go) writes it. */
    static final String CERT_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBkjCCATmgAwIBAgIUPTG186MsdPhGbMoFtV1+GxW0/2swCgYIKoZIzj0EAwIw
            HjEcMBoGA1UEAwwTbmF0cml4IGNhbGxvdXQgdGVzdDAgFw0yNjExMjYwOTUyMjNa
            GA8yMTI2MTEwMjA5NTIyM1owHjEcMBoGA1UEAwwTbmF0cml4IGNhbGxvdXQgdGVz
            dDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABBZ/7EuNsW0jB6u1cqpmdP7bD10k
            1CcnH8n9jM7YBqOlaUheOcXJYYGPGXePLVYvC6fhksG8YSZppCrr1SOK+lujUzBR
            MB0GA1UdDgQWBBR0N+t8VJImXnzMOw5sfFcfTK6svDAfBgNVHSMEGDAWgBR0N+t8
            VJImXnzMOw5sfFcfTK6svDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cA
            MEQCIADrcG74Fe6mIdRYns8Xgb2Xr4tPaIQGgjBtvRqE65MMAiBYSZCdMbqKylzo
            OqZgwQtWwdAjf3he0LNhrZRTTXsFbg==
            -----END CERTIFICATE-----
            """;
}
