package io.natrix.server.auth;

import java.time.Instant;

/**
 * Who a client authenticated with a user JWT turned out to be, and what it may do: the result of
 * {@link JwtAuthenticator#authenticate}.
 *
 * @param userKey         the user's public key (the user JWT's subject)
 * @param userName        the user JWT's {@code name}, "" when it has none
 * @param accountKey      the account's public key ({@code issuer_account}, or else the issuer)
 * @param account         the account's claims as the resolver held them at authentication
 * @param user            the user's claims exactly as decoded (for a scoped user, without the template)
 * @param permissions     the effective permissions: the user's, a scoped signing key's template expanded for the
 *                        user, or the account's {@code default_permissions} when the user sets none
 * @param expires         when the connection must be closed: the user JWT's expiry or the end of its current
 *                        {@code times} window, whichever is first; null for never. The account's own expiry is
 *                        separate ({@code account.data().expiresAtSeconds()}).
 * @param limits          the effective permissions and limits ({@code subs}, {@code data}, {@code payload},
 *                        {@code src}, {@code times}, {@code bearer_token}, ...): the user's, or a scoped signing
 *                        key's template
 * @param accountDefaults whether {@code permissions} came from the account's {@code default_permissions} (the user
 *                        sets none), so an account update that changes them applies to this connection, as in
 *                        nats-server
 */
public record JwtIdentity(String userKey, String userName, String accountKey, AccountClaims account, UserClaims user,
                          PermissionsPolicy permissions, Instant expires, UserPermissionLimits limits,
                          boolean accountDefaults) {

    /** Whether the user authenticated with the JWT alone, without signing the nonce. */
    public boolean bearer() {
        return limits.bearerToken();
    }

    /** The key that signed the user JWT when it is one of the account's signing keys, else null. */
    public String signingKey() {
        String issuer = user.data().issuer();
        return issuer.equals(accountKey) ? null : issuer;
    }
}
