package io.natrix.server.auth;

import java.util.List;

/**
 * An operator JWT ({@code nats.type} "operator"): the root of trust in operator mode, self-signed by the operator
 * key.
 *
 * @param data                  registered claims; the subject is the operator's public key
 * @param signingKeys           JSON {@code signing_keys}: operator keys that may also sign account JWTs
 * @param accountServerUrl      JSON {@code account_server_url}
 * @param operatorServiceUrls   JSON {@code operator_service_urls}
 * @param systemAccount         JSON {@code system_account}: the system account's public key, or ""
 * @param assertServerVersion   JSON {@code assert_server_version}: least server version, "major.minor.patch"
 * @param strictSigningKeyUsage JSON {@code strict_signing_key_usage}: only signing keys (not the operator key) sign
 * @param tags                  JSON {@code tags}
 */
public record OperatorClaims(ClaimsData data, List<String> signingKeys, String accountServerUrl,
                             List<String> operatorServiceUrls, String systemAccount, String assertServerVersion,
                             boolean strictSigningKeyUsage, List<String> tags) implements JwtClaims {

    public OperatorClaims {
        signingKeys = signingKeys == null ? List.of() : List.copyOf(signingKeys);
        accountServerUrl = accountServerUrl == null ? "" : accountServerUrl;
        operatorServiceUrls = operatorServiceUrls == null ? List.of() : List.copyOf(operatorServiceUrls);
        systemAccount = systemAccount == null ? "" : systemAccount;
        assertServerVersion = assertServerVersion == null ? "" : assertServerVersion;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** An operator with nothing but its key and name. */
    public static OperatorClaims of(String operatorKey, String name) {
        return new OperatorClaims(ClaimsData.of(operatorKey, name), List.of(), "", List.of(), "", "", false, List.of());
    }

    @Override
    public ClaimType type() {
        return ClaimType.OPERATOR;
    }

    public OperatorClaims withData(ClaimsData data) {
        return new OperatorClaims(data, signingKeys, accountServerUrl, operatorServiceUrls, systemAccount,
                assertServerVersion, strictSigningKeyUsage, tags);
    }

    public OperatorClaims withSigningKeys(List<String> signingKeys) {
        return new OperatorClaims(data, signingKeys, accountServerUrl, operatorServiceUrls, systemAccount,
                assertServerVersion, strictSigningKeyUsage, tags);
    }

    public OperatorClaims withSystemAccount(String systemAccount) {
        return new OperatorClaims(data, signingKeys, accountServerUrl, operatorServiceUrls, systemAccount,
                assertServerVersion, strictSigningKeyUsage, tags);
    }

    public OperatorClaims withStrictSigningKeyUsage(boolean strictSigningKeyUsage) {
        return new OperatorClaims(data, signingKeys, accountServerUrl, operatorServiceUrls, systemAccount,
                assertServerVersion, strictSigningKeyUsage, tags);
    }
}
