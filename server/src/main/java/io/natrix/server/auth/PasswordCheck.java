package io.natrix.server.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.IllegalBCryptFormatException;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A configured password or token, and the check of what a client presents against it: plain text compared in
 * constant time, or a bcrypt hash verified as nats-server (Go's {@code golang.org/x/crypto/bcrypt}) verifies it.
 *
 * <p>A configured value is a bcrypt hash when nats-server would take it for one: {@code $2}, one of {@code a b x y},
 * {@code $}, two digits, {@code $}. Such a value must then be a well-formed hash, or {@link #of} refuses it:
 * <pre>
 *   $2a$10$N9qo8uLOickgx2ZMRZoMye IjZAgcfl7p92ldGxad68LJZdL17lhWy      (no space; shown split)
 *   |  |  |  salt: 22 chars           hash: 31 chars
 *   |  |  cost: 04..31 (2^cost rounds)
 *   |  version: 2a, 2b, 2x or 2y (all verified alike, as Go does)
 * </pre>
 * 60 characters in all, salt and hash in bcrypt's base64 alphabet {@code ./A-Za-z0-9}, their last characters
 * canonical (unused low bits zero). nats-server would accept a malformed hash at start-up and then refuse every
 * login; we say so at start-up instead. Anything else is a plain password, even if it starts with {@code $}.
 *
 * <p>Verification follows Go, which keys bcrypt with the password's UTF-8 bytes plus a NUL byte, cut to 72 bytes:
 * so a password of 72 bytes or more is verified by its first 72 bytes (Go's hashing refuses such passwords, its
 * verification does not). Checked against nats-server 2.9.10 with hashes made here.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the secret.
 */
public final class PasswordCheck {
    public static final int BCRYPT_COST_MIN = 4;
    public static final int BCRYPT_COST_MAX = 31;
    /** Bytes of password material bcrypt uses (18 Blowfish subkeys of 4 bytes). */
    private static final int BCRYPT_KEY_BYTES_MAX = 72;
    private static final int BCRYPT_HASH_LENGTH = 60;
    private static final int SALT_END = 7 + 22;
    private static final String BCRYPT_ALPHABET =
            "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final BCrypt.Verifyer VERIFIER =
            BCrypt.verifyer(BCrypt.Version.VERSION_2Y_NO_NULL_TERMINATOR, LongPasswordStrategies.none());

    private final byte[] plain;
    private final BCrypt.HashData hash;

    private PasswordCheck(byte[] plain, BCrypt.HashData hash) {
        this.plain = plain;
        this.hash = hash;
    }

    /**
     * The check for a configured password or token.
     *
     * @throws IllegalArgumentException when the value looks like a bcrypt hash but is not a valid one; the message
     *                                  says what is wrong without repeating the value
     */
    public static PasswordCheck of(String configured) {
        if (!looksLikeBcrypt(configured)) {
            return new PasswordCheck(configured.getBytes(StandardCharsets.UTF_8), null);
        }
        int cost = (configured.charAt(4) - '0') * 10 + (configured.charAt(5) - '0');
        if (cost < BCRYPT_COST_MIN || cost > BCRYPT_COST_MAX) {
            throw new IllegalArgumentException("bcrypt cost " + cost + " is outside " + BCRYPT_COST_MIN + ".."
                    + BCRYPT_COST_MAX);
        }
        if (configured.length() != BCRYPT_HASH_LENGTH) {
            throw new IllegalArgumentException("a bcrypt hash has " + BCRYPT_HASH_LENGTH + " characters, this one "
                    + configured.length());
        }
        for (int i = 7; i < BCRYPT_HASH_LENGTH; i++) {
            if (BCRYPT_ALPHABET.indexOf(configured.charAt(i)) < 0) {
                throw new IllegalArgumentException("bcrypt hash has a character outside ./A-Za-z0-9 at position "
                        + (i + 1));
            }
        }
        // 16 salt bytes fill 22 characters with 4 bits to spare, 23 hash bytes fill 31 with 2 to spare.
        if ((BCRYPT_ALPHABET.indexOf(configured.charAt(SALT_END - 1)) & 0xF) != 0
                || (BCRYPT_ALPHABET.indexOf(configured.charAt(BCRYPT_HASH_LENGTH - 1)) & 0x3) != 0) {
            throw new IllegalArgumentException("bcrypt hash is not in canonical form");
        }
        // The parser accepts 2a, 2b, 2x and 2y; Go ignores the letter when verifying, so parse them all as 2a.
        byte[] normalized = configured.getBytes(StandardCharsets.US_ASCII);
        normalized[2] = 'a';
        try {
            return new PasswordCheck(null, BCrypt.Version.VERSION_2A.parser.parse(normalized));
        } catch (IllegalBCryptFormatException e) {
            throw new IllegalArgumentException("invalid bcrypt hash", e);
        }
    }

    /** nats-server's test for a bcrypt value: {@code $2[abxy]$}, two ASCII digits, {@code $}. */
    public static boolean looksLikeBcrypt(String value) {
        return value.length() >= 7 && value.charAt(0) == '$' && value.charAt(1) == '2'
                && "abxy".indexOf(value.charAt(2)) >= 0 && value.charAt(3) == '$'
                && isDigit(value.charAt(4)) && isDigit(value.charAt(5)) && value.charAt(6) == '$';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    public boolean isBcrypt() {
        return hash != null;
    }

    /** The bcrypt cost, or 0 for a plain password. */
    public int bcryptCost() {
        return hash == null ? 0 : hash.cost;
    }

    /**
     * Whether the client's password or token matches. A client that sent none is taken to have sent the empty
     * string, as nats-server does. Plain comparisons take time that depends only on the length of what the client
     * sent; bcrypt takes its cost's time whatever the input.
     */
    public boolean matches(String given) {
        byte[] presented = (given == null ? "" : given).getBytes(StandardCharsets.UTF_8);
        if (hash == null) {
            // MessageDigest.isEqual runs over its first argument whatever the second's length, so the loop time
            // reveals only the presented length, which the client knows anyway.
            return MessageDigest.isEqual(presented, plain);
        }
        byte[] key = Arrays.copyOf(presented, Math.min(presented.length + 1, BCRYPT_KEY_BYTES_MAX));
        try {
            return VERIFIER.verify(key, hash.cost, hash.rawSalt, hash.rawHash).verified;
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    @Override
    public String toString() {
        return hash == null ? "PasswordCheck[plain]" : "PasswordCheck[bcrypt, cost " + hash.cost + "]";
    }
}
