package io.natrix.server.auth;

import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * An nkey that can sign: a seed, the Ed25519 key pair it derives and its type. The server signs with one (its
 * identity, authorization requests); tests and the {@code natrix auth} CLI make and use them to issue JWTs.
 *
 * <p>{@link #toString()} shows the public key only; the seed leaves the object only through {@link #seed()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class NKeyPair {
    private final NKeyType type;
    private final byte[] seed;
    private final PrivateKey privateKey;
    private final String publicKey;

    private NKeyPair(NKeyType type, byte[] seed) {
        if (!type.signs()) {
            throw new NKeyException("curve keys do not sign; they are not Ed25519 key pairs");
        }
        this.type = type;
        this.seed = seed.clone();
        Ed25519.Keys keys = Ed25519.fromSeed(seed);
        this.privateKey = keys.privateKey();
        this.publicKey = NKeys.encodePublic(type, keys.publicKey());
    }

    /** A new key pair of the given type from the platform's strong random source. */
    public static NKeyPair create(NKeyType type) {
        return create(type, new SecureRandom());
    }

    /** A new key pair of the given type; a seeded {@code random} makes tests repeatable. */
    public static NKeyPair create(NKeyType type, SecureRandom random) {
        byte[] raw = Ed25519.newSeed(random);
        try {
            return new NKeyPair(type, raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * The key pair of an encoded seed ("SU...", "SA...", "SO...", "SN...", "SC...").
     *
     * @throws NKeyException when {@code seed} is no valid seed, or a curve ("SX...") seed
     */
    public static NKeyPair fromSeed(String seed) {
        NKeys.DecodedSeed decoded = NKeys.decodeSeed(seed);
        try {
            return new NKeyPair(decoded.type(), decoded.raw());
        } finally {
            Arrays.fill(decoded.raw(), (byte) 0);
        }
    }

    /** The key pair of a raw 32-byte seed. */
    public static NKeyPair fromRawSeed(NKeyType type, byte[] seed) {
        if (seed.length != Ed25519.SEED_BYTES) {
            throw new NKeyException("a seed has 32 bytes, got " + seed.length);
        }
        return new NKeyPair(type, seed);
    }

    public NKeyType type() {
        return type;
    }

    /** The encoded public key, e.g. "UD...". */
    public String publicKey() {
        return publicKey;
    }

    /** The encoded seed, e.g. "SU...". Secret: never log it. */
    public String seed() {
        return NKeys.encodeSeed(type, seed);
    }

    /** The 64-byte Ed25519 signature of {@code data}. */
    public byte[] sign(byte[] data) {
        return Ed25519.sign(privateKey, data);
    }

    /** Whether {@code signature} is this key's signature of {@code data}. */
    public boolean verify(byte[] data, byte[] signature) {
        return NKeys.verify(publicKey, data, signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NKeyPair other && type == other.type
                && MessageDigest.isEqual(seed, other.seed);
    }

    @Override
    public int hashCode() {
        return publicKey.hashCode();
    }

    @Override
    public String toString() {
        return "NKeyPair[" + publicKey + "]";
    }
}
