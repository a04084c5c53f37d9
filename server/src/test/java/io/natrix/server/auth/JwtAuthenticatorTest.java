package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.NOW;
import static io.natrix.server.auth.OperatorFixtures.ACCOUNT;
import static io.natrix.server.auth.OperatorFixtures.ACCOUNT_B;
import static io.natrix.server.auth.OperatorFixtures.ACCOUNT_SIGNER;
import static io.natrix.server.auth.OperatorFixtures.OPERATOR;
import static io.natrix.server.auth.OperatorFixtures.SCOPED_SIGNER;
import static io.natrix.server.auth.OperatorFixtures.STRANGER_OPERATOR;
import static io.natrix.server.auth.OperatorFixtures.SYSTEM;
import static io.natrix.server.auth.OperatorFixtures.USER;
import static io.natrix.server.auth.OperatorFixtures.USER_2;
import static io.natrix.server.auth.OperatorFixtures.accountJwt;
import static io.natrix.server.auth.OperatorFixtures.trust;
import static io.natrix.server.auth.OperatorFixtures.userJwt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.auth.AccountClaims.SigningKey;
import io.natrix.server.auth.AccountClaims.UserScope;
import io.natrix.server.auth.ConfigAuthenticator.Credentials;
import io.natrix.server.auth.JwtAuthenticator.Failure;
import io.natrix.server.auth.JwtAuthenticator.Peer;
import io.natrix.server.auth.JwtAuthenticator.Result;
import io.natrix.server.auth.JwtPermissions.Permission;
import io.natrix.server.auth.JwtPermissions.ResponsePermission;
import io.natrix.server.auth.UserPermissionLimits.TimeRange;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CONNECT handshake in operator mode on real issued tokens: every way a client gets in and every way it is
 * refused, with the failure nats-server would log.
 */
class JwtAuthenticatorTest {
    private static final String NONCE = "f2Ag0bq5yWZ0lYc";
    private static final InetAddress LOCAL = InetAddress.getLoopbackAddress();
    private static final long T = NOW.getEpochSecond();

    private final Map<String, String> accounts = new HashMap<>();

    private static AccountClaims account() {
        return AccountClaims.of(ACCOUNT.publicKey(), "orders").withSigningKeys(Map.of(
                ACCOUNT_SIGNER.publicKey(), SigningKey.unscoped(ACCOUNT_SIGNER.publicKey()),
                SCOPED_SIGNER.publicKey(), new SigningKey(SCOPED_SIGNER.publicKey(), new UserScope(
                        SCOPED_SIGNER.publicKey(), "member", UserPermissionLimits.UNLIMITED.withPermissions(
                        new JwtPermissions(new Permission(List.of("users.{{name()}}.>"), List.of()),
                                new Permission(List.of("_INBOX.>"), List.of()), null)), ""))));
    }

    private void put(AccountClaims claims) {
        accounts.put(claims.data().subject(), accountJwt(claims, OPERATOR, T - 7200));
    }

    private JwtAuthenticator authenticator() {
        return new JwtAuthenticator(trust(), new MemoryResolver(trust(), accounts), Set.of(), ZoneOffset.UTC);
    }

    private static String sign(NKeyPair key, String nonce) {
        return JwtTokens.b64(key.sign(nonce.getBytes(StandardCharsets.UTF_8)));
    }

    private static Credentials connect(String jwt, String signature) {
        return new Credentials(null, null, null, null, signature, jwt, NONCE);
    }

    private static Credentials signed(String jwt, NKeyPair key) {
        return connect(jwt, sign(key, NONCE));
    }

    private static UserClaims user(UserPermissionLimits limits) {
        return UserClaims.of(USER.publicKey(), "alice").withLimits(limits);
    }

    private static UserPermissionLimits publishing(String... subjects) {
        return UserPermissionLimits.UNLIMITED.withPermissions(
                new JwtPermissions(new Permission(List.of(subjects), List.of()), Permission.NONE, null));
    }

    private Result auth(Credentials c) {
        return authenticator().authenticate(c, Peer.standard(LOCAL), NOW);
    }

