package io.natrix.server.auth;

import io.natrix.server.auth.GoJson.Obj;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * Decodes and verifies NATS JWTs (nats-io/jwt v2 format), the way nats-server accepts them.
 *
 * <pre>
 *   token   = header "." payload "." signature          at most TOKEN_LENGTH_MAX characters
 *   header  = base64url(JSON {"typ":"JWT","alg":"ed25519-nkey"})     typ in any case; alg also "ed25519"
 *   payload = base64url(JSON claims: jti iat iss sub name aud exp nbf + "nats":{type, version:2, ...})
 *   signature = base64url(Ed25519 signature by the iss key over the ASCII text  header "." payload)
 * </pre>
 * base64url is RFC 4648 section 5 without padding. A token passes when, in this order: it has three parts; the
 * header decodes and names JWT and ed25519-nkey; the payload is a JSON object; {@code nats.version} is 2 and
 * {@code nats.type} a known type; the signature verifies with {@code iss}; {@code iss} and {@code sub} are keys of the
 * types {@link ClaimType} demands; every field has its JSON type; the content rules of {@link ClaimsValidator} hold;
 * and, unless the caller opts out, {@code now} lies within {@code nbf} and {@code exp}.
 *
 * <p>Who issued the token is only checked against its type here; whether that issuer is trusted is the business of
 * {@link TrustChain}.
 *
 * <p>Stateless and thread-safe.
 */
public final class JwtDecoder {
    /** The longest token accepted, nats-io/jwt's limit. */
    public static final int TOKEN_LENGTH_MAX = 1024 * 1024;
    /** The only claims format version decoded. */
    public static final int VERSION = 2;

    private JwtDecoder() {
    }

    /**
     * Decodes and verifies {@code jwt}, with the time checks against the system clock.
     *
     * @throws JwtException when the token is refused
     */
    public static JwtClaims decode(String jwt) {
        return decode(jwt, Clock.systemUTC());
    }

    /**
     * Decodes and verifies {@code jwt}, with the time checks against {@code clock}.
     *
     * @throws JwtException when the token is refused
     */
    public static JwtClaims decode(String jwt, Clock clock) {
        JwtClaims claims = decodeIgnoringTime(jwt);
        Instant now = clock.instant();
        if (claims.data().isExpired(now)) {
            throw new JwtException(JwtException.Reason.EXPIRED, "the token expired");
        }
        if (claims.data().isNotYetValid(now)) {
            throw new JwtException(JwtException.Reason.NOT_YET_VALID, "the token is not valid yet");
        }
        return claims;
    }

