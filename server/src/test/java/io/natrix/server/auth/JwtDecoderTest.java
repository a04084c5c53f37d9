package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.NOW;
import static io.natrix.server.auth.AuthFixtures.clock;
import static io.natrix.server.auth.AuthFixtures.clockAtSecond;
import static io.natrix.server.auth.AuthFixtures.key;
import static io.natrix.server.auth.JwtTokens.b64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.auth.JwtException.Reason;
import io.nats.client.NKey;
import io.nats.client.support.JsonSerializable;
import io.nats.client.support.JwtUtils;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decoding and verification: tokens issued by jnats (an independent issuer) are accepted with every field read; each
 * way a token can be wrong is refused with its own {@link Reason}; JSON is read with Go's rules.
 */
class JwtDecoderTest {
    private static final NKeyPair OPERATOR = key(NKeyType.OPERATOR, 100);
    private static final NKeyPair ACCOUNT = key(NKeyType.ACCOUNT, 101);
    private static final NKeyPair USER = key(NKeyType.USER, 102);

    private static void assertRefused(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(JwtException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    private static JwtClaims decode(String jwt) {
        return JwtDecoder.decode(jwt, clock());
    }

    @Test
    void jwtDecoderAcceptsUserJwtIssuedByJnats() throws Exception {
        NKey account = NKey.fromSeed(ACCOUNT.seed().toCharArray());
        long iat = NOW.getEpochSecond() - 60;
        String jwt = JwtUtils.issueUserJWT(account, ACCOUNT.publicKey(), USER.publicKey(), "alice",
                Duration.ofHours(1), new String[] {"team:blue"}, iat);

        UserClaims user = JwtDecoder.decodeUser(jwt, clock());
        assertThat(user.data().issuer()).isEqualTo(ACCOUNT.publicKey());
        assertThat(user.data().subject()).isEqualTo(USER.publicKey());
        assertThat(user.data().name()).isEqualTo("alice");
        assertThat(user.data().issuedAtSeconds()).isEqualTo(iat);
        assertThat(user.data().expiresAtSeconds()).isEqualTo(iat + 3600);
        assertThat(user.data().id()).isNotEmpty();
        assertThat(user.issuerAccount()).isEqualTo(ACCOUNT.publicKey());
        assertThat(user.account()).isEqualTo(ACCOUNT.publicKey());
        assertThat(user.tags()).containsExactly("team:blue");
        assertThat(user.limits().subs()).isEqualTo(-1);
        assertThat(user.limits().data()).isEqualTo(-1);
        assertThat(user.limits().payload()).isEqualTo(-1);
        assertThat(user.limits().permissions().isEmpty()).isTrue();
    }

    @Test
    void jwtDecoderReadsEveryUserFieldJnatsWrites() throws Exception {
        NKey account = NKey.fromSeed(ACCOUNT.seed().toCharArray());
        JwtUtils.UserClaim claim = new JwtUtils.UserClaim(ACCOUNT.publicKey())
                .pub(new JwtUtils.Permission().allow("orders.>", "_INBOX.>").deny("orders.secret"))
                .sub(new JwtUtils.Permission().allow("replies.*", "work q1").deny(">"))
                .resp(new JwtUtils.ResponsePermission().maxMsgs(3).expires(Duration.ofSeconds(5)))
                .src("10.0.0.0/8", "2001:db8::/32")
                .times(List.of(new JwtUtils.TimeRange("08:00:00", "17:30:00")))
                .locale("Europe/Berlin")
                .subs(10).data(1024).payload(512)
                .bearerToken(true)
                .allowedConnectionTypes("STANDARD", "WEBSOCKET");
        String jwt = JwtUtils.issueUserJWT(account, USER.publicKey(), "bob", null, NOW.getEpochSecond(), claim);

        UserClaims user = JwtDecoder.decodeUser(jwt, clock());
        UserPermissionLimits limits = user.limits();
        assertThat(limits.permissions().pub().allow()).containsExactly("orders.>", "_INBOX.>");
        assertThat(limits.permissions().pub().deny()).containsExactly("orders.secret");
        assertThat(limits.permissions().sub().allow()).containsExactly("replies.*", "work q1");
        assertThat(limits.permissions().sub().deny()).containsExactly(">");
        assertThat(limits.permissions().resp()).isEqualTo(new JwtPermissions.ResponsePermission(3, 5_000_000_000L));
        assertThat(limits.src()).containsExactly("10.0.0.0/8", "2001:db8::/32");
        assertThat(limits.times()).containsExactly(new UserPermissionLimits.TimeRange("08:00:00", "17:30:00"));
        assertThat(limits.locale()).isEqualTo("Europe/Berlin");
        assertThat(limits.subs()).isEqualTo(10);
        assertThat(limits.data()).isEqualTo(1024);
        assertThat(limits.payload()).isEqualTo(512);
        assertThat(limits.bearerToken()).isTrue();
        assertThat(limits.allowedConnectionTypes()).containsExactly("STANDARD", "WEBSOCKET");
        assertThat(user.data().expiresAtSeconds()).isZero();
    }

    @Test
    void jwtDecoderAcceptsOperatorAndAccountJwtsIssuedThroughJnats() throws Exception {
        NKey operator = NKey.fromSeed(OPERATOR.seed().toCharArray());
        NKeyPair signingKey = key(NKeyType.OPERATOR, 103);
        JsonSerializable operatorNats = () -> "{\"signing_keys\":[\"" + signingKey.publicKey() + "\"],"
                + "\"system_account\":\"" + ACCOUNT.publicKey() + "\",\"account_server_url\":\"http://localhost:9090/jwt/v1\","
                + "\"strict_signing_key_usage\":true,\"type\":\"operator\",\"version\":2}";
        String operatorJwt = JwtUtils.issueJWT(operator, OPERATOR.publicKey(), "op", null, NOW.getEpochSecond(),
                OPERATOR.publicKey(), operatorNats);
        OperatorClaims op = JwtDecoder.decodeOperator(operatorJwt, clock());
        assertThat(op.signingKeys()).containsExactly(signingKey.publicKey());
        assertThat(op.systemAccount()).isEqualTo(ACCOUNT.publicKey());
        assertThat(op.accountServerUrl()).isEqualTo("http://localhost:9090/jwt/v1");
        assertThat(op.strictSigningKeyUsage()).isTrue();

        NKeyPair accountSigner = key(NKeyType.ACCOUNT, 104);
        JsonSerializable accountNats = () -> "{\"limits\":{\"subs\":100,\"conn\":5,\"leaf\":-1,\"data\":-1,"
                + "\"payload\":1048576,\"imports\":-1,\"exports\":-1,\"wildcards\":true,\"mem_storage\":1000,"
                + "\"disk_storage\":2000,\"streams\":3,\"consumer\":4},"
                + "\"signing_keys\":[\"" + accountSigner.publicKey() + "\"],"
                + "\"revocations\":{\"" + USER.publicKey() + "\":1700000000},"
                + "\"exports\":[{\"name\":\"svc\",\"subject\":\"help.>\",\"type\":\"service\",\"response_type\":\"Stream\"}],"
                + "\"imports\":[{\"name\":\"feed\",\"subject\":\"feed.>\",\"account\":\"" + OPERATOR.publicKey()
                + "\",\"type\":\"stream\"}],"
                + "\"default_permissions\":{\"pub\":{\"deny\":[\"admin.>\"]},\"sub\":{}},"
                + "\"mappings\":{\"a.b\":[{\"subject\":\"c.d\",\"weight\":60},{\"subject\":\"e.f\",\"weight\":40}]},"
                + "\"type\":\"account\",\"version\":2}";
        String accountJwt = JwtUtils.issueJWT(operator, ACCOUNT.publicKey(), "acc", null, NOW.getEpochSecond(),
                OPERATOR.publicKey(), accountNats);
        AccountClaims account = JwtDecoder.decodeAccount(accountJwt);
        assertThat(account.limits().subs()).isEqualTo(100);
        assertThat(account.limits().conn()).isEqualTo(5);
        assertThat(account.limits().payload()).isEqualTo(1048576);
        assertThat(account.limits().wildcardExports()).isTrue();
        assertThat(account.limits().jetStream())
                .isEqualTo(new AccountLimits.JetStreamLimits(1000, 2000, 3, 4, 0, 0, 0, false));
        assertThat(account.signingKeys()).containsOnlyKeys(accountSigner.publicKey());
        assertThat(account.signingKeys().get(accountSigner.publicKey()).isScoped()).isFalse();
        assertThat(account.revocations()).containsEntry(USER.publicKey(), 1700000000L);
        assertThat(account.exports()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(ExportType.SERVICE);
            assertThat(e.subject()).isEqualTo("help.>");
            assertThat(e.responseType()).isEqualTo("Stream");
        });
        assertThat(account.imports()).singleElement().satisfies(i -> {
            assertThat(i.type()).isEqualTo(ExportType.STREAM);
            assertThat(i.account()).isEqualTo(OPERATOR.publicKey());
        });
        assertThat(account.defaultPermissions().pub().deny()).containsExactly("admin.>");
        assertThat(account.mappings().get("a.b")).extracting(AccountClaims.WeightedMapping::subject)
                .containsExactly("c.d", "e.f");
    }

    @Test
    void jwtDecoderReadsScopedSigningKeysWithTemplateDefaults() {
        NKeyPair scoped = key(NKeyType.ACCOUNT, 105);
        NKeyPair plain = key(NKeyType.ACCOUNT, 106);
        String jwt = JwtTokens.account(OPERATOR, ACCOUNT, "\"signing_keys\":[\"" + plain.publicKey() + "\","
                + "{\"kind\":\"user_scope\",\"key\":\"" + scoped.publicKey() + "\",\"role\":\"dev\","
                + "\"template\":{\"pub\":{\"allow\":[\"dev.{{name()}}.>\"]},\"subs\":7},\"description\":\"devs\"},"
                + "42, null, true]");
        AccountClaims account = JwtDecoder.decodeAccount(jwt);
        assertThat(account.signingKeys()).containsOnlyKeys(plain.publicKey(), scoped.publicKey());
        AccountClaims.UserScope scope = account.signingKeys().get(scoped.publicKey()).scope();
        assertThat(scope.role()).isEqualTo("dev");
        assertThat(scope.description()).isEqualTo("devs");
        assertThat(scope.template().permissions().pub().allow()).containsExactly("dev.{{name()}}.>");
        // Go starts a scope template from unlimited data and payload; only "subs" was given.
        assertThat(scope.template().subs()).isEqualTo(7);
        assertThat(scope.template().data()).isEqualTo(-1);
        assertThat(scope.template().payload()).isEqualTo(-1);

        String unknownKind = JwtTokens.account(OPERATOR, ACCOUNT,
                "\"signing_keys\":[{\"kind\":\"other_scope\",\"key\":\"" + scoped.publicKey() + "\"}]");
        assertRefused(() -> JwtDecoder.decodeAccount(unknownKind), Reason.BAD_JSON);
        String userKeyAsSigningKey = JwtTokens.account(OPERATOR, ACCOUNT,
                "\"signing_keys\":[\"" + USER.publicKey() + "\"]");
        assertRefused(() -> JwtDecoder.decodeAccount(userKeyAsSigningKey), Reason.INVALID_CLAIMS);
    }

    @Test
    void jwtDecoderAcceptsHeaderSpellingsGoAccepts() {
        String payload = JwtTokens.payload(ACCOUNT, USER.publicKey(), "{\"type\":\"user\",\"version\":2}");
        for (String header : List.of("{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}", "{\"typ\":\"jwt\",\"alg\":\"ed25519\"}",
                "{\"alg\":\"ED25519-NKEY\",\"typ\":\"Jwt\",\"kid\":\"ignored\"}", "{\"TYP\":\"JWT\",\"Alg\":\"ed25519-nkey\"}")) {
            assertThat(decode(JwtTokens.sign(ACCOUNT, header, payload))).as(header).isInstanceOf(UserClaims.class);
        }
    }

    @Test
    void jwtDecoderRefusesWrongHeader() {
        String payload = JwtTokens.payload(ACCOUNT, USER.publicKey(), "{\"type\":\"user\",\"version\":2}");
        assertRefused(() -> decode(JwtTokens.sign(ACCOUNT, "{\"typ\":\"JWT\",\"alg\":\"HS256\"}", payload)),
                Reason.BAD_ALGORITHM);
        assertRefused(() -> decode(JwtTokens.sign(ACCOUNT, "{\"typ\":\"JWT\",\"alg\":\"none\"}", payload)),
                Reason.BAD_ALGORITHM);
        assertRefused(() -> decode(JwtTokens.sign(ACCOUNT, "{\"typ\":\"JWT\",\"alg\":\"ed25519x\"}", payload)),
                Reason.BAD_ALGORITHM);
        assertRefused(() -> decode(JwtTokens.sign(ACCOUNT, "{\"typ\":\"JWT\"}", payload)), Reason.BAD_ALGORITHM);
        assertRefused(() -> decode(JwtTokens.sign(ACCOUNT, "{\"typ\":\"JWS\",\"alg\":\"ed25519-nkey\"}", payload)),
                Reason.BAD_TYPE);
        assertRefused(() -> decode(JwtTokens.sign(ACCOUNT, "{\"alg\":\"ed25519-nkey\"}", payload)), Reason.BAD_TYPE);
        assertRefused(() -> decode(JwtTokens.sign(ACCOUNT, "{\"typ\":1,\"alg\":\"ed25519-nkey\"}", payload)),
                Reason.BAD_JSON);
        assertRefused(() -> decode(JwtTokens.sign(ACCOUNT, "[]", payload)), Reason.BAD_JSON);
        assertRefused(() -> decode(JwtTokens.sign(ACCOUNT, "", payload)), Reason.BAD_JSON);
    }

    @Test
    void jwtDecoderRefusesBadStructureAndBase64() {
        String good = JwtTokens.user(ACCOUNT, USER, "");
        String[] parts = good.split("\\.");
        assertRefused(() -> decode(null), Reason.BAD_STRUCTURE);
        assertRefused(() -> decode(""), Reason.BAD_STRUCTURE);
        assertRefused(() -> decode(parts[0] + "." + parts[1]), Reason.BAD_STRUCTURE);
        assertRefused(() -> decode(good + ".x"), Reason.BAD_STRUCTURE);
        assertRefused(() -> decode(good + "."), Reason.BAD_STRUCTURE);
        assertRefused(() -> decode(parts[0] + "." + parts[1] + "=." + parts[2]), Reason.BAD_BASE64);
        assertRefused(() -> decode(parts[0] + "." + parts[1] + "." + parts[2] + "=="), Reason.BAD_BASE64);
        assertRefused(() -> decode(parts[0] + "." + parts[1].substring(0, 4) + "+/" + parts[1].substring(6) + "."
                + parts[2]), Reason.BAD_BASE64);
        assertRefused(() -> decode(parts[0] + ".a b." + parts[2]), Reason.BAD_BASE64);
        assertRefused(() -> decode(parts[0] + "." + parts[1] + "." + parts[2].substring(1)), Reason.BAD_BASE64);
        assertRefused(() -> decode(parts[0] + "." + b64("not json") + "." + parts[2]), Reason.BAD_JSON);
    }

    @Test
    void jwtDecoderRefusesTruncatedTokensAtEveryLength() {
        String good = JwtTokens.user(ACCOUNT, USER, "\"pub\":{\"allow\":[\"a.b\"]}");
        for (int length = 0; length < good.length(); length++) {
            String truncated = good.substring(0, length);
            assertThatThrownBy(() -> decode(truncated)).as("length %d", length).isInstanceOf(JwtException.class);
        }
    }

    @Test
    void jwtDecoderRefusesTamperedPayloadAndSwappedSignature() {
        String good = JwtTokens.user(ACCOUNT, USER, "\"pub\":{\"allow\":[\"a.b\"]}");
        String[] parts = good.split("\\.");
        String payload = JwtTokens.unb64(parts[1]);
        String widened = payload.replace("a.b", ">");
        assertRefused(() -> decode(parts[0] + "." + b64(widened) + "." + parts[2]), Reason.BAD_SIGNATURE);

        String other = JwtTokens.user(ACCOUNT, key(NKeyType.USER, 107), "");
        String otherSignature = other.split("\\.")[2];
        assertRefused(() -> decode(parts[0] + "." + parts[1] + "." + otherSignature), Reason.BAD_SIGNATURE);

        // The same claims re-signed by another account key: valid signature, but not by the issuer named inside.
        NKeyPair mallory = key(NKeyType.ACCOUNT, 108);
        assertRefused(() -> decode(JwtTokens.sign(mallory, payload)), Reason.BAD_SIGNATURE);
        assertRefused(() -> decode(parts[0] + "." + parts[1] + "." + b64(new byte[64])), Reason.BAD_SIGNATURE);
        assertRefused(() -> decode(parts[0] + "." + parts[1] + "."), Reason.BAD_SIGNATURE);
    }

    @Test
    void jwtDecoderChecksTheSignatureOverTheHeaderToo() {
        String good = JwtTokens.user(ACCOUNT, USER, "");
        String[] parts = good.split("\\.");
        String otherHeader = b64("{\"typ\":\"JWT\",\"alg\":\"ed25519\"}");
        assertRefused(() -> decode(otherHeader + "." + parts[1] + "." + parts[2]), Reason.BAD_SIGNATURE);
    }

    @Test
    void jwtDecoderRefusesIssuersOfTheWrongKind() {
        NKeyPair otherUser = key(NKeyType.USER, 109);
        // A user key signing a user JWT; an account key signing an operator JWT; an operator key signing a user JWT.
        assertRefused(() -> decode(JwtTokens.user(otherUser, USER, "")), Reason.BAD_ISSUER);
        assertRefused(() -> decode(JwtTokens.sign(ACCOUNT, JwtTokens.payload(ACCOUNT, OPERATOR.publicKey(),
                "{\"type\":\"operator\",\"version\":2}"))), Reason.BAD_ISSUER);
        assertRefused(() -> decode(JwtTokens.user(OPERATOR, USER, "")), Reason.BAD_ISSUER);
        NKeyPair server = key(NKeyType.SERVER, 110);
        assertRefused(() -> decode(JwtTokens.account(server, ACCOUNT, "")), Reason.BAD_ISSUER);
        String noIssuer = JwtTokens.sign(ACCOUNT, "{\"sub\":\"" + USER.publicKey()
                + "\",\"nats\":{\"type\":\"user\",\"version\":2}}");
        assertRefused(() -> decode(noIssuer), Reason.BAD_ISSUER);
        String garbageIssuer = JwtTokens.sign(ACCOUNT, "{\"iss\":\"AXYZ\",\"sub\":\"" + USER.publicKey()
                + "\",\"nats\":{\"type\":\"user\",\"version\":2}}");
        assertRefused(() -> decode(garbageIssuer), Reason.BAD_ISSUER);
    }

    @Test
    void jwtDecoderRefusesSubjectsOfTheWrongKind() {
        // A user JWT about an account key: the key where a user key is required.
        assertRefused(() -> decode(JwtTokens.user(ACCOUNT, key(NKeyType.ACCOUNT, 111), "")), Reason.BAD_SUBJECT);
        assertRefused(() -> decode(JwtTokens.account(OPERATOR, USER, "")), Reason.BAD_SUBJECT);
        assertRefused(() -> decode(JwtTokens.sign(OPERATOR, JwtTokens.payload(OPERATOR, "",
                "{\"type\":\"operator\",\"version\":2}"))), Reason.BAD_SUBJECT);
    }

    @Test
    void jwtDecoderRefusesOtherVersionsAndTypes() {
        String v1 = JwtTokens.sign(ACCOUNT, "{\"iss\":\"" + ACCOUNT.publicKey() + "\",\"sub\":\"" + USER.publicKey()
                + "\",\"type\":\"user\",\"nats\":{}}");
        assertRefused(() -> decode(v1), Reason.UNSUPPORTED_VERSION);
        for (String version : List.of("0", "1", "3", "-2")) {
            String jwt = JwtTokens.sign(ACCOUNT, JwtTokens.payload(ACCOUNT, USER.publicKey(),
                    "{\"type\":\"user\",\"version\":" + version + "}"));
            assertRefused(() -> decode(jwt), Reason.UNSUPPORTED_VERSION);
        }
        String noVersion = JwtTokens.sign(ACCOUNT, JwtTokens.payload(ACCOUNT, USER.publicKey(), "{\"type\":\"user\"}"));
        assertRefused(() -> decode(noVersion), Reason.UNSUPPORTED_VERSION);
        for (String type : List.of("cluster", "server", "generic", "", "USER")) {
            String jwt = JwtTokens.sign(ACCOUNT, JwtTokens.payload(ACCOUNT, USER.publicKey(),
                    "{\"type\":\"" + type + "\",\"version\":2}"));
            assertRefused(() -> decode(jwt), Reason.UNSUPPORTED_CLAIM_TYPE);
        }
        String noNats = JwtTokens.sign(ACCOUNT, "{\"iss\":\"" + ACCOUNT.publicKey() + "\"}");
        assertRefused(() -> decode(noNats), Reason.UNSUPPORTED_VERSION);
    }

    @Test
    void jwtDecoderChecksExpiryAndNotBeforeAgainstTheClock() {
        long exp = 1_800_000_000L;
        long nbf = 1_700_000_000L;
        String jwt = JwtTokens.sign(ACCOUNT, "{\"iss\":\"" + ACCOUNT.publicKey() + "\",\"sub\":\"" + USER.publicKey()
                + "\",\"exp\":" + exp + ",\"nbf\":" + nbf + ",\"nats\":{\"type\":\"user\",\"version\":2}}");
        assertThat(JwtDecoder.decode(jwt, clockAtSecond(nbf))).isInstanceOf(UserClaims.class);
        // Valid through the whole expiry second, as in nats-io/jwt (expired when now > exp).
        assertThat(JwtDecoder.decode(jwt, clockAtSecond(exp))).isInstanceOf(UserClaims.class);
        assertRefused(() -> JwtDecoder.decode(jwt, clockAtSecond(exp + 1)), Reason.EXPIRED);
        assertRefused(() -> JwtDecoder.decode(jwt, clockAtSecond(nbf - 1)), Reason.NOT_YET_VALID);
        assertThat(JwtDecoder.decodeIgnoringTime(jwt).isExpired(java.time.Instant.ofEpochSecond(exp + 1))).isTrue();
        assertThat(JwtDecoder.decodeIgnoringTime(jwt).data().isNotYetValid(java.time.Instant.ofEpochSecond(nbf - 1)))
                .isTrue();
        // An expired account JWT still decodes for the resolver.
        String expiredAccount = JwtTokens.sign(OPERATOR, "{\"iss\":\"" + OPERATOR.publicKey() + "\",\"sub\":\""
                + ACCOUNT.publicKey() + "\",\"exp\":1,\"nats\":{\"type\":\"account\",\"version\":2}}");
        assertThat(JwtDecoder.decodeAccount(expiredAccount).isExpired(NOW)).isTrue();
        assertRefused(() -> decode(expiredAccount), Reason.EXPIRED);
    }

    @Test
    void jwtDecoderRefusesAnotherClaimTypeWhereOneIsExpected() {
        String account = JwtTokens.account(OPERATOR, ACCOUNT, "");
        assertRefused(() -> JwtDecoder.decodeUser(account, clock()), Reason.WRONG_CLAIM_TYPE);
        assertRefused(() -> JwtDecoder.decodeOperator(account, clock()), Reason.WRONG_CLAIM_TYPE);
        assertRefused(() -> JwtDecoder.decodeAccount(JwtTokens.user(ACCOUNT, USER, "")), Reason.WRONG_CLAIM_TYPE);
    }

    @Test
    void jwtDecoderReadsJsonWithGoRules() {
        // Keys match case-insensitively and the last duplicate wins.
        UserClaims user = (UserClaims) decode(JwtTokens.user(ACCOUNT, USER,
                "\"PUB\":{\"Allow\":[\"a\"]},\"pub\":{\"allow\":[\"b\"]},\"Subs\":5,\"subs\":6,\"unknown\":{\"x\":[1,2]}"));
        assertThat(user.limits().permissions().pub().allow()).containsExactly("b");
        assertThat(user.limits().subs()).isEqualTo(6);
        // Null leaves the zero value; a null list element reads as "".
        UserClaims nulls = (UserClaims) decode(JwtTokens.user(ACCOUNT, USER,
                "\"pub\":null,\"subs\":null,\"tags\":[\"x\",null],\"issuer_account\":null"));
        assertThat(nulls.limits().permissions().pub().isEmpty()).isTrue();
        assertThat(nulls.tags()).containsExactly("x", "");
        // src may be one comma-separated string.
        UserClaims src = (UserClaims) decode(JwtTokens.user(ACCOUNT, USER, "\"src\":\" 10.0.0.0/8, 192.168.1.0/24,,10.0.0.0/8\""));
        assertThat(src.limits().src()).containsExactly("10.0.0.0/8", "192.168.1.0/24");
        // Wrong JSON types are errors, never coerced.
        for (String body : List.of("\"subs\":\"5\"", "\"subs\":5.0", "\"subs\":1e3", "\"subs\":true",
                "\"subs\":99999999999999999999", "\"pub\":[]", "\"pub\":{\"allow\":\"a\"}", "\"pub\":{\"allow\":[1]}",
                "\"bearer_token\":1", "\"tags\":\"a\"", "\"times\":[1]", "\"resp\":{\"max\":\"1\"}", "\"src\":5")) {
            assertRefused(() -> decode(JwtTokens.user(ACCOUNT, USER, body)), Reason.BAD_JSON);
        }
        String wrongTopLevelType = JwtTokens.sign(ACCOUNT, "{\"iss\":\"" + ACCOUNT.publicKey() + "\",\"sub\":\""
                + USER.publicKey() + "\",\"iat\":\"now\",\"nats\":{\"type\":\"user\",\"version\":2}}");
        assertRefused(() -> decode(wrongTopLevelType), Reason.BAD_JSON);
    }

    @Test
    void jwtDecoderRefusesTrailingDataAndInvalidJson() {
        String payload = JwtTokens.payload(ACCOUNT, USER.publicKey(), "{\"type\":\"user\",\"version\":2}");
        for (String bad : List.of(payload + "{}", payload + "x", payload.substring(0, payload.length() - 1),
                "{\"a\":1,}", "{'a':1}", "{\"a\":01}", "{\"a\":\"\u0001\"}", "null", "[]", "\"s\"")) {
            assertRefused(() -> decode(JwtTokens.sign(ACCOUNT, bad)), Reason.BAD_JSON);
        }
        // Invalid UTF-8 in the payload.
        String input = b64(JwtTokens.HEADER) + "." + b64(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'});
        String jwt = input + "." + b64(ACCOUNT.sign(input.getBytes(StandardCharsets.US_ASCII)));
        assertRefused(() -> decode(jwt), Reason.BAD_JSON);
    }

    @Test
    void jwtDecoderExportTypeMustBeStreamOrServiceWhenPresent() {
        assertRefused(() -> JwtDecoder.decodeAccount(JwtTokens.account(OPERATOR, ACCOUNT,
                "\"exports\":[{\"subject\":\"a\",\"type\":\"Stream\"}]")), Reason.BAD_JSON);
        assertRefused(() -> JwtDecoder.decodeAccount(JwtTokens.account(OPERATOR, ACCOUNT,
                "\"exports\":[{\"subject\":\"a\",\"type\":null}]")), Reason.BAD_JSON);
        assertRefused(() -> JwtDecoder.decodeAccount(JwtTokens.account(OPERATOR, ACCOUNT,
                "\"exports\":[{\"subject\":\"a\"}]")), Reason.INVALID_CLAIMS);
        AccountClaims account = JwtDecoder.decodeAccount(JwtTokens.account(OPERATOR, ACCOUNT,
                "\"exports\":[null,{\"subject\":\"a.*\",\"type\":\"service\",\"service_latency\":"
                        + "{\"sampling\":\"HEADERS\",\"results\":\"lat\"},\"account_token_position\":2}]"));
        assertThat(account.exports()).singleElement().satisfies(e -> {
            assertThat(e.latency()).isEqualTo(new AccountClaims.ServiceLatency(0, "lat"));
            assertThat(e.accountTokenPosition()).isEqualTo(2);
        });
    }

    @Test
    void jwtDecoderTieredLimitsZeroTheUntieredOnes() {
        AccountClaims account = JwtDecoder.decodeAccount(JwtTokens.account(OPERATOR, ACCOUNT,
                "\"limits\":{\"mem_storage\":5,\"tiered_limits\":{\"R1\":{\"mem_storage\":7,\"streams\":2}}}"));
        assertThat(account.limits().jetStream()).isEqualTo(AccountLimits.JetStreamLimits.EMPTY);
        assertThat(account.limits().tiered()).containsOnlyKeys("R1");
        assertThat(account.limits().tiered().get("R1").memoryStorage()).isEqualTo(7);
    }

    @Test
    void jwtDecoderEnforcesUserContentRules() {
        for (String body : List.of("\"pub\":{\"allow\":[\"a b\"]}", "\"pub\":{\"allow\":[\"\"]}",
                "\"sub\":{\"deny\":[\"a..b\"]}", "\"sub\":{\"allow\":[\"a q x\"]}", "\"pub\":{\"deny\":[\".a\"]}",
                "\"src\":[\"10.0.0.0\"]", "\"src\":[\"10.0.0.0/33\"]", "\"src\":[\"example.com/8\"]",
                "\"src\":[\"010.0.0.0/8\"]", "\"times\":[{\"start\":\"8:00\",\"end\":\"09:00:00\"}]",
                "\"times\":[{\"start\":\"24:00:00\",\"end\":\"09:00:00\"}]", "\"times\":[{\"start\":\"08:00:00\"}]",
                "\"times_location\":\"Mars/Olympus\"", "\"issuer_account\":\"" + USER.publicKey() + "\"")) {
            assertRefused(() -> decode(JwtTokens.user(ACCOUNT, USER, body)), Reason.INVALID_CLAIMS);
        }
        UserClaims ok = (UserClaims) decode(JwtTokens.user(ACCOUNT, USER,
                "\"sub\":{\"allow\":[\"a.* q1\"]},\"src\":[\"::1/128\",\"192.168.0.0/16\"],"
                        + "\"times\":[{\"start\":\"9:00:00\",\"end\":\"23:59:59\"}],\"times_location\":\"UTC\""));
        assertThat(ok.limits().times()).hasSize(1);
    }

    @Test
    void jwtDecoderDecodesActivationAndAuthorizationClaims() {
        NKeyPair importer = key(NKeyType.ACCOUNT, 112);
        ActivationClaims activation = (ActivationClaims) decode(JwtTokens.sign(ACCOUNT, JwtTokens.payload(ACCOUNT,
                importer.publicKey(), "{\"subject\":\"feed.>\",\"kind\":\"stream\",\"type\":\"activation\",\"version\":2}")));
        assertThat(activation.importSubject()).isEqualTo("feed.>");
        assertThat(activation.importType()).isEqualTo(ExportType.STREAM);

        NKeyPair server = key(NKeyType.SERVER, 113);
        AuthorizationRequestClaims request = (AuthorizationRequestClaims) decode(JwtTokens.sign(server,
                JwtTokens.payload(server, USER.publicKey(), "{\"server_id\":{\"name\":\"s1\",\"host\":\"h\",\"id\":\"N1\"},"
                        + "\"user_nkey\":\"" + USER.publicKey() + "\",\"client_info\":{\"host\":\"1.2.3.4\",\"id\":7},"
                        + "\"connect_opts\":{\"user\":\"u\",\"pass\":\"secret\",\"protocol\":1},"
                        + "\"client_tls\":{\"version\":\"1.3\",\"verified_chains\":[[\"c1\",\"c2\"]]},"
                        + "\"type\":\"authorization_request\",\"version\":2}")));
        assertThat(request.server().name()).isEqualTo("s1");
        assertThat(request.clientInformation().id()).isEqualTo(7);
        assertThat(request.connectOptions().pass()).isEqualTo("secret");
        assertThat(request.connectOptions().toString()).doesNotContain("secret");
        assertThat(request.tls().verifiedChains()).containsExactly(List.of("c1", "c2"));

        AuthorizationResponseClaims response = (AuthorizationResponseClaims) decode(JwtTokens.sign(ACCOUNT,
                "{\"iss\":\"" + ACCOUNT.publicKey() + "\",\"sub\":\"" + USER.publicKey() + "\",\"aud\":\""
                        + server.publicKey() + "\",\"nats\":{\"error\":\"no\",\"type\":\"authorization_response\","
                        + "\"version\":2}}"));
        assertThat(response.error()).isEqualTo("no");
        String both = JwtTokens.sign(ACCOUNT, "{\"iss\":\"" + ACCOUNT.publicKey() + "\",\"sub\":\"" + USER.publicKey()
                + "\",\"aud\":\"" + server.publicKey() + "\",\"nats\":{\"error\":\"no\",\"jwt\":\"x\","
                + "\"type\":\"authorization_response\",\"version\":2}}");
        assertRefused(() -> decode(both), Reason.INVALID_CLAIMS);
    }

    @Test
    @Timeout(10)
    void jwtDecoderBoundsHugeInputs() {
        String tooLong = "a".repeat(JwtDecoder.TOKEN_LENGTH_MAX + 1);
        assertRefused(() -> decode(tooLong), Reason.TOO_LARGE);
        String dots = ".".repeat(JwtDecoder.TOKEN_LENGTH_MAX);
        assertRefused(() -> decode(dots), Reason.BAD_STRUCTURE);

        // Deep nesting inside a validly signed payload.
        String deep = "{\"x\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
        assertRefused(() -> decode(JwtTokens.sign(ACCOUNT, deep)), Reason.BAD_JSON);
        // Nesting at the limit is fine.
        String atLimit = JwtTokens.payload(ACCOUNT, USER.publicKey(), "{\"type\":\"user\",\"version\":2,\"x\":"
                + "[".repeat(GoJson.DEPTH_MAX - 3) + "]".repeat(GoJson.DEPTH_MAX - 3) + "}");
        assertThat(decode(JwtTokens.sign(ACCOUNT, atLimit))).isInstanceOf(UserClaims.class);

        // Many keys and a long permission list close to the size limit decode in reasonable time.
        StringBuilder many = new StringBuilder("\"pub\":{\"allow\":[");
        for (int i = 0; i < 40_000; i++) {
            many.append(i == 0 ? "" : ",").append("\"s.").append(i).append('"');
        }
        many.append("]}");
        for (int i = 0; i < 20_000; i++) {
            many.append(",\"k").append(i).append("\":").append(i);
        }
        String big = JwtTokens.user(ACCOUNT, USER, many.toString());
        assertThat(big.length()).isLessThan(JwtDecoder.TOKEN_LENGTH_MAX);
        assertThat(((UserClaims) decode(big)).limits().permissions().pub().allow()).hasSize(40_000);

        // A comma-separated src with many distinct networks is deduplicated in linear time.
        StringBuilder src = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            src.append(i == 0 ? "" : ",").append("10.").append(i / 256 % 256).append('.').append(i % 256).append(".0/24");
        }
        String manyNetworks = JwtTokens.user(ACCOUNT, USER, "\"src\":\"" + src + "\"");
        assertThat(((UserClaims) decode(manyNetworks)).limits().src()).hasSize(40_000);

        String hugeNumber = JwtTokens.user(ACCOUNT, USER, "\"subs\":" + "9".repeat(5000));
        assertRefused(() -> decode(hugeNumber), Reason.BAD_JSON);
    }

    @Test
    void jwtDecoderExceptionMessagesDoNotEchoTheToken() {
        String good = JwtTokens.user(ACCOUNT, USER, "");
        String[] parts = good.split("\\.");
        assertThatThrownBy(() -> decode(parts[0] + "." + parts[1] + "." + b64(new byte[64])))
                .isInstanceOf(JwtException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(parts[1]));
    }

    @Test
    void jwtDecoderRevocationsFollowNatsRule() {
        AccountClaims account = AccountClaims.of(ACCOUNT.publicKey(), "a")
                .withRevocations(Map.of(USER.publicKey(), 100L));
        assertThat(account.isRevoked(USER.publicKey(), 99)).isTrue();
        assertThat(account.isRevoked(USER.publicKey(), 100)).isTrue();
        assertThat(account.isRevoked(USER.publicKey(), 101)).isFalse();
        AccountClaims all = account.withRevocations(Map.of(AccountClaims.REVOKE_ALL, 50L));
        assertThat(all.isRevoked(USER.publicKey(), 50)).isTrue();
        assertThat(all.isRevoked(USER.publicKey(), 51)).isFalse();
    }
}
