package io.natrix.server.auth;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * NaCl's {@code crypto_secretbox_xsalsa20poly1305} (golang.org/x/crypto/nacl/secretbox), built from the three
 * primitives the JDK lacks, written out here from their specifications:
 * <ul>
 *   <li><b>Salsa20/20</b> (Bernstein, "Salsa20 specification"): a 64-byte block from a 32-byte key, an 8-byte nonce
 *       and a 64-bit block counter, twenty rounds of add-rotate-xor over sixteen 32-bit little-endian words;</li>
 *   <li><b>HSalsa20</b> (Bernstein, "Extending the Salsa20 nonce"): the same rounds over a 16-byte input in place of
 *       nonce and counter, without the final addition, keeping words 0, 5, 10, 15, 6, 7, 8, 9 as a 32-byte key;
 *       XSalsa20 is Salsa20 under {@code HSalsa20(key, nonce[0..16])} with nonce {@code nonce[16..24]};</li>
 *   <li><b>Poly1305</b> (RFC 8439 section 2.5): a one-time authenticator, evaluated in five 26-bit limbs so no
 *       product overflows a {@code long} and no branch or table index depends on the key or the message.</li>
 * </ul>
 *
 * <p>Layout, byte offsets into the XSalsa20 key stream for a 24-byte nonce:
 * <pre>
 *   stream  [0 ........ 32)[32 ............................................)
 *            Poly1305 key   XORed with the message, giving the ciphertext
 *
 *   box    = tag (16 bytes) || ciphertext (as long as the message)
 *   tag    = Poly1305(stream[0..32], ciphertext)
 * </pre>
 * {@link #open} recomputes the tag over the ciphertext and compares it in constant time
 * ({@link MessageDigest#isEqual}) before it decrypts anything.
 *
 * <p>A nonce must never be used twice with one key; callers draw it at random ({@link XKeyPair} does).
 *
 * <p>Stateless and thread-safe. Not a general-purpose cipher API: it exists for the auth callout's xkeys.
 */
public final class SecretBox {
    /** Key length. */
    public static final int KEY_BYTES = 32;
    /** Nonce length (XSalsa20). */
    public static final int NONCE_BYTES = 24;
    /** Length of the Poly1305 tag in front of the ciphertext. */
    public static final int TAG_BYTES = 16;

    /** "expand 32-byte k", little-endian words. */
    private static final int SIGMA0 = 0x61707865;
    private static final int SIGMA1 = 0x3320646e;
    private static final int SIGMA2 = 0x79622d32;
    private static final int SIGMA3 = 0x6b206574;
    private static final int BLOCK = 64;

    private SecretBox() {
    }

    /**
     * Seals {@code message} under {@code key} and {@code nonce}: the 16-byte tag followed by the ciphertext.
     *
     * @throws IllegalArgumentException when the key or nonce has the wrong length
     */
    public static byte[] seal(byte[] key, byte[] nonce, byte[] message) {
        checkLengths(key, nonce);
        byte[] out = new byte[TAG_BYTES + message.length];
        byte[] polyKey = new byte[KEY_BYTES];
        xsalsa20(key, nonce, message, 0, message.length, out, TAG_BYTES, polyKey);
        byte[] tag = poly1305(polyKey, out, TAG_BYTES, message.length);
        System.arraycopy(tag, 0, out, 0, TAG_BYTES);
        Arrays.fill(polyKey, (byte) 0);
        return out;
    }

    /**
     * Opens a box made by {@link #seal}.
     *
     * @return the message
     * @throws IllegalArgumentException when the key or nonce has the wrong length
     * @throws SecurityException        when the box is shorter than a tag or its tag does not verify (tampered, or
     *                                  another key or nonce)
     */
    public static byte[] open(byte[] key, byte[] nonce, byte[] box) {
        checkLengths(key, nonce);
        if (box.length < TAG_BYTES) {
            throw new SecurityException("the box is shorter than its authentication tag");
        }
        int length = box.length - TAG_BYTES;
        byte[] polyKey = new byte[KEY_BYTES];
        // The first 32 bytes of the stream are the Poly1305 key; nothing is decrypted before the tag is checked.
        xsalsa20(key, nonce, new byte[0], 0, 0, new byte[0], 0, polyKey);
        byte[] expected = poly1305(polyKey, box, TAG_BYTES, length);
        Arrays.fill(polyKey, (byte) 0);
        if (!MessageDigest.isEqual(expected, Arrays.copyOf(box, TAG_BYTES))) {
            throw new SecurityException("the box does not authenticate");
        }
        byte[] message = new byte[length];
        xsalsa20(key, nonce, box, TAG_BYTES, length, message, 0, new byte[KEY_BYTES]);
        return message;
    }

    private static void checkLengths(byte[] key, byte[] nonce) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a secretbox key has " + KEY_BYTES + " bytes, got " + key.length);
        }
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("a secretbox nonce has " + NONCE_BYTES + " bytes, got "
                    + nonce.length);
        }
    }

    // ---- XSalsa20 ----

    /**
     * XORs {@code in[inOffset..inOffset+length)} with the XSalsa20 stream from byte 32 on into {@code out}, and puts
     * stream bytes 0..32 into {@code firstBytes}.
     */
    static void xsalsa20(byte[] key, byte[] nonce, byte[] in, int inOffset, int length, byte[] out, int outOffset,
                         byte[] firstBytes) {
        byte[] subKey = hsalsa20(key, Arrays.copyOfRange(nonce, 0, 16));
        int[] state = salsaState(subKey, nonce, 16);
        Arrays.fill(subKey, (byte) 0);
        byte[] block = new byte[BLOCK];
        long counter = 0;
        salsa20Block(state, counter++, block);
        System.arraycopy(block, 0, firstBytes, 0, KEY_BYTES);
        int done = 0;
        int blockOffset = KEY_BYTES;
        while (done < length) {
            if (blockOffset == BLOCK) {
                salsa20Block(state, counter++, block);
                blockOffset = 0;
            }
            int n = Math.min(BLOCK - blockOffset, length - done);
            for (int i = 0; i < n; i++) {
                out[outOffset + done + i] = (byte) (in[inOffset + done + i] ^ block[blockOffset + i]);
            }
            done += n;
            blockOffset += n;
        }
        Arrays.fill(block, (byte) 0);
        Arrays.fill(state, 0);
    }

    /** The XSalsa20 key stream itself, {@code length} bytes from the start: for the stream test vectors. */
    static byte[] xsalsa20Stream(byte[] key, byte[] nonce, int length) {
        byte[] subKey = hsalsa20(key, Arrays.copyOfRange(nonce, 0, 16));
        int[] state = salsaState(subKey, nonce, 16);
        byte[] out = new byte[length];
        byte[] block = new byte[BLOCK];
        for (long counter = 0; counter * BLOCK < length; counter++) {
            salsa20Block(state, counter, block);
            int from = (int) (counter * BLOCK);
            System.arraycopy(block, 0, out, from, Math.min(BLOCK, length - from));
        }
        return out;
    }

    /** The Salsa20 input words for a 32-byte key and the 8 nonce bytes at {@code nonce[nonceOffset..+8)}. */
    private static int[] salsaState(byte[] key, byte[] nonce, int nonceOffset) {
        int[] s = new int[16];
        s[0] = SIGMA0;
        s[1] = le32(key, 0);
        s[2] = le32(key, 4);
        s[3] = le32(key, 8);
        s[4] = le32(key, 12);
        s[5] = SIGMA1;
        s[6] = le32(nonce, nonceOffset);
        s[7] = le32(nonce, nonceOffset + 4);
        // s[8], s[9]: the block counter, set per block
        s[10] = SIGMA2;
        s[11] = le32(key, 16);
        s[12] = le32(key, 20);
        s[13] = le32(key, 24);
        s[14] = le32(key, 28);
        s[15] = SIGMA3;
        return s;
    }

    /** One 64-byte Salsa20/20 block: the rounds over the input words, plus the input words. */
    private static void salsa20Block(int[] state, long counter, byte[] out) {
        int[] x = state.clone();
        x[8] = (int) counter;
        x[9] = (int) (counter >>> 32);
        int[] input = x.clone();
        rounds(x);
        for (int i = 0; i < 16; i++) {
            putLe32(out, 4 * i, x[i] + input[i]);
        }
        Arrays.fill(x, 0);
        Arrays.fill(input, 0);
    }

    /** HSalsa20: 32 key bytes and 16 input bytes to a 32-byte key. */
    static byte[] hsalsa20(byte[] key, byte[] input) {
        int[] x = new int[16];
        x[0] = SIGMA0;
        x[1] = le32(key, 0);
        x[2] = le32(key, 4);
        x[3] = le32(key, 8);
        x[4] = le32(key, 12);
        x[5] = SIGMA1;
        x[6] = le32(input, 0);
        x[7] = le32(input, 4);
        x[8] = le32(input, 8);
        x[9] = le32(input, 12);
        x[10] = SIGMA2;
        x[11] = le32(key, 16);
        x[12] = le32(key, 20);
        x[13] = le32(key, 24);
        x[14] = le32(key, 28);
        x[15] = SIGMA3;
        rounds(x);
        byte[] out = new byte[32];
        int[] pick = {0, 5, 10, 15, 6, 7, 8, 9};
        for (int i = 0; i < pick.length; i++) {
            putLe32(out, 4 * i, x[pick[i]]);
        }
        Arrays.fill(x, 0);
        return out;
    }

    /** Ten double rounds: a column round then a row round, each four quarter rounds. */
    private static void rounds(int[] x) {
        for (int i = 0; i < 10; i++) {
            quarter(x, 0, 4, 8, 12);
            quarter(x, 5, 9, 13, 1);
            quarter(x, 10, 14, 2, 6);
            quarter(x, 15, 3, 7, 11);
            quarter(x, 0, 1, 2, 3);
            quarter(x, 5, 6, 7, 4);
            quarter(x, 10, 11, 8, 9);
            quarter(x, 15, 12, 13, 14);
        }
    }

    private static void quarter(int[] x, int a, int b, int c, int d) {
        x[b] ^= Integer.rotateLeft(x[a] + x[d], 7);
        x[c] ^= Integer.rotateLeft(x[b] + x[a], 9);
        x[d] ^= Integer.rotateLeft(x[c] + x[b], 13);
        x[a] ^= Integer.rotateLeft(x[d] + x[c], 18);
    }

    // ---- Poly1305 ----

    /** The Poly1305 tag of {@code message} under a 32-byte one-time key. */
    static byte[] poly1305(byte[] key, byte[] message) {
        return poly1305(key, message, 0, message.length);
    }

    /**
     * Poly1305 of {@code m[offset..offset+length)}: h = (h + block) * r mod 2^130 - 5 for each 16-byte block (with a
     * 1 byte appended), then (h + s) mod 2^128. r is the first key half with the RFC's bits cleared, s the second.
     */
    static byte[] poly1305(byte[] key, byte[] m, int offset, int length) {
        final long mask26 = 0x3ffffff;
        long t0 = le32u(key, 0);
        long t1 = le32u(key, 4);
        long t2 = le32u(key, 8);
        long t3 = le32u(key, 12);
        // r, clamped, in 26-bit limbs
        long r0 = t0 & 0x3ffffff;
        long r1 = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03;
        long r2 = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ff;
        long r3 = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fff;
        long r4 = (t3 >>> 8) & 0x00fffff;
        long s1 = r1 * 5;
        long s2 = r2 * 5;
        long s3 = r3 * 5;
        long s4 = r4 * 5;
        long h0 = 0;
        long h1 = 0;
        long h2 = 0;
        long h3 = 0;
        long h4 = 0;
        byte[] last = new byte[16];
        int end = offset + length;
        for (int p = offset; p < end; p += 16) {
            byte[] b = m;
            int at = p;
            long hibit = 1L << 24;
            if (end - p < 16) {
                // The final partial block: the bytes, a 1, zeros; its 2^128 bit is that 1, not the hibit.
                Arrays.fill(last, (byte) 0);
                System.arraycopy(m, p, last, 0, end - p);
                last[end - p] = 1;
                b = last;
                at = 0;
                hibit = 0;
            }
            h0 += le32u(b, at) & mask26;
            h1 += (le32u(b, at + 3) >>> 2) & mask26;
            h2 += (le32u(b, at + 6) >>> 4) & mask26;
            h3 += (le32u(b, at + 9) >>> 6) & mask26;
            h4 += (le32u(b, at + 12) >>> 8) | hibit;

            long d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
            long d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
            long d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
            long d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
            long d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;

            long c = d0 >>> 26;
            h0 = d0 & mask26;
            d1 += c;
            c = d1 >>> 26;
            h1 = d1 & mask26;
            d2 += c;
            c = d2 >>> 26;
            h2 = d2 & mask26;
            d3 += c;
            c = d3 >>> 26;
            h3 = d3 & mask26;
            d4 += c;
            c = d4 >>> 26;
            h4 = d4 & mask26;
            h0 += c * 5;
            c = h0 >>> 26;
            h0 &= mask26;
            h1 += c;
        }
        Arrays.fill(last, (byte) 0);

        // Carry fully, then h mod p: compute g = h + 5 - 2^130 and take it when it did not go negative.
        long c = h1 >>> 26;
        h1 &= mask26;
        h2 += c;
        c = h2 >>> 26;
        h2 &= mask26;
        h3 += c;
        c = h3 >>> 26;
        h3 &= mask26;
        h4 += c;
        c = h4 >>> 26;
        h4 &= mask26;
        h0 += c * 5;
        c = h0 >>> 26;
        h0 &= mask26;
        h1 += c;

        long g0 = h0 + 5;
        c = g0 >>> 26;
        g0 &= mask26;
        long g1 = h1 + c;
        c = g1 >>> 26;
        g1 &= mask26;
        long g2 = h2 + c;
        c = g2 >>> 26;
        g2 &= mask26;
        long g3 = h3 + c;
        c = g3 >>> 26;
        g3 &= mask26;
        long g4 = h4 + c - (1L << 26);
        long keepH = g4 >> 63; // all ones when g went negative (h < p), else zero
        long takeG = ~keepH;
        h0 = (h0 & keepH) | (g0 & takeG);
        h1 = (h1 & keepH) | (g1 & takeG);
        h2 = (h2 & keepH) | (g2 & takeG);
        h3 = (h3 & keepH) | (g3 & takeG);
        h4 = (h4 & keepH) | (g4 & mask26 & takeG);

        // h mod 2^128 in four 32-bit words, plus s
        long w0 = (h0 | (h1 << 26)) & 0xffffffffL;
        long w1 = ((h1 >>> 6) | (h2 << 20)) & 0xffffffffL;
        long w2 = ((h2 >>> 12) | (h3 << 14)) & 0xffffffffL;
        long w3 = ((h3 >>> 18) | (h4 << 8)) & 0xffffffffL;
        long f = w0 + le32u(key, 16);
        w0 = f & 0xffffffffL;
        f = w1 + le32u(key, 20) + (f >>> 32);
        w1 = f & 0xffffffffL;
        f = w2 + le32u(key, 24) + (f >>> 32);
        w2 = f & 0xffffffffL;
        f = w3 + le32u(key, 28) + (f >>> 32);
        w3 = f & 0xffffffffL;
        byte[] tag = new byte[TAG_BYTES];
        putLe32(tag, 0, (int) w0);
        putLe32(tag, 4, (int) w1);
        putLe32(tag, 8, (int) w2);
        putLe32(tag, 12, (int) w3);
        return tag;
    }

    // ---- little-endian words ----

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff) << 16 | (b[i + 3] & 0xff) << 24;
    }

    private static long le32u(byte[] b, int i) {
        return le32(b, i) & 0xffffffffL;
    }

    private static void putLe32(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) (v >>> 16);
        b[i + 3] = (byte) (v >>> 24);
    }
}
