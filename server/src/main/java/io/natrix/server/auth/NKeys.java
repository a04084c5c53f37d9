package io.natrix.server.auth;

/**
 * The NKey text encoding: base32 (RFC 4648, no padding) of a prefix byte, the 32-byte Ed25519 key and a
 * little-endian CRC-16/XMODEM of both.
 *
 * <pre>
 *   byte 0       prefix (type << 3), e.g. 'N' server, 'A' account, 'U' user, 'O' operator
 *   bytes 1..32  public key
 *   bytes 33..34 CRC-16 of bytes 0..32, low byte first
 * </pre>
 * 35 bytes encode to 56 characters whose first letter names the type.
 *
 * <p>Stateless and thread-safe.
 */
public final class NKeys {
    public static final int PREFIX_SERVER = 13 << 3;
    public static final int PREFIX_ACCOUNT = 0;
    public static final int PREFIX_USER = 20 << 3;
    public static final int PREFIX_OPERATOR = 14 << 3;

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private NKeys() {
    }

    /** Encodes a 32-byte public key with its type prefix. */
    public static String encodePublic(int prefix, byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("an nkey public key has 32 bytes, got " + key.length);
        }
        byte[] raw = new byte[35];
        raw[0] = (byte) prefix;
        System.arraycopy(key, 0, raw, 1, 32);
        int crc = crc16(raw, 0, 33);
        raw[33] = (byte) crc;
        raw[34] = (byte) (crc >>> 8);
        return base32(raw);
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
}
