package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.NOW;
import static io.natrix.server.auth.AuthFixtures.clock;
import static io.natrix.server.auth.AuthFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.natrix.server.auth.AccountClaims.SigningKey;
import io.natrix.server.auth.AccountClaims.UserScope;
import io.natrix.server.auth.JwtException.Reason;
import io.natrix.server.auth.JwtPermissions.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Operator-mode trust as nats-server applies it, on real issued and decoded tokens: who may sign accounts and users,
 * scoped signing keys and their templates, revocation, bearer tokens and account expiry.
 */
class JwtTrustChainTest {
    private static final NKeyPair OPERATOR = key(NKeyType.OPERATOR, 300);
    private static final NKeyPair OPERATOR_SIGNER = key(NKeyType.OPERATOR, 301);
    private static final NKeyPair ACCOUNT = key(NKeyType.ACCOUNT, 302);
    private static final NKeyPair ACCOUNT_SIGNER = key(NKeyType.ACCOUNT, 303);
    private static final NKeyPair SCOPED_SIGNER = key(NKeyType.ACCOUNT, 304);
    private static final NKeyPair USER = key(NKeyType.USER, 305);

    private static void assertRefused(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(JwtException.class,
                e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    private static <T extends JwtClaims> T roundTrip(T claims, NKeyPair signer) {
        @SuppressWarnings("unchecked")
        T decoded = (T) JwtDecoder.decode(JwtEncoder.encode(claims, signer, clock()), clock());
        return decoded;
    }

    private static UserScope scope(List<String> pubAllow, List<String> pubDeny, List<String> subAllow,
                                   List<String> subDeny) {
        return new UserScope(SCOPED_SIGNER.publicKey(), "role", UserPermissionLimits.UNLIMITED.withPermissions(
                new JwtPermissions(new Permission(pubAllow, pubDeny), new Permission(subAllow, subDeny), null)), "");
    }

    private static AccountClaims account(UserScope scope, List<String> tags) {
        return roundTrip(AccountClaims.of(ACCOUNT.publicKey(), "orders-account").withTags(tags).withSigningKeys(Map.of(
                ACCOUNT_SIGNER.publicKey(), SigningKey.unscoped(ACCOUNT_SIGNER.publicKey()),
                SCOPED_SIGNER.publicKey(), new SigningKey(SCOPED_SIGNER.publicKey(), scope))), OPERATOR);
    }

    private static UserClaims scopedUser(String name, List<String> tags) {
        return roundTrip(new UserClaims(ClaimsData.of(USER.publicKey(), name), UserPermissionLimits.EMPTY,
                ACCOUNT.publicKey(), tags), SCOPED_SIGNER);
    }

    @Test
    void trustChainTrustedKeysFollowStrictSigningKeyUsage() {
        OperatorClaims operator = OperatorClaims.of(OPERATOR.publicKey(), "op")
                .withSigningKeys(List.of(OPERATOR_SIGNER.publicKey()));
        assertThat(TrustChain.trustedKeys(List.of(operator)))
                .containsExactlyInAnyOrder(OPERATOR.publicKey(), OPERATOR_SIGNER.publicKey());
        assertThat(TrustChain.trustedKeys(List.of(operator.withStrictSigningKeyUsage(true))))
                .containsExactly(OPERATOR_SIGNER.publicKey());
    }

    @Test
    void trustChainAcceptsAccountsSignedByOperatorOrItsSigningKeys() {
        Set<String> trusted = TrustChain.trustedKeys(List.of(OperatorClaims.of(OPERATOR.publicKey(), "op")
                .withSigningKeys(List.of(OPERATOR_SIGNER.publicKey()))));
        AccountClaims byOperator = roundTrip(AccountClaims.of(ACCOUNT.publicKey(), "a"), OPERATOR);
        AccountClaims bySigner = roundTrip(AccountClaims.of(ACCOUNT.publicKey(), "a"), OPERATOR_SIGNER);
        TrustChain.checkAccount(byOperator, trusted, NOW);
        TrustChain.checkAccount(bySigner, trusted, NOW);

        AccountClaims byStranger = roundTrip(AccountClaims.of(ACCOUNT.publicKey(), "a"), key(NKeyType.OPERATOR, 306));
        assertRefused(() -> TrustChain.checkAccount(byStranger, trusted, NOW), Reason.UNTRUSTED_ISSUER);
        AccountClaims selfSigned = roundTrip(AccountClaims.of(ACCOUNT.publicKey(), "a"), ACCOUNT);
        assertRefused(() -> TrustChain.checkAccount(selfSigned, trusted, NOW), Reason.UNTRUSTED_ISSUER);
        AccountClaims expiring = AccountClaims.of(ACCOUNT.publicKey(), "a").withData(
                ClaimsData.of(ACCOUNT.publicKey(), "a").withExpiresAtSeconds(NOW.getEpochSecond() + 1));
        AccountClaims decoded = roundTrip(expiring, OPERATOR);
        assertRefused(() -> TrustChain.checkAccount(decoded, trusted, NOW.plusSeconds(2)), Reason.EXPIRED);
    }

    @Test
    void trustChainAcceptsUsersOfTheAccountKeyAndUnscopedSigningKeys() {
        AccountClaims account = account(scope(List.of(), List.of(), List.of(), List.of()), List.of());
        UserPermissionLimits limits = UserPermissionLimits.UNLIMITED.withPermissions(new JwtPermissions(
                new Permission(List.of("orders.>"), List.of()), Permission.NONE, null));
        UserClaims byAccount = roundTrip(UserClaims.of(USER.publicKey(), "u").withLimits(limits), ACCOUNT);
        assertThat(TrustChain.authorizeUser(byAccount, account, NOW)).isEqualTo(limits);

        UserClaims bySigner = roundTrip(UserClaims.of(USER.publicKey(), "u").withLimits(limits)
                .withIssuerAccount(ACCOUNT.publicKey()), ACCOUNT_SIGNER);
        assertThat(TrustChain.authorizeUser(bySigner, account, NOW)).isEqualTo(limits);
    }

    @Test
    void trustChainRefusesUsersOutsideTheAccount() {
        AccountClaims account = account(scope(List.of(), List.of(), List.of(), List.of()), List.of());
        // Signed by a signing key but without issuer_account: the user claims to belong to the signing key itself.
        UserClaims noIssuerAccount = roundTrip(UserClaims.of(USER.publicKey(), "u"), ACCOUNT_SIGNER);
        assertRefused(() -> TrustChain.authorizeUser(noIssuerAccount, account, NOW), Reason.UNTRUSTED_ISSUER);
        // Claims the account but is signed by a key the account does not list.
        UserClaims stranger = roundTrip(UserClaims.of(USER.publicKey(), "u").withIssuerAccount(ACCOUNT.publicKey()),
                key(NKeyType.ACCOUNT, 307));
        assertRefused(() -> TrustChain.authorizeUser(stranger, account, NOW), Reason.UNTRUSTED_ISSUER);
        // A user of another account.
        UserClaims other = roundTrip(UserClaims.of(USER.publicKey(), "u"), key(NKeyType.ACCOUNT, 308));
        assertRefused(() -> TrustChain.authorizeUser(other, account, NOW), Reason.UNTRUSTED_ISSUER);
    }

    @Test
    void trustChainScopedUserMayNotCarryItsOwnPermissions() {
        AccountClaims account = account(scope(List.of("a"), List.of(), List.of(), List.of()), List.of());
        UserClaims withLimits = roundTrip(UserClaims.of(USER.publicKey(), "u").withIssuerAccount(ACCOUNT.publicKey()),
                SCOPED_SIGNER);
        // UserClaims.of writes unlimited (-1) limits, which is not "nothing set".
        assertRefused(() -> TrustChain.authorizeUser(withLimits, account, NOW), Reason.SCOPE_VIOLATION);
        UserClaims empty = scopedUser("u", List.of());
        assertThat(TrustChain.authorizeUser(empty, account, NOW).permissions().pub().allow()).containsExactly("a");
        assertThat(TrustChain.authorizeUser(empty, account, NOW).subs()).isEqualTo(-1);
    }

    @Test
    void trustChainExpandsTemplateFunctions() {
        AccountClaims account = account(scope(
                List.of("users.{{name()}}.>", "keys.{{subject()}}", "acct.{{account-name()}}.{{ Account-Subject() }}"),
                List.of("users.{{name()}}.secret"), List.of("_INBOX.{{name()}}.>", "plain.>"), List.of()), List.of());
        UserPermissionLimits limits = TrustChain.authorizeUser(scopedUser("alice", List.of()), account, NOW);
        assertThat(limits.permissions().pub().allow()).containsExactly("users.alice.>", "keys." + USER.publicKey(),
                "acct.orders-account." + ACCOUNT.publicKey());
        assertThat(limits.permissions().pub().deny()).containsExactly("users.alice.secret");
        assertThat(limits.permissions().sub().allow()).containsExactly("_INBOX.alice.>", "plain.>");
    }

    @Test
    void trustChainExpandsTagsToEveryValueInOrder() {
        AccountClaims account = account(scope(List.of("{{tag(region)}}.{{account-tag(env)}}.>"), List.of(),
                List.of("{{TAG(region)}}.x"), List.of()), List.of("env:prod", "env:test", "other:x"));
        UserClaims user = scopedUser("bob", List.of("region:eu", "region:us", "team:a"));
        UserPermissionLimits limits = TrustChain.authorizeUser(user, account, NOW);
        assertThat(limits.permissions().pub().allow())
                .containsExactly("eu.prod.>", "eu.test.>", "us.prod.>", "us.test.>");
        // "TAG(region)" looks for tags named "tag(region" (nats-server's quirk), finds none, and the subscribe allow
        // list, now empty, turns into a deny of everything.
        assertThat(limits.permissions().sub().allow()).isEmpty();
        assertThat(limits.permissions().sub().deny()).containsExactly(">");
    }

    @Test
    void trustChainTemplateFailuresInDenyListsRefuseTheUser() {
        AccountClaims missingTag = account(scope(List.of(), List.of("{{tag(missing)}}.>"), List.of(), List.of()),
                List.of());
        assertRefused(() -> TrustChain.authorizeUser(scopedUser("u", List.of()), missingTag, NOW),
                Reason.SCOPE_VIOLATION);
        AccountClaims badSubject = account(scope(List.of(), List.of("x.{{name()}}"), List.of(), List.of()), List.of());
        // A name with a space makes an invalid subject: dropped from allow lists, fatal in deny lists.
        assertRefused(() -> TrustChain.authorizeUser(scopedUser("two words", List.of()), badSubject, NOW),
                Reason.SCOPE_VIOLATION);
        AccountClaims unknown = account(scope(List.of("{{nope()}}"), List.of(), List.of(), List.of()), List.of());
        assertRefused(() -> TrustChain.authorizeUser(scopedUser("u", List.of()), unknown, NOW), Reason.SCOPE_VIOLATION);
    }

    @Test
    void trustChainDropsInvalidAllowExpansionsAndDeniesAllWhenNothingIsLeft() {
        AccountClaims account = account(scope(List.of("x.{{name()}}", "y.{{name()}}"), List.of(), List.of(),
                List.of()), List.of());
        UserPermissionLimits limits = TrustChain.authorizeUser(scopedUser("two words", List.of()), account, NOW);
        assertThat(limits.permissions().pub().allow()).isEmpty();
        assertThat(limits.permissions().pub().deny()).containsExactly(">");
    }

    @Test
    void trustChainBoundsTemplateExpansion() {
        List<String> userTags = new ArrayList<>();
        List<String> accountTags = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            userTags.add("a:" + i);
            accountTags.add("b:" + i);
        }
        AccountClaims account = account(scope(List.of("{{tag(a)}}.{{account-tag(b)}}"), List.of(), List.of(),
                List.of()), accountTags);
        UserClaims user = scopedUser("u", userTags);
        // 100 x 100 = 10,000 subjects, more than nats-server's 4,096.
        assertRefused(() -> TrustChain.authorizeUser(user, account, NOW), Reason.SCOPE_VIOLATION);
        AccountClaims fits = account(scope(List.of("{{tag(a)}}.{{account-tag(b)}}"), List.of(), List.of(),
                List.of()), accountTags.subList(0, 40));
        assertThat(TrustChain.authorizeUser(user, fits, NOW).permissions().pub().allow()).hasSize(4000);
    }

    @Test
    void trustChainPlaceholderScanIsLinear() {
        assertThat(TrustChain.placeholders("{{a}}.{{ b }}.{{}}.{x}}.{{c")).containsExactly("{{a}}", "{{ b }}");
        assertThat(TrustChain.placeholders("{{{a}}")).containsExactly("{{{a}}");
        long start = System.nanoTime();
        assertThat(TrustChain.placeholders("{".repeat(1_000_000))).isEmpty();
        assertThat(TrustChain.placeholders("{{x".repeat(300_000))).isEmpty();
        // Linear: milliseconds; quadratic would take hours. The bound leaves room for a busy machine.
        assertThat(System.nanoTime() - start).isLessThan(10_000_000_000L);
    }

    @Test
    void trustChainRefusesRevokedUsers() {
        UserClaims user = roundTrip(UserClaims.of(USER.publicKey(), "u"), ACCOUNT);
        long iat = user.data().issuedAtSeconds();
        AccountClaims revoked = roundTrip(AccountClaims.of(ACCOUNT.publicKey(), "a")
                .withRevocations(Map.of(USER.publicKey(), iat)), OPERATOR);
        assertRefused(() -> TrustChain.authorizeUser(user, revoked, NOW), Reason.REVOKED);
        AccountClaims revokedAll = roundTrip(AccountClaims.of(ACCOUNT.publicKey(), "a")
                .withRevocations(Map.of("*", iat + 1)), OPERATOR);
        assertRefused(() -> TrustChain.authorizeUser(user, revokedAll, NOW), Reason.REVOKED);
        AccountClaims revokedEarlier = roundTrip(AccountClaims.of(ACCOUNT.publicKey(), "a")
                .withRevocations(Map.of(USER.publicKey(), iat - 1)), OPERATOR);
        TrustChain.authorizeUser(user, revokedEarlier, NOW);
    }

    @Test
    void trustChainRefusesBearerTokensWhereTheAccountDisallowsThem() {
        UserClaims bearer = roundTrip(UserClaims.of(USER.publicKey(), "u").withLimits(
                UserPermissionLimits.UNLIMITED.withBearerToken(true)), ACCOUNT);
        AccountClaims allows = roundTrip(AccountClaims.of(ACCOUNT.publicKey(), "a"), OPERATOR);
        assertThat(TrustChain.authorizeUser(bearer, allows, NOW).bearerToken()).isTrue();
        AccountLimits disallow = new AccountLimits(-1, -1, -1, -1, -1, true, true, -1, -1,
                AccountLimits.JetStreamLimits.EMPTY, Map.of());
        AccountClaims disallows = roundTrip(AccountClaims.of(ACCOUNT.publicKey(), "a").withLimits(disallow), OPERATOR);
        assertRefused(() -> TrustChain.authorizeUser(bearer, disallows, NOW), Reason.BEARER_NOT_ALLOWED);
    }

    @Test
    void trustChainRefusesUsersOfAnExpiredAccount() {
        UserClaims user = roundTrip(UserClaims.of(USER.publicKey(), "u"), ACCOUNT);
        AccountClaims expiring = roundTrip(AccountClaims.of(ACCOUNT.publicKey(), "a").withData(
                ClaimsData.of(ACCOUNT.publicKey(), "a").withExpiresAtSeconds(NOW.getEpochSecond() + 5)), OPERATOR);
        TrustChain.authorizeUser(user, expiring, NOW);
        assertRefused(() -> TrustChain.authorizeUser(user, expiring, NOW.plusSeconds(6)), Reason.EXPIRED);
    }
}
