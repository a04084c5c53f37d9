package io.natrix.server.auth;

/**
 * The roles an nkey can play, each named by the prefix byte in front of its public key (and so by the first letter of
 * its text form).
 *
 * <pre>
 *   type      prefix byte   first letter   signs
 *   OPERATOR  14 &lt;&lt; 3       O              account JWTs
 *   ACCOUNT   0             A              user and activation JWTs
 *   USER      20 &lt;&lt; 3       U              CONNECT nonces
 *   SERVER    13 &lt;&lt; 3       N              server identities, authorization requests
 *   CLUSTER   2 &lt;&lt; 3        C              (reserved by NATS)
 *   CURVE     23 &lt;&lt; 3       X              nothing: an X25519 key for sealing, never for Ed25519 signatures
 * </pre>
 * A seed stores its type inside a second prefix ("S" + type letter, see {@link NKeys}).
 */
public enum NKeyType {
    OPERATOR(NKeys.PREFIX_OPERATOR),
    ACCOUNT(NKeys.PREFIX_ACCOUNT),
    USER(NKeys.PREFIX_USER),
    SERVER(NKeys.PREFIX_SERVER),
    CLUSTER(NKeys.PREFIX_CLUSTER),
    CURVE(NKeys.PREFIX_CURVE);

    private final int prefix;

    NKeyType(int prefix) {
        this.prefix = prefix;
    }

    /** The prefix byte (0..255) that starts the binary form of a public key of this type. */
    public int prefix() {
        return prefix;
    }

    /** Whether keys of this type make and check Ed25519 signatures (every type but {@link #CURVE}). */
    public boolean signs() {
        return this != CURVE;
    }

    /** The type whose public prefix byte is {@code prefix}, or null when no public type uses it. */
    static NKeyType ofPrefix(int prefix) {
        for (NKeyType type : values()) {
            if (type.prefix == prefix) {
                return type;
            }
        }
        return null;
    }
}
