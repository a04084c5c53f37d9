package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.hex;
import static io.natrix.server.auth.AuthFixtures.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Curve nkeys against the Go nkeys library (v0.4.11, {@code CurveKeys}: {@code FromCurveSeed}, {@code SealWithRand},
 * {@code Open}) on golang.org/x/crypto. The vectors below were produced by a Go program that derived the xkeys of
 * RFC 7748's Alice and Bob private keys and sealed from Alice to Bob with NaCl's test nonce; it is not part of the
 * repository. The other direction (Go opening what this class sealed) was checked once by hand when this class was
 * written; see the commit message.
 */
class XKeyPairTest {
    /** RFC 7748 section 6.1 private keys, as raw curve seeds. */
    private static final byte[] ALICE_RAW = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static final byte[] BOB_RAW = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    /** What Go nkeys encodes for them. */
    private static final String ALICE_SEED = "SXAHOB3NBJZRRJL5HQLMC4SRWJTELX2MF6D6XQEZFKYXP65FDW4SYKQZVQ";
    private static final String ALICE_PUBLIC = "XCCSB4AJREYKOVDURN65ZNB665NA3PZ2BUTDQGXU5OSKTDVKTNHGULRF";
    private static final String BOB_SEED = "SXAF3KYIPZREVCSLPHQX7C4DQAHOM3Z3WEUSMGFW7UOC7CZH76EOB22AYQ";
    private static final String BOB_PUBLIC = "XDPJ5W35PN64DNGTLNQ4F3HEGU3T7A2DZBNXQZ2NVX6H4FDPRAVU74VP";
    /** RFC 7748's public keys of Alice and Bob. */
    private static final byte[] ALICE_RFC_PUBLIC =
            hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static final byte[] BOB_RFC_PUBLIC = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");

    /** Go: alice.SealWithRand("", bob, nonce) and alice.SealWithRand("Hello xkeys!", bob, nonce). */
    private static final byte[] GO_SEALED_EMPTY =
            hex("786b763169696ee955b62b73cd62bda875fc73d68219e0036b7a0b372539121d8e234e652d651fa4c8cff880");
    private static final byte[] GO_SEALED_HELLO = hex("786b763169696ee955b62b73cd62bda875fc73d68219e0036b7a0b378bd39c0"
            + "65326278681ec40edb353ad4678fb08361bc998cd68fb308d");
    /** Go: sha256 of alice.SealWithRand(m, bob, nonce) for m[i] = byte(i * 7), 1000 bytes. */
    private static final byte[] GO_SEALED_1000_SHA256 =
            hex("d7a1e10f5b71c13eb891cdf6a912027ff78678e60dcc992a2e0651d36ff4df49");
    /** Go: alice.Seal("sealed by Go with a random nonce", bob), nonce from crypto/rand. */
    private static final byte[] GO_SEALED_RANDOM = hex("786b76312a955ec19ff4dfb6acb23557190add9359f2040ce84b903d92ce27a"
            + "a0b85ac5a570d33ca39788d3e427a76af795a8bcd5f689fc02eb11f5d5e63e3f434f144ce1870bbec5a931793");

    private static final XKeyPair ALICE = XKeyPair.fromRawSeed(ALICE_RAW);
    private static final XKeyPair BOB = XKeyPair.fromRawSeed(BOB_RAW);

    @Test
    void xkeyEncodesSeedsAndPublicKeysAsGoNkeys() {
        assertThat(ALICE.seed()).isEqualTo(ALICE_SEED);
        assertThat(ALICE.publicKey()).isEqualTo(ALICE_PUBLIC);
        assertThat(BOB.seed()).isEqualTo(BOB_SEED);
        assertThat(BOB.publicKey()).isEqualTo(BOB_PUBLIC);
        assertThat(XKeyPair.fromSeed(ALICE_SEED)).isEqualTo(ALICE);
        assertThat(NKeys.decodePublic(NKeyType.CURVE, ALICE_PUBLIC)).isEqualTo(ALICE_RFC_PUBLIC);
        assertThat(NKeys.decodePublic(NKeyType.CURVE, BOB_PUBLIC)).isEqualTo(BOB_RFC_PUBLIC);
        assertThat(XKeyPair.isValidPublicKey(ALICE_PUBLIC)).isTrue();
        assertThat(XKeyPair.isValidPublicKey(AuthFixtures.key(NKeyType.ACCOUNT, 1).publicKey())).isFalse();
    }

