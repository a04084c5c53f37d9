package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.hex;
import static io.natrix.server.auth.AuthFixtures.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HSalsa20, XSalsa20, Poly1305 and the secretbox built on them, against published vectors: NaCl's own tests (the
 * "firstkey"/"secondkey" core tests, the 4 MiB stream hash and the 131-byte secretbox of NaCl's {@code tests/} and
 * libsodium's {@code test/default/}) and RFC 8439's Poly1305 vectors (section 2.5.2 and appendix A.3). Every value
 * was also reproduced with golang.org/x/crypto (salsa, salsa20, poly1305, nacl/secretbox, nacl/box), the code behind
 * nkeys' xkeys.
 */
class SecretBoxTest {
    /** RFC 7748 section 6.1's X25519 shared secret of Alice and Bob, NaCl's box test input. */
    static final byte[] SHARED = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    /** HSalsa20(SHARED, 16 zero bytes): NaCl's "firstkey", the box key of Alice and Bob. */
    static final byte[] FIRST_KEY = hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    static final byte[] NONCE = hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
    /** NaCl's 131-byte box and secretbox test message. */
    static final byte[] MESSAGE = hex("be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd75"
            + "1a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f"
            + "21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705");
    /** Tag then ciphertext of MESSAGE under FIRST_KEY and NONCE. */
    static final byte[] BOX = hex("f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4"
            + "476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab93216454"
            + "8e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e"
            + "355a5");

    private static final String IETF_TEXT = "Any submission to the IETF intended by the Contributor for publication as"
            + " all or part of an IETF Internet-Draft or RFC and any statement made within the context of an IETF"
            + " activity is considered an \"IETF Contribution\". Such statements include oral statements in IETF"
            + " sessions, as well as written and electronic communications made at any time or place, which are"
            + " addressed to";
    private static final String JABBERWOCKY = "'Twas brillig, and the slithy toves\nDid gyre and gimble in the wabe:\n"
            + "All mimsy were the borogoves,\nAnd the mome raths outgrabe.";

    @Test
    void secretBoxHsalsa20MakesNaclFirstAndSecondKey() {
        assertThat(SecretBox.hsalsa20(SHARED, new byte[16])).isEqualTo(FIRST_KEY);
        assertThat(SecretBox.hsalsa20(FIRST_KEY, Arrays.copyOf(NONCE, 16)))
                .isEqualTo(hex("dc908dda0b9344a953629b733820778880f3ceb421bb61b91cbd4c3e66256ce4"));
    }

    @Test
    void secretBoxXsalsa20StreamMatchesNaclStreamVectors() throws Exception {
        byte[] stream = SecretBox.xsalsa20Stream(FIRST_KEY, NONCE, 4 * 1024 * 1024);
        assertThat(Arrays.copyOf(stream, 32))
                .isEqualTo(hex("eea6a7251c1e72916d11c2cb214d3c252539121d8e234e652d651fa4c8cff880"));
        assertThat(MessageDigest.getInstance("SHA-256").digest(stream))
                .isEqualTo(hex("662b9d0e3463029156069b12f918691a98f7dfb2ca0393c96bbfc6b1fbd630a2"));
    }

    @Test
    void secretBoxSealsAndOpensNaclVector() {
        assertThat(SecretBox.seal(FIRST_KEY, NONCE, MESSAGE)).isEqualTo(BOX);
        assertThat(SecretBox.open(FIRST_KEY, NONCE, BOX)).isEqualTo(MESSAGE);
    }

    @Test
    void secretBoxEmptyMessageIsJustTheTag() {
        byte[] box = SecretBox.seal(FIRST_KEY, NONCE, new byte[0]);
        assertThat(box).isEqualTo(hex("2539121d8e234e652d651fa4c8cff880"));
        assertThat(SecretBox.open(FIRST_KEY, NONCE, box)).isEmpty();
    }

