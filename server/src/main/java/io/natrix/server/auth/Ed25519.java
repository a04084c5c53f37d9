package io.natrix.server.auth;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * Ed25519 (RFC 8032) through the JDK's own provider: the raw 32-byte forms nkeys use on one side, the JCA key objects
 * on the other. No other crypto library is involved.
 *
 * <pre>
 *   seed        32 bytes, the RFC 8032 private key (what an nkey seed carries)
 *   public key  32 bytes, little-endian y with the sign of x in the top bit of the last byte
 *   signature   64 bytes
 * </pre>
 *
 * <p>Stateless and thread-safe: JCA objects that keep state ({@link Signature}) are made per call.
 */
final class Ed25519 {
    static final int SEED_BYTES = 32;
    static final int PUBLIC_KEY_BYTES = 32;
    static final int SIGNATURE_BYTES = 64;

    private static final String ALGORITHM = "Ed25519";

    private Ed25519() {
    }

    /** The key pair whose private key is {@code seed}, with its public key in raw form. */
    static Keys fromSeed(byte[] seed) {
        if (seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, got " + seed.length);
        }
        KeyPair pair;
        try {
            // The JDK derives the public key only inside its key pair generator, which takes the private key from
            // the random source; a source that hands out exactly the seed makes the derivation deterministic. The
            // check below turns any change in how the generator reads randomness into a loud failure.
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SeedSource(seed));
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks Ed25519", e);
        }
        EdECPrivateKey privateKey = (EdECPrivateKey) pair.getPrivate();
        byte[] derived = privateKey.getBytes().orElseThrow();
        boolean same = Arrays.equals(derived, seed);
        Arrays.fill(derived, (byte) 0);
        if (!same) {
            throw new IllegalStateException("the JDK's Ed25519 generator did not use the given seed");
        }
        return new Keys(privateKey, rawPublicKey((EdECPublicKey) pair.getPublic()));
    }

    /** A fresh seed from {@code random}. */
    static byte[] newSeed(SecureRandom random) {
        byte[] seed = new byte[SEED_BYTES];
        random.nextBytes(seed);
        return seed;
    }

    static byte[] sign(PrivateKey privateKey, byte[] data) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(privateKey);
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /**
     * Whether {@code signature} is a valid signature of {@code data} by the raw {@code publicKey}. Anything malformed
     * (wrong lengths, a key that is no curve point, a non-canonical signature) is simply not valid.
     */
    static boolean verify(byte[] publicKey, byte[] data, byte[] signature) {
        if (publicKey.length != PUBLIC_KEY_BYTES || signature.length != SIGNATURE_BYTES) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(jcaPublicKey(publicKey));
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // The provider reports points off the curve and out-of-range values as exceptions; for a verifier they
            // all mean the same thing.
            return false;
        }
    }

    /** The raw 32-byte encoding of a JCA public key. */
    static byte[] rawPublicKey(EdECPublicKey key) {
        EdECPoint point = key.getPoint();
        byte[] bigEndian = point.getY().toByteArray();
        byte[] raw = new byte[PUBLIC_KEY_BYTES];
        // BigInteger gives big-endian bytes, possibly with a leading sign byte; the wire form is little-endian.
        for (int i = 0; i < PUBLIC_KEY_BYTES && i < bigEndian.length; i++) {
            raw[i] = bigEndian[bigEndian.length - 1 - i];
        }
        if (point.isXOdd()) {
            raw[PUBLIC_KEY_BYTES - 1] |= (byte) 0x80;
        }
        return raw;
    }

    private static PublicKey jcaPublicKey(byte[] raw) throws GeneralSecurityException {
        byte[] bigEndian = new byte[PUBLIC_KEY_BYTES];
        for (int i = 0; i < PUBLIC_KEY_BYTES; i++) {
            bigEndian[i] = raw[PUBLIC_KEY_BYTES - 1 - i];
        }
        boolean xOdd = (bigEndian[0] & 0x80) != 0;
        bigEndian[0] &= 0x7F;
        EdECPoint point = new EdECPoint(xOdd, new BigInteger(1, bigEndian));
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519, point));
    }

    /** A private key and the raw form of its public key. */
    record Keys(PrivateKey privateKey, byte[] publicKey) {
    }

    /** A random source that yields one seed and then refuses, so the generator cannot silently use anything else. */
    private static final class SeedSource extends SecureRandom {
        private static final long serialVersionUID = 1L;
        private transient byte[] seed;

        SeedSource(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (seed == null || bytes.length != seed.length) {
                throw new IllegalStateException("the Ed25519 generator asked for unexpected random bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, bytes.length);
            Arrays.fill(seed, (byte) 0);
            seed = null;
        }
    }
}