    @Test
    void xkeySealsByteForByteAsGoWithTheSameNonce() throws Exception {
        byte[] nonce = SecretBoxTest.NONCE;
        assertThat(ALICE.seal(new byte[0], BOB_PUBLIC, nonce)).isEqualTo(GO_SEALED_EMPTY);
        assertThat(ALICE.seal(bytes("Hello xkeys!"), BOB_PUBLIC, nonce)).isEqualTo(GO_SEALED_HELLO);
        byte[] sealed = ALICE.seal(SecretBoxTest.MESSAGE, BOB_PUBLIC, nonce);
        // NaCl's box test: Alice to Bob with this nonce gives NaCl's ciphertext, after our header and nonce.
        assertThat(Arrays.copyOfRange(sealed, 28, sealed.length)).isEqualTo(SecretBoxTest.BOX);
        byte[] thousand = new byte[1000];
        for (int i = 0; i < thousand.length; i++) {
            thousand[i] = (byte) (i * 7);
        }
        assertThat(MessageDigest.getInstance("SHA-256").digest(ALICE.seal(thousand, BOB_PUBLIC, nonce)))
                .isEqualTo(GO_SEALED_1000_SHA256);
    }

    @Test
    void xkeyOpensWhatGoSealed() {
        assertThat(BOB.open(GO_SEALED_EMPTY, ALICE_PUBLIC)).isEmpty();
        assertThat(BOB.open(GO_SEALED_HELLO, ALICE_PUBLIC)).isEqualTo(bytes("Hello xkeys!"));
        assertThat(new String(BOB.open(GO_SEALED_RANDOM, ALICE_PUBLIC), StandardCharsets.UTF_8))
                .isEqualTo("sealed by Go with a random nonce");
        // X25519 is symmetric: Alice can open what she sealed for Bob, as with NaCl's box.
        assertThat(ALICE.open(GO_SEALED_HELLO, BOB_PUBLIC)).isEqualTo(bytes("Hello xkeys!"));
    }

    @Test
    void xkeySealUsesAFreshNonceEveryTime() {
        byte[] one = ALICE.seal(bytes("same"), BOB_PUBLIC);
        byte[] two = ALICE.seal(bytes("same"), BOB_PUBLIC);
        assertThat(one).hasSize(4 + XKeyPair.OVERHEAD).isNotEqualTo(two);
        assertThat(Arrays.copyOf(one, 4)).isEqualTo(bytes("xkv1"));
        assertThat(BOB.open(one, ALICE_PUBLIC)).isEqualTo(bytes("same"));
        assertThat(BOB.open(two, ALICE_PUBLIC)).isEqualTo(bytes("same"));
    }

    @Test
    void xkeyCreateMakesWorkingDistinctKeys() {
        XKeyPair a = XKeyPair.create();
        XKeyPair b = XKeyPair.create(random(3));
        assertThat(a.publicKey()).startsWith("X").hasSize(56);
        assertThat(a.seed()).startsWith("SX").hasSize(58);
        assertThat(a).isNotEqualTo(b);
        assertThat(XKeyPair.create(random(3))).isEqualTo(b);
        assertThat(XKeyPair.fromSeed(b.seed()).publicKey()).isEqualTo(b.publicKey());
        assertThat(b.open(a.seal(bytes("hi"), b.publicKey()), a.publicKey())).isEqualTo(bytes("hi"));
        assertThat(a.toString()).contains(a.publicKey()).doesNotContain(a.seed());
    }

    @Test
    void xkeyRefusesMalformedSealedInputWithNkeysErrors() {
        byte[] good = ALICE.seal(bytes("payload"), BOB_PUBLIC);
        assertReason(() -> BOB.open(new byte[0], ALICE_PUBLIC), XKeyException.Reason.INVALID_ENCRYPTED);
        assertReason(() -> BOB.open(null, ALICE_PUBLIC), XKeyException.Reason.INVALID_ENCRYPTED);
        assertReason(() -> BOB.open(Arrays.copyOf(good, 28), ALICE_PUBLIC), XKeyException.Reason.INVALID_ENCRYPTED);
        // More than header and nonce, less than a tag: nkeys lets NaCl refuse it.
        assertReason(() -> BOB.open(Arrays.copyOf(good, 40), ALICE_PUBLIC), XKeyException.Reason.COULD_NOT_DECRYPT);
        byte[] wrongVersion = good.clone();
        wrongVersion[3] = '2';
        assertReason(() -> BOB.open(wrongVersion, ALICE_PUBLIC), XKeyException.Reason.WRONG_VERSION);
        assertReason(() -> BOB.open(bytes("eyJhbGciOiJlZDI1NTE5LW5rZXkiLCJ0eXAiOiJKV1QifQ"), ALICE_PUBLIC),
                XKeyException.Reason.WRONG_VERSION);
        for (int i = 4; i < good.length; i++) {
            byte[] tampered = good.clone();
            tampered[i] ^= 0x01;
            assertReason(() -> BOB.open(tampered, ALICE_PUBLIC), XKeyException.Reason.COULD_NOT_DECRYPT);
        }
        assertReason(() -> BOB.open(Arrays.copyOf(good, good.length + 1), ALICE_PUBLIC),
                XKeyException.Reason.COULD_NOT_DECRYPT);
    }