    @Test
    void secretBoxEveryLengthRoundTripsAndEveryBitFlipIsRefused() {
        SecureRandom random = random(7);
        for (int length = 0; length <= 200; length++) {
            byte[] message = new byte[length];
            random.nextBytes(message);
            byte[] box = SecretBox.seal(FIRST_KEY, NONCE, message);
            assertThat(box).hasSize(length + SecretBox.TAG_BYTES);
            assertThat(SecretBox.open(FIRST_KEY, NONCE, box)).isEqualTo(message);
            int bit = random.nextInt(box.length * 8);
            box[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThatThrownBy(() -> SecretBox.open(FIRST_KEY, NONCE, box)).isInstanceOf(SecurityException.class);
        }
    }

    @Test
    void secretBoxRefusesWrongKeyNonceTruncationAndBadLengths() {
        byte[] otherKey = FIRST_KEY.clone();
        otherKey[31] ^= 1;
        byte[] otherNonce = NONCE.clone();
        otherNonce[23] ^= 1;
        assertThatThrownBy(() -> SecretBox.open(otherKey, NONCE, BOX)).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> SecretBox.open(FIRST_KEY, otherNonce, BOX)).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> SecretBox.open(FIRST_KEY, NONCE, Arrays.copyOf(BOX, BOX.length - 1)))
                .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> SecretBox.open(FIRST_KEY, NONCE, new byte[15]))
                .isInstanceOf(SecurityException.class).hasMessageContaining("shorter");
        assertThatThrownBy(() -> SecretBox.seal(new byte[31], NONCE, MESSAGE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretBox.open(FIRST_KEY, new byte[12], BOX))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void poly1305Rfc8439Section252() {
        assertThat(SecretBox.poly1305(hex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"),
                "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(hex("a8061dc1305136c6c22b8baf0c0127a9"));
    }

    @ParameterizedTest(name = "RFC 8439 A.3 #{0}")
    @CsvSource({
            "1, 0000000000000000000000000000000000000000000000000000000000000000, ZEROS64, "
                    + "00000000000000000000000000000000",
            "2, 0000000000000000000000000000000036e5f6b5c5e06070f0efca96227a863e, IETF, "
                    + "36e5f6b5c5e06070f0efca96227a863e",
            "3, 36e5f6b5c5e06070f0efca96227a863e00000000000000000000000000000000, IETF, "
                    + "f3477e7cd95417af89a6b8794c310cf0",
            "4, 1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0, JABBERWOCKY, "
                    + "4541669a7eaaee61e708dc7cbcc5eb62",
            "5, 0200000000000000000000000000000000000000000000000000000000000000, ffffffffffffffffffffffffffffffff, "
                    + "03000000000000000000000000000000",
            "6, 02000000000000000000000000000000ffffffffffffffffffffffffffffffff, 02000000000000000000000000000000, "
                    + "03000000000000000000000000000000",
            "7, 0100000000000000000000000000000000000000000000000000000000000000, "
                    + "fffffffffffffffffffffffffffffffff0ffffffffffffffffffffffffffffff11000000000000000000000000000000, "
                    + "05000000000000000000000000000000",
            "8, 0100000000000000000000000000000000000000000000000000000000000000, "
                    + "fffffffffffffffffffffffffffffffffbfefefefefefefefefefefefefefefe01010101010101010101010101010101, "
                    + "00000000000000000000000000000000",
            "9, 0200000000000000000000000000000000000000000000000000000000000000, fdffffffffffffffffffffffffffffff, "
                    + "faffffffffffffffffffffffffffffff",
            "10, 0100000000000000040000000000000000000000000000000000000000000000, "
                    + "e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000000000000000000000000000000000000"
                    + "1000000000000000000000000000000, 14000000000000005500000000000000",
            "11, 0100000000000000040000000000000000000000000000000000000000000000, "
                    + "e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000, "
                    + "13000000000000000000000000000000",
    })
    void poly1305Rfc8439AppendixA3(int number, String key, String message, String tag) {
        byte[] data = switch (message) {
            case "IETF" -> IETF_TEXT.getBytes(StandardCharsets.US_ASCII);
            case "JABBERWOCKY" -> JABBERWOCKY.getBytes(StandardCharsets.US_ASCII);
            case "ZEROS64" -> new byte[64];
            default -> hex(message);
        };
        assertThat(HexFormat.of().formatHex(SecretBox.poly1305(hex(key), data))).as("vector %d", number)
                .isEqualTo(tag);
    }

    @Test
    void poly1305AgreesWithArithmeticDefinition() {
        SecureRandom random = random(11);
        for (int i = 0; i < 500; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            byte[] message = new byte[random.nextInt(100)];
            random.nextBytes(message);
            if (i % 5 == 0) {
                Arrays.fill(message, (byte) 0xff); // carries through every limb
            }
            if (i % 7 == 0) {
                Arrays.fill(key, 16, 32, (byte) 0xff); // s overflows 2^128
            }
            assertThat(SecretBox.poly1305(key, message)).isEqualTo(referencePoly1305(key, message));
        }
    }

    /** Poly1305 straight from RFC 8439 section 2.5.1, with big integers. */
    private static byte[] referencePoly1305(byte[] key, byte[] message) {
        BigInteger p = BigInteger.ONE.shiftLeft(130).subtract(BigInteger.valueOf(5));
        byte[] rBytes = Arrays.copyOf(key, 16);
        for (int i : new int[] {3, 7, 11, 15}) {
            rBytes[i] &= 15;
        }
        for (int i : new int[] {4, 8, 12}) {
            rBytes[i] &= (byte) 252;
        }
        BigInteger r = littleEndian(rBytes);
        BigInteger s = littleEndian(Arrays.copyOfRange(key, 16, 32));
        BigInteger acc = BigInteger.ZERO;
        for (int at = 0; at < message.length; at += 16) {
            byte[] block = Arrays.copyOfRange(message, at, Math.min(at + 16, message.length));
            byte[] withOne = Arrays.copyOf(block, block.length + 1);
            withOne[block.length] = 1;
            acc = acc.add(littleEndian(withOne)).multiply(r).mod(p);
        }
        BigInteger tag = acc.add(s).mod(BigInteger.ONE.shiftLeft(128));
        byte[] out = new byte[16];
        byte[] big = tag.toByteArray();
        for (int i = 0; i < 16 && i < big.length; i++) {
            out[i] = big[big.length - 1 - i];
        }
        return out;
    }

    private static BigInteger littleEndian(byte[] bytes) {
        byte[] big = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            big[i] = bytes[bytes.length - 1 - i];
        }
        return new BigInteger(1, big);
    }
}
