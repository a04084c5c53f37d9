package io.natrix.server.auth;

import java.time.Instant;
import java.util.List;

/**
 * The verified content of a NATS JWT: the registered claims plus the {@code nats} object of one of the six claim
 * types. Produced by {@link JwtDecoder}, consumed by {@link JwtEncoder}; all implementations are immutable records
 * whose absent strings are "", absent numbers 0 and absent lists or maps empty.
 */
public sealed interface JwtClaims permits OperatorClaims, AccountClaims, UserClaims, ActivationClaims,
        AuthorizationRequestClaims, AuthorizationResponseClaims {

    /** The registered claims ({@code jti}, {@code iss}, {@code sub}, times...). */
    ClaimsData data();

    /** {@code nats.type}. */
    ClaimType type();

    /** {@code nats.tags}. */
    List<String> tags();

    /** Shorthand for {@code data().isExpired(now)}. */
    default boolean isExpired(Instant now) {
        return data().isExpired(now);
    }
}