    private void assertRefused(Result result, Failure failure) {
        assertThat(result.failure()).as(result.logMessage()).isEqualTo(failure);
        assertThat(result.identity()).isNull();
    }

    // ---- who gets in ----

    @Test
    void aUserOfTheAccountKey() {
        put(account());
        String jwt = userJwt(user(publishing("orders.>")), ACCOUNT);

        Result result = auth(signed(jwt, USER));

        assertThat(result.ok()).as(result.logMessage()).isTrue();
        JwtIdentity id = result.identity();
        assertThat(id.userKey()).isEqualTo(USER.publicKey());
        assertThat(id.userName()).isEqualTo("alice");
        assertThat(id.accountKey()).isEqualTo(ACCOUNT.publicKey());
        assertThat(id.account().data().name()).isEqualTo("orders");
        assertThat(id.user().data().issuer()).isEqualTo(ACCOUNT.publicKey());
        assertThat(id.signingKey()).isNull();
        assertThat(id.expires()).isNull();
        assertThat(id.accountDefaults()).isFalse();
        assertThat(id.bearer()).isFalse();
        assertThat(id.permissions().canPublish("orders.new")).isTrue();
        assertThat(id.permissions().canPublish("billing.new")).isFalse();
        assertThat(id.permissions().canSubscribe("anything", null)).isTrue();
        assertThat(authenticator().authenticate(signed(jwt, USER), LOCAL, NOW)).isPresent();
    }

    @Test
    void aUserOfAnAccountSigningKey() {
        put(account());
        String jwt = userJwt(user(publishing("orders.>")).withIssuerAccount(ACCOUNT.publicKey()), ACCOUNT_SIGNER);

        Result result = auth(signed(jwt, USER));

        assertThat(result.ok()).as(result.logMessage()).isTrue();
        assertThat(result.identity().accountKey()).isEqualTo(ACCOUNT.publicKey());
        assertThat(result.identity().signingKey()).isEqualTo(ACCOUNT_SIGNER.publicKey());
    }

    @Test
    void aUserOfAScopedSigningKeyGetsTheExpandedTemplate() {
        put(account());
        String jwt = userJwt(new UserClaims(ClaimsData.of(USER.publicKey(), "alice"), UserPermissionLimits.EMPTY,
                ACCOUNT.publicKey(), List.of()), SCOPED_SIGNER);

        Result result = auth(signed(jwt, USER));

        assertThat(result.ok()).as(result.logMessage()).isTrue();
        PermissionsPolicy p = result.identity().permissions();
        assertThat(p.canPublish("users.alice.inbox")).isTrue();
        assertThat(p.canPublish("users.bob.inbox")).isFalse();
        assertThat(p.canSubscribe("_INBOX.abc", null)).isTrue();
        assertThat(p.canSubscribe("orders", null)).isFalse();
        assertThat(result.identity().limits().permissions().pub().allow()).containsExactly("users.alice.>");
        assertThat(result.identity().user().limits()).isEqualTo(UserPermissionLimits.EMPTY);
    }

    @Test
    void aScopedUserMayNotBringItsOwnPermissions() {
        put(account());
        String jwt = userJwt(user(publishing(">")).withIssuerAccount(ACCOUNT.publicKey()), SCOPED_SIGNER);
        assertRefused(auth(signed(jwt, USER)), Failure.SCOPE_VIOLATION);
    }

    @Test
    void aUserWithoutPermissionsGetsTheAccountDefaults() {
        put(account().withDefaultPermissions(new JwtPermissions(Permission.NONE,
                new Permission(List.of(), List.of("secret.>")), null)));
        Result result = auth(signed(userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT), USER));

        assertThat(result.ok()).as(result.logMessage()).isTrue();
        assertThat(result.identity().accountDefaults()).isTrue();
        assertThat(result.identity().permissions().canSubscribe("secret.x", null)).isFalse();
        assertThat(result.identity().permissions().canSubscribe("public.x", null)).isTrue();

