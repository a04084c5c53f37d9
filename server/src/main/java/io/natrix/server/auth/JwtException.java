package io.natrix.server.auth;

/**
 * A NATS JWT that cannot be accepted, with the {@link Reason} as data so callers can count, log and test by cause.
 * Messages describe the problem without echoing the token.
 *
 * <p>Unchecked: the CONNECT handler and the account resolver catch it and answer with their own protocol error; any
 * other exception escaping {@link JwtDecoder} on bad input is a bug.
 */
public final class JwtException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a token was refused. */
    public enum Reason {
        /** Longer than {@link JwtDecoder#TOKEN_LENGTH_MAX}. */
        TOO_LARGE,
        /** Not three dot-separated parts. */
        BAD_STRUCTURE,
        /** A part is not URL-safe base64 without padding. */
        BAD_BASE64,
        /** Header or payload is not JSON of the expected shape, or a field has the wrong JSON type. */
        BAD_JSON,
        /** The header's {@code typ} is not JWT. */
        BAD_TYPE,
        /** The header's {@code alg} is not ed25519-nkey (or the older ed25519). */
        BAD_ALGORITHM,
        /** The issuer is not a public key, or of a type that may not issue this kind of claims. */
        BAD_ISSUER,
        /** The subject is not a public key of the type this kind of claims is about. */
        BAD_SUBJECT,
        /** The signature does not verify with the issuer's key. */
        BAD_SIGNATURE,
        /** A version of the claims format other than 2 (version 1 tokens predate NATS 2.2). */
        UNSUPPORTED_VERSION,
        /** The {@code nats.type} is missing or not one this server knows. */
        UNSUPPORTED_CLAIM_TYPE,
        /** A JWT of another claim type than the caller asked for. */
        WRONG_CLAIM_TYPE,
        /** Claims that break the rules of their type (bad permission subjects, bad CIDRs, bad time ranges...). */
        INVALID_CLAIMS,
        /** The {@code exp} time has passed. */
        EXPIRED,
        /** The {@code nbf} time has not come. */
        NOT_YET_VALID,
        /** The issuer is not the expected authority or one of its signing keys. */
        UNTRUSTED_ISSUER,
        /** The subject was revoked by its issuer. */
        REVOKED,
        /** A user issued by a scoped signing key broke the scope's rules, or its template did not expand. */
        SCOPE_VIOLATION,
        /** The account does not allow bearer tokens. */
        BEARER_NOT_ALLOWED,
    }

    private final Reason reason;

    public JwtException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "JwtException[" + reason + "]: " + getMessage();
    }
}
