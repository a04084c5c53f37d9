package io.natrix.server.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * An X25519 curve nkey ("xkey"), compatible with the nkeys library's {@code CreateCurveKeys}/{@code FromCurveSeed}:
 * it seals messages for another xkey and opens what another xkey sealed for it, in the format nats-server and auth
 * callout services exchange when {@code auth_callout.xkey} (or an account's {@code authorization.xkey}) is set.
 *
 * <p>Keys. The seed is 32 random bytes used directly as the X25519 private scalar (clamped by X25519 itself); the
 * public key is X25519(seed, 9). Text forms as every nkey ({@link NKeys}), type {@link NKeyType#CURVE}:
 * <pre>
 *   seed        "SX..."  58 characters
 *   public key  "X..."   56 characters
 * </pre>
 *
 * <p>Sealed message, what {@link #seal} returns and {@link #open} takes:
 * <pre>
 *   0        4                               28                 44
 *   +--------+-------------------------------+------------------+------------------------------+
 *   | "xkv1" | nonce (24 random bytes)       | Poly1305 tag     | ciphertext (message length)  |
 *   +--------+-------------------------------+------------------+------------------------------+
 *                                            |&lt;----- NaCl box (golang.org/x/crypto/nacl/box) ----&gt;|
 *
 *   shared = X25519(own seed, peer public key)                 the same on both sides
 *   key    = HSalsa20(shared, 16 zero bytes)                   NaCl's crypto_box_beforenm
 *   box    = XSalsa20-Poly1305(key, nonce, message)            {@link SecretBox}
 * </pre>
 * A message of n bytes seals to n + 44 bytes. The nonce comes from a {@link SecureRandom} for every seal, as in
 * nkeys, so callers never handle nonces.
 *
 * <p>Differences from nkeys, on input nkeys would accept: a peer public key of small order (its shared secret is all
 * zeros, which the JDK's X25519 refuses) fails here with {@code INVALID_RECIPIENT} or {@code COULD_NOT_DECRYPT}
 * instead of sealing under a predictable key.
 *
 * <p>{@link #toString()} shows the public key only. Immutable and thread-safe; each operation makes its own JCA
 * objects.
 */
public final class XKeyPair {
    /** The version header in front of every sealed message. */
    public static final String VERSION = "xkv1";
    /** Bytes a sealed message has beyond the message: header, nonce and tag. */
    public static final int OVERHEAD = VERSION.length() + SecretBox.NONCE_BYTES + SecretBox.TAG_BYTES;

    private static final byte[] VERSION_BYTES = VERSION.getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = VERSION_BYTES.length + SecretBox.NONCE_BYTES;
    private static final int KEY_BYTES = 32;
    /** 2^255 - 19. */
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    private static final byte[] BASE_POINT = basePoint();

    private final byte[] seed;
    private final PrivateKey privateKey;
    private final String publicKey;

    private XKeyPair(byte[] seed) {
        this.seed = seed.clone();
        this.privateKey = privateKey(this.seed);
        byte[] raw = x25519(privateKey, BASE_POINT);
        this.publicKey = NKeys.encodePublic(NKeyType.CURVE, raw);
    }

    /** A new xkey from the platform's strong random source. */
    public static XKeyPair create() {
        return create(new SecureRandom());
    }

    /** A new xkey; a seeded {@code random} makes tests repeatable. */
    public static XKeyPair create(SecureRandom random) {
        byte[] raw = new byte[KEY_BYTES];
        random.nextBytes(raw);
        try {
            return new XKeyPair(raw);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * The xkey of an encoded curve seed ("SX...").
     *
     * @throws XKeyException {@code INVALID_SEED} when {@code seed} is no valid seed or one of another key type
     */
    public static XKeyPair fromSeed(String seed) {
        NKeys.DecodedSeed decoded;
        try {
            decoded = NKeys.decodeSeed(seed);
        } catch (NKeyException e) {
            throw new XKeyException(XKeyException.Reason.INVALID_SEED);
        }
        try {
            if (decoded.type() != NKeyType.CURVE) {
                throw new XKeyException(XKeyException.Reason.INVALID_SEED);
            }
            return new XKeyPair(decoded.raw());
        } finally {
            Arrays.fill(decoded.raw(), (byte) 0);
        }
    }

    /** The xkey of a raw 32-byte seed. */
    public static XKeyPair fromRawSeed(byte[] seed) {
        if (seed.length != KEY_BYTES) {
            throw new XKeyException(XKeyException.Reason.INVALID_SEED);
        }
        return new XKeyPair(seed);
    }

    /** Whether {@code text} is a valid curve public key ("X..."); never throws. */
    public static boolean isValidPublicKey(String text) {
        return NKeys.isValidPublicKey(text, NKeyType.CURVE);
    }

    /** The encoded public key, "X...". */
    public String publicKey() {
        return publicKey;
    }

    /** The encoded seed, "SX...". Secret: never log it. */
    public String seed() {
        return NKeys.encodeSeed(NKeyType.CURVE, seed);
    }

    /**
     * Seals {@code message} for the holder of {@code recipientPublicKey}'s seed, with a fresh random nonce.
     *
     * @throws XKeyException {@code INVALID_RECIPIENT} when the recipient is not a usable curve public key
     */
    public byte[] seal(byte[] message, String recipientPublicKey) {
        return seal(message, recipientPublicKey, new SecureRandom());
    }

    /** {@link #seal(byte[], String)} with the nonce drawn from {@code random}. */
    public byte[] seal(byte[] message, String recipientPublicKey, SecureRandom random) {
        byte[] nonce = new byte[SecretBox.NONCE_BYTES];
        random.nextBytes(nonce);
        return seal(message, recipientPublicKey, nonce);
    }

    /** Seals with a given nonce: for the test vectors only; a nonce must never repeat. */
    byte[] seal(byte[] message, String recipientPublicKey, byte[] nonce) {
        byte[] key = sharedKey(recipientPublicKey, XKeyException.Reason.INVALID_RECIPIENT);
        try {
            byte[] box = SecretBox.seal(key, nonce, message);
            byte[] out = new byte[HEADER_BYTES + box.length];
            System.arraycopy(VERSION_BYTES, 0, out, 0, VERSION_BYTES.length);
            System.arraycopy(nonce, 0, out, VERSION_BYTES.length, nonce.length);
            System.arraycopy(box, 0, out, HEADER_BYTES, box.length);
            return out;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Opens a message {@code senderPublicKey}'s holder sealed for this key, checking in nkeys' order: the length,
     * the header, the sender key, then the tag.
     *
     * @throws XKeyException {@code INVALID_ENCRYPTED} when the input is no longer than header and nonce,
     *                       {@code WRONG_VERSION} without the "xkv1" header, {@code INVALID_SENDER} when the sender
     *                       is not a curve public key, {@code COULD_NOT_DECRYPT} when the tag does not verify
     */
    public byte[] open(byte[] sealed, String senderPublicKey) {
        if (sealed == null || sealed.length <= HEADER_BYTES) {
            throw new XKeyException(XKeyException.Reason.INVALID_ENCRYPTED);
        }
        if (!Arrays.equals(sealed, 0, VERSION_BYTES.length, VERSION_BYTES, 0, VERSION_BYTES.length)) {
            throw new XKeyException(XKeyException.Reason.WRONG_VERSION);
        }
        byte[] nonce = Arrays.copyOfRange(sealed, VERSION_BYTES.length, HEADER_BYTES);
        byte[] key = sharedKey(senderPublicKey, XKeyException.Reason.INVALID_SENDER);
        try {
            return SecretBox.open(key, nonce, Arrays.copyOfRange(sealed, HEADER_BYTES, sealed.length));
        } catch (SecurityException e) {
            throw new XKeyException(XKeyException.Reason.COULD_NOT_DECRYPT);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** NaCl's box key with a peer: HSalsa20 of the X25519 shared secret. */
    private byte[] sharedKey(String peerPublicKey, XKeyException.Reason badPeer) {
        byte[] peer;
        try {
            peer = NKeys.decodePublic(NKeyType.CURVE, peerPublicKey);
        } catch (NKeyException e) {
            throw new XKeyException(badPeer);
        }
        byte[] shared;
        try {
            shared = x25519(privateKey, peer);
        } catch (IllegalArgumentException e) {
            // a small-order point: the shared secret would be all zeros
            throw new XKeyException(badPeer == XKeyException.Reason.INVALID_RECIPIENT ? badPeer
                    : XKeyException.Reason.COULD_NOT_DECRYPT);
        }
        try {
            return SecretBox.hsalsa20(shared, new byte[16]);
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    private static PrivateKey privateKey(byte[] scalar) {
        try {
            return KeyFactory.getInstance("XDH")
                    .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks X25519", e);
        }
    }

    /**
     * X25519(private scalar, u) as 32 little-endian bytes. The u-coordinate is read as RFC 7748 says: little-endian,
     * top bit ignored, taken modulo p (as Go's curve25519 reads it).
     *
     * @throws IllegalArgumentException when the result would be all zeros (u of small order)
     */
    private static byte[] x25519(PrivateKey privateKey, byte[] u) {
        byte[] bigEndian = new byte[KEY_BYTES];
        for (int i = 0; i < KEY_BYTES; i++) {
            bigEndian[i] = u[KEY_BYTES - 1 - i];
        }
        bigEndian[0] &= 0x7f;
        BigInteger coordinate = new BigInteger(1, bigEndian).mod(P);
        try {
            PublicKey peer = KeyFactory.getInstance("XDH")
                    .generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, coordinate));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(privateKey);
            agreement.doPhase(peer, true);
            byte[] secret = agreement.generateSecret();
            if (MessageDigest.isEqual(secret, new byte[KEY_BYTES])) {
                throw new IllegalArgumentException("small-order point");
            }
            return secret;
        } catch (java.security.InvalidKeyException e) {
            // The JDK refuses points whose shared secret is all zeros.
            throw new IllegalArgumentException("small-order point", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks X25519", e);
        }
    }

    private static byte[] basePoint() {
        byte[] nine = new byte[KEY_BYTES];
        nine[0] = 9;
        return nine;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XKeyPair other && MessageDigest.isEqual(seed, other.seed);
    }

    @Override
    public int hashCode() {
        return publicKey.hashCode();
    }

    @Override
    public String toString() {
        return "XKeyPair[" + publicKey + "]";
    }
}