    @Test
    void xkeyRefusesWrongKeys() {
        byte[] sealed = ALICE.seal(bytes("for bob"), BOB_PUBLIC);
        XKeyPair eve = XKeyPair.create(random(9));
        assertReason(() -> eve.open(sealed, ALICE_PUBLIC), XKeyException.Reason.COULD_NOT_DECRYPT);
        assertReason(() -> BOB.open(sealed, eve.publicKey()), XKeyException.Reason.COULD_NOT_DECRYPT);
        String account = AuthFixtures.key(NKeyType.ACCOUNT, 2).publicKey();
        assertReason(() -> BOB.open(sealed, account), XKeyException.Reason.INVALID_SENDER);
        assertReason(() -> BOB.open(sealed, "XNOTAKEY"), XKeyException.Reason.INVALID_SENDER);
        assertReason(() -> BOB.open(sealed, null), XKeyException.Reason.INVALID_SENDER);
        assertReason(() -> ALICE.seal(bytes("x"), account), XKeyException.Reason.INVALID_RECIPIENT);
        assertReason(() -> ALICE.seal(bytes("x"), ALICE_PUBLIC.substring(1)), XKeyException.Reason.INVALID_RECIPIENT);
        // The zero point has small order: the shared secret would be all zeros.
        String zero = NKeys.encodePublic(NKeyType.CURVE, new byte[32]);
        assertReason(() -> ALICE.seal(bytes("x"), zero), XKeyException.Reason.INVALID_RECIPIENT);
        assertReason(() -> BOB.open(sealed, zero), XKeyException.Reason.COULD_NOT_DECRYPT);
    }

    @Test
    void xkeyRefusesSeedsOfOtherTypes() {
        assertReason(() -> XKeyPair.fromSeed(AuthFixtures.key(NKeyType.USER, 1).seed()),
                XKeyException.Reason.INVALID_SEED);
        assertReason(() -> XKeyPair.fromSeed("SXnot a seed"), XKeyException.Reason.INVALID_SEED);
        assertReason(() -> XKeyPair.fromSeed(null), XKeyException.Reason.INVALID_SEED);
        assertReason(() -> XKeyPair.fromRawSeed(new byte[31]), XKeyException.Reason.INVALID_SEED);
        assertThatThrownBy(() -> NKeyPair.fromSeed(ALICE_SEED)).isInstanceOf(NKeyException.class);
    }

    @Test
    void xkeyFuzzedInputNeverEscapesAsAnotherException() {
        SecureRandom random = random(21);
        byte[] good = ALICE.seal(bytes("fuzz"), BOB_PUBLIC);
        for (int i = 0; i < 2000; i++) {
            byte[] input = i % 2 == 0 ? new byte[random.nextInt(80)] : good.clone();
            if (i % 2 == 0) {
                random.nextBytes(input);
                if (input.length >= 4 && random.nextBoolean()) {
                    System.arraycopy(bytes("xkv1"), 0, input, 0, 4);
                }
            } else {
                input[random.nextInt(input.length)] = (byte) random.nextInt(256);
            }
            try {
                byte[] opened = BOB.open(input, ALICE_PUBLIC);
                assertThat(opened).isEqualTo(bytes("fuzz")); // only an unchanged input opens
            } catch (XKeyException expected) {
                assertThat(expected.getMessage()).startsWith("nkeys: ");
            }
        }
    }

    private static void assertReason(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
                                     XKeyException.Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(XKeyException.class,
                e -> assertThat(e.reason()).isEqualTo(reason)).hasMessage(reason.text());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
