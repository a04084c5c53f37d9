package io.natrix.server.auth;

import java.time.Instant;

/**
 * The registered claims every NATS JWT carries, named after their JSON fields: {@code jti}, {@code iat},
 * {@code iss}, {@code sub}, {@code name}, {@code aud}, {@code exp}, {@code nbf}. Times are Unix seconds, 0 when
 * absent; strings are "" when absent.
 *
 * @param id               {@code jti}: a base32 SHA-512/256 of these claims, an identifier only (no server checks it)
 * @param issuedAtSeconds  {@code iat}
 * @param issuer           {@code iss}: the public key that signed the token
 * @param subject          {@code sub}: the public key the token is about
 * @param name             {@code name}
 * @param audience         {@code aud}
 * @param expiresAtSeconds {@code exp}: 0 for never
 * @param notBeforeSeconds {@code nbf}: 0 for always
 */
public record ClaimsData(String id, long issuedAtSeconds, String issuer, String subject, String name, String audience,
                         long expiresAtSeconds, long notBeforeSeconds) {

    public ClaimsData {
        id = id == null ? "" : id;
        issuer = issuer == null ? "" : issuer;
        subject = subject == null ? "" : subject;
        name = name == null ? "" : name;
        audience = audience == null ? "" : audience;
    }

    /** Claims about {@code subject} with a name and nothing else set; the encoder fills issuer, time and id. */
    public static ClaimsData of(String subject, String name) {
        return new ClaimsData("", 0, "", subject, name, "", 0, 0);
    }

    /** A copy that expires at {@code expiresAtSeconds} (0: never). */
    public ClaimsData withExpiresAtSeconds(long expiresAtSeconds) {
        return new ClaimsData(id, issuedAtSeconds, issuer, subject, name, audience, expiresAtSeconds, notBeforeSeconds);
    }

    /** A copy valid from {@code notBeforeSeconds} on (0: always). */
    public ClaimsData withNotBeforeSeconds(long notBeforeSeconds) {
        return new ClaimsData(id, issuedAtSeconds, issuer, subject, name, audience, expiresAtSeconds, notBeforeSeconds);
    }

    /** A copy with an audience. */
    public ClaimsData withAudience(String audience) {
        return new ClaimsData(id, issuedAtSeconds, issuer, subject, name, audience, expiresAtSeconds, notBeforeSeconds);
    }

    /** Whether {@code now} is past the expiry; a token is still valid during its {@code exp} second, as in NATS. */
    public boolean isExpired(Instant now) {
        return expiresAtSeconds > 0 && now.getEpochSecond() > expiresAtSeconds;
    }

    /** Whether {@code now} is before the {@code nbf} second. */
    public boolean isNotYetValid(Instant now) {
        return notBeforeSeconds > 0 && notBeforeSeconds > now.getEpochSecond();
    }
}
