package io.natrix.server.auth;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * The nkey text encodings and the signature checks built on them.
 *
 * <p>A public key is base32 (RFC 4648 alphabet, upper case, no padding) of a prefix byte, the 32-byte Ed25519 key
 * and a little-endian CRC-16/XMODEM of both:
 * <pre>
 *   byte 0       prefix (type &lt;&lt; 3), see {@link NKeyType}: 'N' server, 'A' account, 'U' user, 'O' operator...
 *   bytes 1..32  public key
 *   bytes 33..34 CRC-16 of bytes 0..32, low byte first
 * </pre>
 * 35 bytes encode to 56 characters whose first letter names the type.
 *
 * <p>A seed (the private half) spreads two prefixes over its first two bytes so that both show as letters, "S" for
 * seed and then the type letter ("SU...", "SA...", "SO..."):
 * <pre>
 *   byte 0       PREFIX_SEED | (type prefix &gt;&gt; 5)
 *   byte 1       (type prefix &amp; 31) &lt;&lt; 3
 *   bytes 2..33  the 32-byte Ed25519 seed (RFC 8032 private key)
 *   bytes 34..35 CRC-16 of bytes 0..33, low byte first
 * </pre>
 * 36 bytes encode to 58 characters; the last character carries two unused bits, which decoding ignores as the Go
 * nkeys library does.
 *
 * <p>Decoding checks the length before anything else, so hostile input costs O(1) when too long.
 *
 * <p>Stateless and thread-safe.
 */
public final class NKeys {
    public static final int PREFIX_SERVER = 13 << 3;
    public static final int PREFIX_ACCOUNT = 0;
    public static final int PREFIX_USER = 20 << 3;
    public static final int PREFIX_OPERATOR = 14 << 3;
    public static final int PREFIX_CLUSTER = 2 << 3;
    public static final int PREFIX_CURVE = 23 << 3;
    /** The first five bits of every seed, which make its text start with 'S'. */
    public static final int PREFIX_SEED = 18 << 3;

    /** Characters in the text form of a public key. */
    public static final int PUBLIC_KEY_LENGTH = 56;
    /** Characters in the text form of a seed. */
    public static final int SEED_LENGTH = 58;
    /** Longest signature text {@link #decodeSignature} looks at: 64 bytes are 88 characters of padded base64. */
    public static final int SIGNATURE_TEXT_LENGTH_MAX = 128;

    private static final int PUBLIC_RAW_BYTES = 1 + Ed25519.PUBLIC_KEY_BYTES + 2;
    private static final int SEED_RAW_BYTES = 2 + Ed25519.SEED_BYTES + 2;

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private NKeys() {
    }

    /** Encodes a 32-byte public key with its type prefix. */
    public static String encodePublic(int prefix, byte[] key) {
        if (key.length != Ed25519.PUBLIC_KEY_BYTES) {
            throw new IllegalArgumentException("an nkey public key has 32 bytes, got " + key.length);
        }
        byte[] raw = new byte[PUBLIC_RAW_BYTES];
        raw[0] = (byte) prefix;
        System.arraycopy(key, 0, raw, 1, Ed25519.PUBLIC_KEY_BYTES);
        appendCrc(raw);
        return base32(raw);
    }

    /** Encodes a 32-byte public key of the given type. */
    public static String encodePublic(NKeyType type, byte[] key) {
        return encodePublic(type.prefix(), key);
    }

    /**
     * The raw 32-byte key of a public key of the {@code expected} type.
     *
     * @throws NKeyException when {@code text} is no valid public key, or one of another type
     */
    public static byte[] decodePublic(NKeyType expected, String text) {
        DecodedKey key = decodePublic(text);
        if (key.type() != expected) {
            throw new NKeyException("expected " + describe(expected) + " public key, got " + describe(key.type()));
        }
        return key.raw();
    }