        // A user with any permission of its own ignores the defaults.
        Result own = auth(signed(userJwt(user(publishing("a")), ACCOUNT), USER));
        assertThat(own.identity().accountDefaults()).isFalse();
        assertThat(own.identity().permissions().canSubscribe("secret.x", null)).isTrue();
    }

    @Test
    void noPermissionsAnywhereMeansUnrestricted() {
        put(account());
        Result result = auth(signed(userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT), USER));
        assertThat(result.identity().permissions()).isSameAs(PermissionsPolicy.UNRESTRICTED);
    }

    @Test
    void aResponsePermissionAloneAllowsOnlyReplies() {
        PermissionsPolicy p = JwtAuthenticator.policy(new JwtPermissions(Permission.NONE, Permission.NONE,
                new ResponsePermission(0, 0)));
        assertThat(p.responses()).isEqualTo(PermissionsPolicy.Responses.DEFAULT);
        assertThat(p.canPublish("anything")).isFalse();

        PermissionsPolicy limited = JwtAuthenticator.policy(new JwtPermissions(
                new Permission(List.of("svc.>"), List.of()), Permission.NONE,
                new ResponsePermission(5, Duration.ofSeconds(30).toNanos())));
        assertThat(limited.responses()).isEqualTo(new PermissionsPolicy.Responses(5, Duration.ofSeconds(30)));
        assertThat(limited.canPublish("svc.a")).isTrue();

        PermissionsPolicy denyOnly = JwtAuthenticator.policy(new JwtPermissions(
                new Permission(List.of(), List.of("admin.>")), Permission.NONE, null));
        assertThat(denyOnly.canPublish("orders")).isTrue();
        assertThat(denyOnly.canPublish("admin.x")).isFalse();
    }

    @Test
    void bearerTokensSkipTheSignatureWhenTheAccountAllowsThem() {
        put(account());
        String bearer = userJwt(user(UserPermissionLimits.UNLIMITED.withBearerToken(true)), ACCOUNT);

        Result result = auth(connect(bearer, null));

        assertThat(result.ok()).as(result.logMessage()).isTrue();
        assertThat(result.identity().bearer()).isTrue();
    }

    @Test
    void bearerTokensAreRefusedWhenTheAccountDisallowsThem() {
        put(account().withLimits(new AccountLimits(-1, -1, -1, -1, -1, true, true, -1, -1, null, null)));
        String bearer = userJwt(user(UserPermissionLimits.UNLIMITED.withBearerToken(true)), ACCOUNT);

        assertRefused(auth(connect(bearer, null)), Failure.BEARER_NOT_ALLOWED);
        // The same user signing the nonce is still a bearer token, and still refused.
        assertRefused(auth(signed(bearer, USER)), Failure.BEARER_NOT_ALLOWED);
        // Non-bearer users of that account are fine.
        assertThat(auth(signed(userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT), USER)).ok()).isTrue();
    }

    // ---- the nonce signature ----

    @Test
    void aSignatureByAnotherKeyIsRefused() {
        put(account());
        assertRefused(auth(signed(userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT), USER_2)),
                Failure.SIGNATURE_INVALID);
    }

    @Test
    void aSignatureReplayedFromAnotherNonceIsRefused() {
        put(account());
        String jwt = userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT);
        String oldSignature = sign(USER, "an-earlier-nonce");

        assertRefused(auth(connect(jwt, oldSignature)), Failure.SIGNATURE_INVALID);
    }

    @Test
    void aMissingOrMalformedSignatureIsRefused() {
        put(account());
        String jwt = userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT);
        assertRefused(auth(connect(jwt, null)), Failure.SIGNATURE_MISSING);
        assertRefused(auth(connect(jwt, "")), Failure.SIGNATURE_MISSING);
        assertRefused(auth(connect(jwt, "!!not base64!!")), Failure.SIGNATURE_INVALID);
        Result noNonce = auth(new Credentials(null, null, null, null, sign(USER, NONCE), jwt, null));
        assertRefused(noNonce, Failure.SIGNATURE_INVALID);
    }

    @Test
    void aSignatureInStandardBase64IsAccepted() {
        put(account());
        String jwt = userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT);
        String std = java.util.Base64.getEncoder().encodeToString(USER.sign(NONCE.getBytes(StandardCharsets.UTF_8)));
        assertThat(auth(connect(jwt, std)).ok()).isTrue();
    }

    // ---- time ----

    @Test
    void anExpiredUserIsRefused() {
        put(account());
        String jwt = userJwt(new UserClaims(ClaimsData.of(USER.publicKey(), "alice").withExpiresAtSeconds(T - 1),
                UserPermissionLimits.UNLIMITED, "", List.of()), ACCOUNT);
        Result result = auth(signed(jwt, USER));
        assertRefused(result, Failure.USER_EXPIRED);
        assertThat(result.logMessage()).startsWith("User JWT no longer valid: ");
    }

    @Test
    void aUserThatExpiresLaterCarriesItsExpiry() {
        put(account());
        String jwt = userJwt(new UserClaims(ClaimsData.of(USER.publicKey(), "alice").withExpiresAtSeconds(T + 60),
                UserPermissionLimits.UNLIMITED, "", List.of()), ACCOUNT);
        assertThat(auth(signed(jwt, USER)).identity().expires()).isEqualTo(Instant.ofEpochSecond(T + 60));
    }

    @Test
    void anExpiredAccountIsRefused() {
        AccountClaims expired = account().withData(ClaimsData.of(ACCOUNT.publicKey(), "orders")
                .withExpiresAtSeconds(T - 10));
        accounts.put(ACCOUNT.publicKey(), accountJwt(expired, OPERATOR, T - 100));
        assertRefused(auth(signed(userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT), USER)),
                Failure.ACCOUNT_EXPIRED);
    }

    @Test
    void connectTimesAreDailyWindows() {
        put(account());
        JwtAuthenticator authenticator = authenticator();
        // NOW is midnight UTC; 10:00 is inside 08:00-17:00, midnight inside 23:00-01:00.
        String office = userJwt(user(withTimes(List.of(new TimeRange("08:00:00", "17:00:00")), "UTC")), ACCOUNT);
        Result inside = authenticator.authenticate(signed(office, USER), Peer.standard(LOCAL), NOW.plusSeconds(36000));
        assertThat(inside.ok()).as(inside.logMessage()).isTrue();
        assertThat(inside.identity().expires()).isEqualTo(NOW.plusSeconds(17 * 3600));
        assertRefused(authenticator.authenticate(signed(office, USER), Peer.standard(LOCAL), NOW),
                Failure.OUTSIDE_TIMES);

        String night = userJwt(user(withTimes(List.of(new TimeRange("23:00:00", "01:00:00")), "")), ACCOUNT);
        Result atMidnight = authenticator.authenticate(signed(night, USER), Peer.standard(LOCAL), NOW.plusSeconds(60));
        assertThat(atMidnight.ok()).as(atMidnight.logMessage()).isTrue();
        assertThat(atMidnight.identity().expires()).isEqualTo(NOW.plusSeconds(3600));
        Result lateEvening = authenticator.authenticate(signed(night, USER), Peer.standard(LOCAL),
                NOW.plusSeconds(23 * 3600 + 1800));
        assertThat(lateEvening.identity().expires()).isEqualTo(NOW.plusSeconds(25 * 3600));

        String tokyo = userJwt(user(withTimes(List.of(new TimeRange("08:00:00", "17:00:00")), "Asia/Tokyo")),
                ACCOUNT);
        // Midnight UTC is 09:00 in Tokyo.
        assertThat(authenticator.authenticate(signed(tokyo, USER), Peer.standard(LOCAL), NOW).ok()).isTrue();
    }

    private static UserPermissionLimits withTimes(List<TimeRange> times, String locale) {
        return new UserPermissionLimits(JwtPermissions.NONE, List.of(), times, locale, -1, -1, -1, false, false,
                List.of());
    }

    // ---- revocation ----

    @Test
    void aRevokedUserIsRefused() {
        put(account().withRevocations(Map.of(USER.publicKey(), T - 3600)));
        Result result = auth(signed(userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT), USER));
        assertRefused(result, Failure.REVOKED);
        assertThat(result.logMessage()).isEqualTo("User authentication revoked");
    }

    @Test
    void revokingEveryoneRevokesTheUser() {
        put(account().withRevocations(Map.of(AccountClaims.REVOKE_ALL, T)));
        assertRefused(auth(signed(userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT), USER)), Failure.REVOKED);
    }

    @Test
    void aUserIssuedAfterTheRevocationIsNotRevoked() {
        put(account().withRevocations(Map.of(USER.publicKey(), T - 7200, AccountClaims.REVOKE_ALL, T - 7200)));
        assertThat(auth(signed(userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT), USER)).ok()).isTrue();
    }

    // ---- the account ----

    @Test
    void anAccountFromAnUntrustedOperatorIsRefused() {
        // A resolver that trusts another operator too; the authenticator trusts only ours.
        TrustedOperators both = TrustedOperators.of(List.of(OperatorFixtures.operatorClaims(),
                OperatorClaims.of(STRANGER_OPERATOR.publicKey(), "stranger")));
        String account = accountJwt(account(), STRANGER_OPERATOR, T - 100);
        MemoryResolver resolver = new MemoryResolver(both, Map.of(ACCOUNT.publicKey(), account));
        JwtAuthenticator authenticator = new JwtAuthenticator(trust(), resolver, Set.of(), ZoneOffset.UTC);

        Result result = authenticator.authenticate(signed(userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT),
                USER), Peer.standard(LOCAL), NOW);

        assertRefused(result, Failure.ACCOUNT_UNTRUSTED);
    }

    @Test
    void anAccountTheResolverDoesNotHaveIsRefused() {
        put(account());
        Result result = auth(signed(userJwt(UserClaims.of(USER.publicKey(), "u"), ACCOUNT_B), USER));
        assertRefused(result, Failure.ACCOUNT_NOT_FOUND);
        assertThat(result.detail()).isEqualTo(ACCOUNT_B.publicKey());
    }

    @Test
    void aUserWhoseIssuerAccountIsAnotherAccountIsRefused() {
        put(account());
        put(AccountClaims.of(ACCOUNT_B.publicKey(), "other"));
        // Signed by account A, but claiming to belong to account B.
        String jwt = userJwt(UserClaims.of(USER.publicKey(), "u").withIssuerAccount(ACCOUNT_B.publicKey()), ACCOUNT);
        assertRefused(auth(signed(jwt, USER)), Failure.ISSUER_NOT_KNOWN);
        // Signed by a key that account A does not list.
        String stranger = userJwt(UserClaims.of(USER.publicKey(), "u").withIssuerAccount(ACCOUNT.publicKey()),
                AuthFixtures.key(NKeyType.ACCOUNT, 700));
        assertRefused(auth(signed(stranger, USER)), Failure.ISSUER_NOT_KNOWN);
    }

    @Test
    void pinnedAccountsKeepOthersOut() {
        put(account());
        JwtAuthenticator pinned = new JwtAuthenticator(trust(), new MemoryResolver(trust(), accounts),
                Set.of(SYSTEM.publicKey()), ZoneOffset.UTC);
        assertRefused(pinned.authenticate(signed(userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT), USER),
                Peer.standard(LOCAL), NOW), Failure.ACCOUNT_NOT_PINNED);
    }

    // ---- malformed tokens ----

    @Test
    void noJwtIsRefused() {
        put(account());
        assertRefused(auth(connect(null, null)), Failure.NO_JWT);
        assertRefused(auth(new Credentials(null, "user", "pass", null, null, null, NONCE)), Failure.NO_JWT);
        assertThat(auth(connect(null, null)).logMessage()).isEqualTo("Authentication requires a user JWT");
    }

    @Test
    void truncatedOrGarbageJwtsAreRefused() {
        put(account());
        String jwt = userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT);
        for (String bad : List.of(jwt.substring(0, jwt.length() - 10), jwt.substring(0, jwt.lastIndexOf('.')),
                "garbage", "eyJ.eyJ.", "a.b.c", jwt + "x", jwt.replace('.', ','))) {
            assertRefused(auth(signed(bad, USER)), Failure.INVALID_USER_JWT);
        }
        // An account JWT is not a user JWT.
        assertRefused(auth(signed(accounts.get(ACCOUNT.publicKey()), USER)), Failure.INVALID_USER_JWT);
    }

    // ---- the connection ----

    @Test
    void sourceAddressesMustBeInTheUsersCidrs() throws Exception {
        put(account());
        UserPermissionLimits src = new UserPermissionLimits(JwtPermissions.NONE, List.of("10.0.0.0/8",
                "127.0.0.1/32"), List.of(), "", -1, -1, -1, false, false, List.of());
        String jwt = userJwt(user(src), ACCOUNT);
        JwtAuthenticator authenticator = authenticator();

        assertThat(authenticator.authenticate(signed(jwt, USER), Peer.standard(InetAddress.getByName("127.0.0.1")),
                NOW).ok()).isTrue();
        assertThat(authenticator.authenticate(signed(jwt, USER), Peer.standard(InetAddress.getByName("10.1.2.3")),
                NOW).ok()).isTrue();
        Result outside = authenticator.authenticate(signed(jwt, USER),
                Peer.standard(InetAddress.getByName("192.168.1.1")), NOW);
        assertRefused(outside, Failure.SOURCE_ADDRESS);
        assertThat(outside.logMessage()).isEqualTo("Bad src Ip: 192.168.1.1");
        assertRefused(authenticator.authenticate(signed(jwt, USER), Peer.standard(null), NOW),
                Failure.SOURCE_ADDRESS);
    }

    @Test
    void allowedConnectionTypes() {
        put(account());
        JwtAuthenticator authenticator = authenticator();
        String wsOnly = userJwt(user(connectionTypes("WEBSOCKET")), ACCOUNT);
        assertRefused(authenticator.authenticate(signed(wsOnly, USER), Peer.standard(LOCAL), NOW),
                Failure.CONNECTION_TYPE);
        assertThat(authenticator.authenticate(signed(wsOnly, USER), new Peer(LOCAL, "websocket", false), NOW).ok())
                .isTrue();
        assertThat(authenticator.authenticate(signed(userJwt(user(connectionTypes("STANDARD")), ACCOUNT), USER),
                Peer.standard(LOCAL), NOW).ok()).isTrue();
    }

    @Test
    void unknownConnectionTypesAreIgnoredUnlessNothingElseIsAllowed() {
        assertThat(JwtAuthenticator.connectionTypeAllowed(List.of("standard", "QUIC"), "STANDARD")).isTrue();
        assertThat(JwtAuthenticator.connectionTypeAllowed(List.of("QUIC"), "STANDARD")).isFalse();
        assertThat(JwtAuthenticator.connectionTypeAllowed(List.of(), "STANDARD")).isTrue();
    }

    private static UserPermissionLimits connectionTypes(String... types) {
        return new UserPermissionLimits(JwtPermissions.NONE, List.of(), List.of(), "", -1, -1, -1, false, false,
                List.of(types));
    }

    @Test
    void proxyRequiredUsersMustComeThroughATrustedProxy() {
        put(account());
        UserPermissionLimits proxied = new UserPermissionLimits(JwtPermissions.NONE, List.of(), List.of(), "", -1,
                -1, -1, false, true, List.of());
        String jwt = userJwt(user(proxied), ACCOUNT);
        assertRefused(authenticator().authenticate(signed(jwt, USER), Peer.standard(LOCAL), NOW),
                Failure.PROXY_REQUIRED);
        assertThat(authenticator().authenticate(signed(jwt, USER), new Peer(LOCAL, null, true), NOW).ok()).isTrue();
    }

    // ---- claim updates ----

    @Test
    void accountUpdatesAreCheckedWithNatsServerReplyTexts() {
        JwtAuthenticator authenticator = authenticator();
        String good = accountJwt(ACCOUNT);
        assertThat(authenticator.validateAccountUpdate(good).data().subject()).isEqualTo(ACCOUNT.publicKey());

        assertThatThrownBy(() -> authenticator.validateAccountUpdate(""))
                .hasMessage("jwt update error - request body is empty");
        assertThatThrownBy(() -> authenticator.validateAccountUpdate("garbage"))
                .hasMessageStartingWith("jwt update resulted in error - ");
        assertThatThrownBy(() -> authenticator.validateAccountUpdate(
                accountJwt(AccountClaims.of(ACCOUNT.publicKey(), "a"), STRANGER_OPERATOR, T)))
                .isInstanceOfSatisfying(JwtException.class,
                        e -> assertThat(e.reason()).isEqualTo(JwtException.Reason.UNTRUSTED_ISSUER))
                .hasMessage("jwt update resulted in error - account validation failed");
        String expired = accountJwt(AccountClaims.of(ACCOUNT.publicKey(), "a").withData(
                ClaimsData.of(ACCOUNT.publicKey(), "a").withExpiresAtSeconds(T - 1)), OPERATOR, T - 10);
        assertThat(authenticator.validateAccountUpdate(expired)).isNotNull(); // stored, its users then refused
    }

    @Test
    void recheckAppliesAnAccountUpdateToALiveConnection() {
        put(account().withDefaultPermissions(new JwtPermissions(new Permission(List.of("a"), List.of()),
                Permission.NONE, null)));
        JwtAuthenticator authenticator = authenticator();
        JwtIdentity id = authenticator.authenticate(signed(userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT),
                USER), Peer.standard(LOCAL), NOW).identity();
        assertThat(id.permissions().canPublish("b")).isFalse();

        AccountClaims widened = account().withDefaultPermissions(new JwtPermissions(
                new Permission(List.of("a", "b"), List.of()), Permission.NONE, null));
        Result kept = authenticator.recheck(id, widened, NOW);
        assertThat(kept.ok()).isTrue();
        assertThat(kept.identity().permissions().canPublish("b")).isTrue();

        assertRefused(authenticator.recheck(id, account().withRevocations(Map.of(USER.publicKey(), T)), NOW),
                Failure.REVOKED);
        assertRefused(authenticator.recheck(id, account().withData(ClaimsData.of(ACCOUNT.publicKey(), "o")
                .withExpiresAtSeconds(T - 1)), NOW), Failure.ACCOUNT_EXPIRED);
    }

    @Test
    void recheckClosesUsersOfARemovedOrChangedSigningKey() {
        put(account());
        JwtAuthenticator authenticator = authenticator();
        JwtIdentity bySigner = authenticator.authenticate(signed(userJwt(user(UserPermissionLimits.UNLIMITED)
                .withIssuerAccount(ACCOUNT.publicKey()), ACCOUNT_SIGNER), USER), Peer.standard(LOCAL), NOW)
                .identity();
        JwtIdentity byAccount = authenticator.authenticate(signed(userJwt(user(UserPermissionLimits.UNLIMITED),
                ACCOUNT), USER), Peer.standard(LOCAL), NOW).identity();
        AccountClaims withoutSigner = account().withSigningKeys(Map.of());

        assertRefused(authenticator.recheck(bySigner, withoutSigner, NOW), Failure.SIGNING_KEY_CHANGED);
        assertThat(authenticator.recheck(byAccount, withoutSigner, NOW).ok()).isTrue();
        assertThat(authenticator.recheck(bySigner, account(), NOW).ok()).isTrue();
    }

    @Test
    void builtFromTheConfiguration() {
        put(account());
        OperatorConfig config = OperatorConfigTest.read("operator: \"" + OperatorFixtures.operatorJwt()
                + "\"\nresolver: MEMORY\nresolver_preload: { " + ACCOUNT.publicKey() + ": \""
                + accounts.get(ACCOUNT.publicKey()) + "\" }");
        JwtAuthenticator authenticator = JwtAuthenticator.of(config, config.openResolver(AuthFixtures.clock()));
        assertThat(authenticator.required()).isTrue();
        assertThat(authenticator.usesNonce()).isTrue();
        assertThat(authenticator.authenticate(signed(userJwt(user(UserPermissionLimits.UNLIMITED), ACCOUNT), USER),
                LOCAL, NOW)).isPresent();
    }
}
