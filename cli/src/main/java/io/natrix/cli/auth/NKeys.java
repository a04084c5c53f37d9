package io.natrix.cli.auth;

import io.natrix.cli.CliException;
import io.nats.client.NKey;
import io.nats.client.support.Encoding;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import java.util.Locale;
import javax.crypto.KeyAgreement;

/**
 * NKeys as the NATS tools create and read them: Ed25519 keys through jnats's {@link NKey} (operator, account,
 * user, server, cluster) and the X25519 "curve" keys jnats does not have, encoded the nkeys way.
 *
 * <pre>
 * seed   = base32(b1 b2 raw[32] crc16le)   b1 = 'S' prefix (18 &lt;&lt; 3) | type &gt;&gt; 5, b2 = (type &amp; 31) &lt;&lt; 3
 * public = base32(type raw[32] crc16le)    type: O 14&lt;&lt;3, A 0, U 20&lt;&lt;3, N 13&lt;&lt;3, C 2&lt;&lt;3, X 23&lt;&lt;3
 * </pre>
 *
 * The CRC is CRC-16/XMODEM over the bytes before it, little endian; base32 is RFC 4648 without padding. A curve
 * key's public half is X25519(raw, 9). Stateless and thread-safe.
 */
final class NKeys {

    /** The kinds of key {@code auth nkey gen} makes, with natscli's names. */
    enum Kind {
        USER, ACCOUNT, SERVER, CLUSTER, OPERATOR, CURVE;