    /**
     * The type of a public key.
     *
     * @throws NKeyException when {@code text} is no valid public key
     */
    public static NKeyType typeOf(String text) {
        return decodePublic(text).type();
    }

    /** Whether {@code text} is a valid public key of the given type; never throws. */
    public static boolean isValidPublicKey(String text, NKeyType type) {
        try {
            return decodePublic(text).type() == type;
        } catch (NKeyException e) {
            return false;
        }
    }

    /** Encodes a 32-byte seed of the given type ("S" + type letter). */
    public static String encodeSeed(NKeyType type, byte[] seed) {
        if (seed.length != Ed25519.SEED_BYTES) {
            throw new IllegalArgumentException("an nkey seed has 32 bytes, got " + seed.length);
        }
        byte[] raw = new byte[SEED_RAW_BYTES];
        raw[0] = (byte) (PREFIX_SEED | (type.prefix() >>> 5));
        raw[1] = (byte) ((type.prefix() & 31) << 3);
        System.arraycopy(seed, 0, raw, 2, Ed25519.SEED_BYTES);
        appendCrc(raw);
        String text = base32(raw);
        Arrays.fill(raw, (byte) 0);
        return text;
    }

    /**
     * Whether {@code signature} is a valid Ed25519 signature of {@code data} by {@code publicKey}. A signature of the
     * wrong length or by another key is simply not valid.
     *
     * @throws NKeyException when {@code publicKey} is no valid public key of a signing type
     */
    public static boolean verify(String publicKey, byte[] data, byte[] signature) {
        DecodedKey key = decodePublic(publicKey);
        if (!key.type().signs()) {
            throw new NKeyException("a curve key does not make signatures");
        }
        return Ed25519.verify(key.raw(), data, signature);
    }

    /**
     * The CONNECT nonce check: whether {@code signatureText} (the {@code sig} field) is the signature of the INFO nonce
     * by {@code publicKey}. The client signs the nonce string's bytes; the server sent an ASCII nonce, so its UTF-8
     * bytes are those bytes. A signature text that does not decode is not valid.
     *
     * @throws NKeyException when {@code publicKey} is no valid public key of a signing type
     */
    public static boolean verifyNonce(String publicKey, String nonce, String signatureText) {
        byte[] signature;
        try {
            signature = decodeSignature(signatureText);
        } catch (NKeyException e) {
            // Decode the key anyway so a malformed key is reported the same way whatever the signature looks like.
            typeOf(publicKey);
            return false;
        }
        return verify(publicKey, nonce.getBytes(StandardCharsets.UTF_8), signature);
    }

    /**
     * Decodes a signature as nats-server reads CONNECT's {@code sig}: URL-safe base64 without padding (what clients
     * send), else standard base64 with padding.
     *
     * @throws NKeyException when the text is neither, or longer than {@link #SIGNATURE_TEXT_LENGTH_MAX}
     */
    public static byte[] decodeSignature(String text) {
        if (text == null || text.isEmpty()) {
            throw new NKeyException("no signature");
        }
        if (text.length() > SIGNATURE_TEXT_LENGTH_MAX) {
            throw new NKeyException("signature text too long");
        }
        byte[] decoded = decodeRawUrlBase64(text);
        if (decoded == null) {
            decoded = decodePaddedStdBase64(text);
        }
        if (decoded == null) {
            throw new NKeyException("signature is not base64");
        }
        return decoded;
    }

