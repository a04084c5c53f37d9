package io.natrix.server.auth;

import java.util.List;

/**
 * An authorization response JWT ({@code nats.type} "authorization_response"): an auth callout service's answer,
 * signed by the account that runs the service.
 *
 * @param data          registered claims; subject the user nkey, audience the server id
 * @param jwt           JSON {@code jwt}: the user JWT granted, or ""
 * @param error         JSON {@code error}: why the user is refused, or ""
 * @param issuerAccount JSON {@code issuer_account}
 * @param tags          JSON {@code tags}
 */
public record AuthorizationResponseClaims(ClaimsData data, String jwt, String error, String issuerAccount,
                                          List<String> tags) implements JwtClaims {

    public AuthorizationResponseClaims {
        jwt = jwt == null ? "" : jwt;
        error = error == null ? "" : error;
        issuerAccount = issuerAccount == null ? "" : issuerAccount;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    @Override
    public ClaimType type() {
        return ClaimType.AUTHORIZATION_RESPONSE;
    }
}