    /**
     * Decodes and verifies {@code jwt} without looking at {@code exp} and {@code nbf}: for stored tokens whose expiry
     * the caller handles itself (an expired account JWT still names the account whose users must be refused).
     *
     * @throws JwtException when the token is refused
     */
    public static JwtClaims decodeIgnoringTime(String jwt) {
        if (jwt == null) {
            throw new JwtException(JwtException.Reason.BAD_STRUCTURE, "no token");
        }
        if (jwt.length() > TOKEN_LENGTH_MAX) {
            throw new JwtException(JwtException.Reason.TOO_LARGE,
                    "the token has " + jwt.length() + " characters, more than " + TOKEN_LENGTH_MAX);
        }
        int firstDot = jwt.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : jwt.indexOf('.', firstDot + 1);
        if (secondDot < 0 || jwt.indexOf('.', secondDot + 1) >= 0) {
            throw new JwtException(JwtException.Reason.BAD_STRUCTURE, "a JWT has three parts separated by dots");
        }
        checkHeader(base64Url(jwt.substring(0, firstDot), "header"));
        Obj payload = GoJson.parseObject(base64Url(jwt.substring(firstDot + 1, secondDot), "payload"), "");
        byte[] signature = base64Url(jwt.substring(secondDot + 1), "signature");

        ClaimType type = claimType(payload);
        String issuer = payload.string("iss");
        NKeyType issuerType;
        try {
            issuerType = NKeys.typeOf(issuer);
        } catch (NKeyException e) {
            throw new JwtException(JwtException.Reason.BAD_ISSUER, "the issuer is not a public key: " + e.getMessage());
        }
        if (!issuerType.signs()
                || !NKeys.verify(issuer, jwt.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII), signature)) {
            throw new JwtException(JwtException.Reason.BAD_SIGNATURE, "the signature does not verify with the issuer key");
        }
        // Only signed content is read beyond this point.
        if (!type.issuerTypes().contains(issuerType)) {
            throw new JwtException(JwtException.Reason.BAD_ISSUER,
                    "a " + type.jsonName() + " JWT cannot be issued by " + NKeys.describe(issuerType) + " key");
        }
        JwtClaims claims = ClaimsReader.read(payload, type);
        checkSubject(claims);
        ClaimsValidator.validate(claims);
        return claims;
    }

    /**
     * Decodes {@code jwt} as claims of the {@code expected} type.
     *
     * @throws JwtException when the token is refused, or with {@code WRONG_CLAIM_TYPE} when it is of another type
     */
    public static <T extends JwtClaims> T decode(String jwt, Class<T> expected, Clock clock) {
        JwtClaims claims = decode(jwt, clock);
        if (!expected.isInstance(claims)) {
            throw new JwtException(JwtException.Reason.WRONG_CLAIM_TYPE,
                    "expected " + expected.getSimpleName() + ", got a " + claims.type().jsonName() + " JWT");
        }
        return expected.cast(claims);
    }

    /** A user JWT, as the CONNECT handshake needs it. */
    public static UserClaims decodeUser(String jwt, Clock clock) {
        return decode(jwt, UserClaims.class, clock);
    }

    /** An account JWT, without time checks: the resolver keeps expired accounts to refuse their users. */
    public static AccountClaims decodeAccount(String jwt) {
        JwtClaims claims = decodeIgnoringTime(jwt);
        if (!(claims instanceof AccountClaims account)) {
            throw new JwtException(JwtException.Reason.WRONG_CLAIM_TYPE,
                    "expected an account JWT, got a " + claims.type().jsonName() + " JWT");
        }
        return account;
    }

    /** An operator JWT, with time checks. */
    public static OperatorClaims decodeOperator(String jwt, Clock clock) {
        return decode(jwt, OperatorClaims.class, clock);
    }

    private static void checkHeader(byte[] json) {
        Obj header = GoJson.parseObject(json, "header");
        // Go upper-cases typ and lower-cases alg before comparing; ASCII case folding is the same thing here.
        if (!header.string("typ").equalsIgnoreCase("JWT")) {
            throw new JwtException(JwtException.Reason.BAD_TYPE, "the header's typ is not JWT");
        }
        String alg = header.string("alg");
        if (!alg.equalsIgnoreCase("ed25519-nkey") && !alg.equalsIgnoreCase("ed25519")) {
            throw new JwtException(JwtException.Reason.BAD_ALGORITHM, "the header's alg is not ed25519-nkey");
        }
    }

    private static ClaimType claimType(Obj payload) {
        // Version 1 tokens carry their type at the top level; version 2 moved it into "nats".
        if (!payload.string("type").isEmpty()) {
            throw new JwtException(JwtException.Reason.UNSUPPORTED_VERSION,
                    "version 1 JWTs are not supported; reissue with current NATS tools");
        }
        Obj nats = payload.object("nats");
        long version = nats.int64("version");
        if (version != VERSION) {
            throw new JwtException(JwtException.Reason.UNSUPPORTED_VERSION,
                    "JWT version " + version + " is not supported; only version " + VERSION);
        }
        String typeName = nats.string("type");
        ClaimType type = ClaimType.ofJsonName(typeName);
        if (type == null) {
            throw new JwtException(JwtException.Reason.UNSUPPORTED_CLAIM_TYPE, typeName.isEmpty()
                    ? "the JWT has no nats.type"
                    : "unsupported claim type \"" + (typeName.length() > 40 ? typeName.substring(0, 40) : typeName)
                    + "\"");
        }
        return type;
    }

    private static void checkSubject(JwtClaims claims) {
        NKeyType required = claims.type().subjectType();
        if (required != null && !NKeys.isValidPublicKey(claims.data().subject(), required)) {
            throw new JwtException(JwtException.Reason.BAD_SUBJECT,
                    "the subject of a " + claims.type().jsonName() + " JWT must be " + NKeys.describe(required)
                            + " public key");
        }
    }

    private static byte[] base64Url(String part, String what) {
        byte[] decoded = NKeys.decodeRawUrlBase64(part);
        if (decoded == null) {
            throw new JwtException(JwtException.Reason.BAD_BASE64, "the " + what + " is not unpadded base64url");
        }
        return decoded;
    }
}
