package io.natrix.server.auth;

import java.util.List;

/**
 * A user JWT ({@code nats.type} "user"): a user nkey's permissions and limits, issued by an account or one of its
 * signing keys. When a signing key issued it, {@code issuer_account} names the account.
 *
 * @param data          registered claims; the subject is the user's public key
 * @param limits        permissions and limits; must be {@link UserPermissionLimits#EMPTY} under a scoped key
 * @param issuerAccount JSON {@code issuer_account}: the account when a signing key issued the token, else ""
 * @param tags          JSON {@code tags}
 */
public record UserClaims(ClaimsData data, UserPermissionLimits limits, String issuerAccount, List<String> tags)
        implements JwtClaims {

    public UserClaims {
        limits = limits == null ? UserPermissionLimits.EMPTY : limits;
        issuerAccount = issuerAccount == null ? "" : issuerAccount;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** A fresh user as NATS tools make one: no permissions, unlimited. */
    public static UserClaims of(String userKey, String name) {
        return new UserClaims(ClaimsData.of(userKey, name), UserPermissionLimits.UNLIMITED, "", List.of());
    }

    @Override
    public ClaimType type() {
        return ClaimType.USER;
    }

    /** The account this user belongs to: {@code issuer_account} when set, else the issuer. */
    public String account() {
        return issuerAccount.isEmpty() ? data.issuer() : issuerAccount;
    }

    public UserClaims withData(ClaimsData data) {
        return new UserClaims(data, limits, issuerAccount, tags);
    }

    public UserClaims withLimits(UserPermissionLimits limits) {
        return new UserClaims(data, limits, issuerAccount, tags);
    }

    public UserClaims withIssuerAccount(String issuerAccount) {
        return new UserClaims(data, limits, issuerAccount, tags);
    }

    public UserClaims withTags(List<String> tags) {
        return new UserClaims(data, limits, issuerAccount, tags);
    }
}