    /** URL-safe base64 without padding, or null. Go's decoder also rejects any '=' here. */
    static byte[] decodeRawUrlBase64(String text) {
        if (text.indexOf('=') >= 0 || text.length() % 4 == 1) {
            return null;
        }
        try {
            return Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] decodePaddedStdBase64(String text) {
        if (text.length() % 4 != 0) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A decoded public key: its type and raw 32 bytes. */
    record DecodedKey(NKeyType type, byte[] raw) {
    }

    /** A decoded seed: the type of key it makes and its raw 32 bytes. */
    record DecodedSeed(NKeyType type, byte[] raw) {
    }

    static DecodedKey decodePublic(String text) {
        if (text == null) {
            throw new NKeyException("no public key");
        }
        if (text.length() != PUBLIC_KEY_LENGTH) {
            throw new NKeyException("a public key has " + PUBLIC_KEY_LENGTH + " characters, got " + text.length());
        }
        byte[] raw = base32Decode(text, PUBLIC_RAW_BYTES);
        checkCrc(raw, "public key");
        NKeyType type = NKeyType.ofPrefix(raw[0] & 0xFF);
        if (type == null) {
            throw new NKeyException("not a public key: unknown prefix '" + text.charAt(0) + "'");
        }
        byte[] key = new byte[Ed25519.PUBLIC_KEY_BYTES];
        System.arraycopy(raw, 1, key, 0, key.length);
        return new DecodedKey(type, key);
    }

    static DecodedSeed decodeSeed(String text) {
        if (text == null) {
            throw new NKeyException("no seed");
        }
        if (text.length() != SEED_LENGTH) {
            throw new NKeyException("a seed has " + SEED_LENGTH + " characters, got " + text.length());
        }
        byte[] raw = base32Decode(text, SEED_RAW_BYTES);
        try {
            checkCrc(raw, "seed");
            if ((raw[0] & 0xF8) != PREFIX_SEED) {
                throw new NKeyException("not a seed: it does not start with 'S'");
            }
            int typePrefix = ((raw[0] & 0x07) << 5) | ((raw[1] & 0xF8) >>> 3);
            NKeyType type = NKeyType.ofPrefix(typePrefix);
            if (type == null) {
                throw new NKeyException("not a seed: unknown key type");
            }
            byte[] seed = new byte[Ed25519.SEED_BYTES];
            System.arraycopy(raw, 2, seed, 0, seed.length);
            return new DecodedSeed(type, seed);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** The type with its article, for messages: "an account", "a user". */
    static String describe(NKeyType type) {
        return switch (type) {
            case OPERATOR -> "an operator";
            case ACCOUNT -> "an account";
            case USER -> "a user";
            case SERVER -> "a server";
            case CLUSTER -> "a cluster";
            case CURVE -> "a curve";
        };
    }

    private static void appendCrc(byte[] raw) {
        int crc = crc16(raw, 0, raw.length - 2);
        raw[raw.length - 2] = (byte) crc;
        raw[raw.length - 1] = (byte) (crc >>> 8);
    }

    private static void checkCrc(byte[] raw, String what) {
        int stored = (raw[raw.length - 2] & 0xFF) | (raw[raw.length - 1] & 0xFF) << 8;
        if (stored != crc16(raw, 0, raw.length - 2)) {
            throw new NKeyException(what + " has a bad checksum");
        }
    }

    /** CRC-16/XMODEM (polynomial 0x1021, initial 0). */
    static int crc16(byte[] data, int offset, int length) {
        int crc = 0;
        for (int i = offset; i < offset + length; i++) {
            crc ^= (data[i] & 0xFF) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xFFFF;
        }
        return crc;
    }

    static String base32(byte[] data) {
        StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                sb.append(BASE32[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            sb.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return sb.toString();
    }

    /**
     * Decodes unpadded base32 into exactly {@code length} bytes; the caller has checked that the text has the right
     * number of characters. Bits left over after the last whole byte are ignored.
     */
    private static byte[] base32Decode(String text, int length) {
        byte[] out = new byte[length];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            int value = base32Value(text.charAt(i));
            if (value < 0) {
                throw new NKeyException("not base32 at character " + i);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                if (n < length) {
                    out[n++] = (byte) (buffer >>> bits);
                }
                buffer &= (1 << bits) - 1;
            }
        }
        return out;
    }

    private static int base32Value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= '2' && c <= '7') {
            return c - '2' + 26;
        }
        return -1;
    }
}
