package io.natrix.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;

/**
 * Issues NATS JWTs signed by an nkey, in the format {@link JwtDecoder} reads and nats-server accepts. For tests and
 * the {@code natrix auth} CLI; the server itself issues only authorization requests.
 *
 * <p>Issuing fills in what the issuer decides, as the Go library does: {@code iss} becomes the signer's public key,
 * {@code iat} the clock's current second, {@code nats.type} and {@code nats.version} (2) follow the claims, and
 * {@code jti} is the base32 (unpadded) SHA-512/256 of the registered claims serialized by Go's rules with an empty
 * {@code jti}, so tokens issued here carry the same id nats-io/jwt would give them. Whatever the input claims say for
 * these four is ignored. The header is {@code {"typ":"JWT","alg":"ed25519-nkey"}}.
 *
 * <p>Claims are checked as the decoder checks them (signer and subject types, content rules) so that nothing is
 * issued that a server would refuse.
 *
 * <p>Stateless and thread-safe.
 */
public final class JwtEncoder {
    private static final String HEADER = base64Url("{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}"
            .getBytes(StandardCharsets.US_ASCII));

    private JwtEncoder() {
    }

    /** Issues {@code claims} signed by {@code signer}, issued now by the system clock. */
    public static String encode(JwtClaims claims, NKeyPair signer) {
        return encode(claims, signer, Clock.systemUTC());
    }

    /**
     * Issues {@code claims} signed by {@code signer}, issued at {@code clock}'s current second.
     *
     * @throws JwtException with {@code BAD_ISSUER} when the signer may not issue this type, {@code BAD_SUBJECT}
     *                      when the subject is not a key of the required type, {@code INVALID_CLAIMS} when the content
     *                      breaks a rule
     */
    public static String encode(JwtClaims claims, NKeyPair signer, Clock clock) {
        ClaimType type = claims.type();
        if (!type.issuerTypes().contains(signer.type())) {
            throw new JwtException(JwtException.Reason.BAD_ISSUER, "a " + type.jsonName()
                    + " JWT cannot be issued by " + NKeys.describe(signer.type()) + " key");
        }
        ClaimsData given = claims.data();
        if (given.subject().isEmpty()) {
            throw new JwtException(JwtException.Reason.BAD_SUBJECT, "the claims have no subject");
        }
        NKeyType subjectType = type.subjectType();
        if (subjectType != null && !NKeys.isValidPublicKey(given.subject(), subjectType)) {
            throw new JwtException(JwtException.Reason.BAD_SUBJECT, "the subject of a " + type.jsonName()
                    + " JWT must be " + NKeys.describe(subjectType) + " public key");
        }
        ClaimsValidator.validate(claims);

        ClaimsData unhashed = new ClaimsData("", clock.instant().getEpochSecond(), signer.publicKey(),
                given.subject(), given.name(), given.audience(), given.expiresAtSeconds(), given.notBeforeSeconds());
        ClaimsData data = new ClaimsData(id(unhashed), unhashed.issuedAtSeconds(), unhashed.issuer(),
                unhashed.subject(), unhashed.name(), unhashed.audience(), unhashed.expiresAtSeconds(),
                unhashed.notBeforeSeconds());

        String payload = base64Url(ClaimsWriter.payload(withData(claims, data)).getBytes(StandardCharsets.UTF_8));
        String signingInput = HEADER + "." + payload;
        byte[] signature = signer.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + base64Url(signature);
    }

    /** The {@code jti} of registered claims: base32 (unpadded) SHA-512/256 of their Go JSON with {@code jti} empty. */
    static String id(ClaimsData data) {
        ClaimsData withoutId = new ClaimsData("", data.issuedAtSeconds(), data.issuer(), data.subject(), data.name(),
                data.audience(), data.expiresAtSeconds(), data.notBeforeSeconds());
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-512/256");
            byte[] hash = digest.digest(ClaimsWriter.claimsData(withoutId).getBytes(StandardCharsets.UTF_8));
            return NKeys.base32(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-512/256", e);
        }
    }

    private static JwtClaims withData(JwtClaims claims, ClaimsData data) {
        return switch (claims) {
            case OperatorClaims o -> o.withData(data);
            case AccountClaims a -> a.withData(data);
            case UserClaims u -> u.withData(data);
            case ActivationClaims a -> new ActivationClaims(data, a.importSubject(), a.importType(),
                    a.issuerAccount(), a.tags());
            case AuthorizationRequestClaims r -> new AuthorizationRequestClaims(data, r.server(), r.userNkey(),
                    r.clientInformation(), r.connectOptions(), r.tls(), r.requestNonce(), r.tags());
            case AuthorizationResponseClaims r -> new AuthorizationResponseClaims(data, r.jwt(), r.error(),
                    r.issuerAccount(), r.tags());
        };
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