        static Kind parse(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "user" -> USER;
                case "account" -> ACCOUNT;
                case "server" -> SERVER;
                case "cluster" -> CLUSTER;
                case "operator" -> OPERATOR;
                case "curve", "x25519" -> CURVE;
                default -> throw new CliException("unknown key type \"" + name
                        + "\": use user, account, server, cluster, operator or curve");
            };
        }
    }

    private static final int SEED_PREFIX = 18 << 3;
    private static final int CURVE_PREFIX = 23 << 3;
    private static final int RAW_KEY_BYTES = 32;
    /** The biggest key file read: a creds file, with room to spare. */
    private static final long KEY_FILE_MAX = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private NKeys() {
    }

    /** A new key of {@code kind}. */
    static NKey create(Kind kind) {
        try {
            return switch (kind) {
                case USER -> NKey.createUser(RANDOM);
                case ACCOUNT -> NKey.createAccount(RANDOM);
                case SERVER -> NKey.createServer(RANDOM);
                case CLUSTER -> NKey.createCluster(RANDOM);
                case OPERATOR -> NKey.createOperator(RANDOM);
                case CURVE -> throw new IllegalArgumentException("curve keys are not NKey objects");
            };
        } catch (GeneralSecurityException | IOException e) {
            throw new CliException("cannot create a key: " + e.getMessage(), e);
        }
    }

    /** The seed of a new key of {@code kind}. */
    static String createSeed(Kind kind) {
        if (kind == Kind.CURVE) {
            byte[] raw = new byte[RAW_KEY_BYTES];
            RANDOM.nextBytes(raw);
            return encodeSeed(CURVE_PREFIX, raw);
        }
        return new String(create(kind).getSeed());
    }

    /** The public key of a seed of any kind; a bad seed is a one-line error naming {@code what}. */
    static String publicKey(String seed, String what) {
        byte[] curve = curveRaw(seed);
        if (curve != null) {
            return encode(CURVE_PREFIX, x25519Public(curve));
        }
        try {
            return new String(fromSeed(seed, what).getPublicKey());
        } catch (GeneralSecurityException | IOException e) {
            throw new CliException("invalid seed in " + what + ": " + e.getMessage(), e);
        }
    }

    /** An Ed25519 key from its seed. */
    static NKey fromSeed(String seed, String what) {
        try {
            return NKey.fromSeed(seed.toCharArray());
        } catch (RuntimeException e) {
            throw new CliException("invalid seed in " + what + ": " + describe(e));
        }
    }

    /** An Ed25519 key from a seed or a public key (verification needs only the public key). */
    static NKey fromSeedOrPublicKey(String text, String what) {
        if (text.startsWith("S")) {
            return fromSeed(text, what);
        }
        try {
            return NKey.fromPublicKey(text.toCharArray());
        } catch (RuntimeException e) {
            throw new CliException("invalid key in " + what + ": " + describe(e));
        }
    }

    /**
     * The key a file holds: its text stripped, or the content of a {@code -----BEGIN ... SEED-----} block when it
     * is a creds file, as natscli and nsc read key files.
     */
    static String readKeyFile(Path file) {
        try {
            if (Files.size(file) > KEY_FILE_MAX) {
                throw new CliException("cannot read key file " + file + ": larger than " + KEY_FILE_MAX + " bytes");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String[] lines = text.split("\\R");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].startsWith("-----BEGIN ") && lines[i].strip().endsWith(" SEED-----")) {
                    for (int j = i + 1; j < lines.length; j++) {
                        if (!lines[j].isBlank()) {
                            return lines[j].strip();
                        }
                    }
                }
            }
            for (String line : lines) {
                if (!line.isBlank()) {
                    return line.strip();
                }
            }
            throw new CliException("cannot read key file " + file + ": it is empty");
        } catch (NoSuchFileException e) {
            throw new CliException("cannot read key file " + file + ": no such file");
        } catch (IOException e) {
            throw new CliException("cannot read key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The 32 private bytes of a curve seed, or null when {@code seed} is not one. */
    private static byte[] curveRaw(String seed) {
        if (!seed.startsWith("SX")) {
            return null;
        }
        byte[] raw;
        try {
            raw = Encoding.base32Decode(seed.toCharArray());
        } catch (RuntimeException e) {
            return null;
        }
        if (raw.length != 2 + RAW_KEY_BYTES + 2) {
            return null;
        }
        int crc = (raw[raw.length - 2] & 0xFF) | (raw[raw.length - 1] & 0xFF) << 8;
        if (crc != crc16(Arrays.copyOf(raw, raw.length - 2))) {
            throw new CliException("invalid curve seed: bad checksum");
        }
        int b1 = raw[0] & 0xF8;
        int prefix = (raw[0] & 7) << 5 | (raw[1] & 0xF8) >> 3;
        if (b1 != SEED_PREFIX || prefix != CURVE_PREFIX) {
            return null;
        }
        return Arrays.copyOfRange(raw, 2, 2 + RAW_KEY_BYTES);
    }

    private static byte[] x25519Public(byte[] raw) {
        try {
            KeyFactory factory = KeyFactory.getInstance("XDH");
            PrivateKey key = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, raw));
            PublicKey base = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519,
                    BigInteger.valueOf(9)));
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(key);
            agreement.doPhase(base, true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new CliException("cannot compute the curve public key: " + e.getMessage(), e);
        }
    }

    private static String encodeSeed(int prefix, byte[] raw) {
        byte[] data = new byte[2 + raw.length];
        data[0] = (byte) (SEED_PREFIX | prefix >> 5);
        data[1] = (byte) ((prefix & 31) << 3);
        System.arraycopy(raw, 0, data, 2, raw.length);
        return withChecksum(data);
    }

    private static String encode(int prefix, byte[] raw) {
        byte[] data = new byte[1 + raw.length];
        data[0] = (byte) prefix;
        System.arraycopy(raw, 0, data, 1, raw.length);
        return withChecksum(data);
    }

    private static String withChecksum(byte[] data) {
        int crc = crc16(data);
        byte[] all = Arrays.copyOf(data, data.length + 2);
        all[data.length] = (byte) crc;
        all[data.length + 1] = (byte) (crc >> 8);
        return new String(Encoding.base32Encode(all)).replace("=", "");
    }

    /** CRC-16/XMODEM (polynomial 0x1021, initial 0), as nkeys computes it. */
    static int crc16(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc ^= (b & 0xFF) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
                crc &= 0xFFFF;
            }
        }
        return crc;
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
