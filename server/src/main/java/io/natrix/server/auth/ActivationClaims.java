package io.natrix.server.auth;

import java.util.List;

/**
 * An activation JWT ({@code nats.type} "activation"): the exporting account's permission for one account to import a
 * private export, carried in the importer's {@code imports[].token}.
 *
 * @param data          registered claims; the subject is the importing account's key
 * @param importSubject JSON {@code subject}: the subject space granted
 * @param importType    JSON {@code kind}
 * @param issuerAccount JSON {@code issuer_account}: the exporting account when a signing key issued the token
 * @param tags          JSON {@code tags}
 */
public record ActivationClaims(ClaimsData data, String importSubject, ExportType importType, String issuerAccount,
                               List<String> tags) implements JwtClaims {

    public ActivationClaims {
        importSubject = importSubject == null ? "" : importSubject;
        importType = importType == null ? ExportType.UNKNOWN : importType;
        issuerAccount = issuerAccount == null ? "" : issuerAccount;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    @Override
    public ClaimType type() {
        return ClaimType.ACTIVATION;
    }
}
