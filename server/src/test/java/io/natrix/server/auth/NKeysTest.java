package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.hex;
import static io.natrix.server.auth.AuthFixtures.key;
import static io.natrix.server.auth.AuthFixtures.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.NKey;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The nkey encodings and Ed25519 signatures, checked against RFC 8032's first test vector and against jnats as an
 * independent implementation (its keys decode here, our keys decode there, signatures verify both ways).
 */
class NKeysTest {
    private static final byte[] RFC8032_SEED = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    private static final byte[] RFC8032_PUBLIC = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    private static final byte[] RFC8032_EMPTY_SIGNATURE = hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065"
            + "224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

    @Test
    void nkeysDerivesRfc8032PublicKeyAndSignature() {
        NKeyPair pair = NKeyPair.fromRawSeed(NKeyType.USER, RFC8032_SEED);
        assertThat(NKeys.decodePublic(NKeyType.USER, pair.publicKey())).isEqualTo(RFC8032_PUBLIC);
        assertThat(pair.sign(new byte[0])).isEqualTo(RFC8032_EMPTY_SIGNATURE);
        assertThat(NKeys.verify(pair.publicKey(), new byte[0], RFC8032_EMPTY_SIGNATURE)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = NKeyType.class, names = {"OPERATOR", "ACCOUNT", "USER", "SERVER", "CLUSTER"})
    void nkeysPublicKeyStartsWithTypeLetterAndRoundTrips(NKeyType type) {
        NKeyPair pair = key(type, type.ordinal());
        String expectedLetter = switch (type) {
            case OPERATOR -> "O";
            case ACCOUNT -> "A";
            case USER -> "U";
            case SERVER -> "N";
            case CLUSTER -> "C";
            case CURVE -> "X";
        };
        assertThat(pair.publicKey()).hasSize(NKeys.PUBLIC_KEY_LENGTH).startsWith(expectedLetter);
        assertThat(pair.seed()).hasSize(NKeys.SEED_LENGTH).startsWith("S" + expectedLetter);
        assertThat(NKeys.typeOf(pair.publicKey())).isEqualTo(type);
        assertThat(NKeys.encodePublic(type, NKeys.decodePublic(type, pair.publicKey()))).isEqualTo(pair.publicKey());
        assertThat(NKeyPair.fromSeed(pair.seed())).isEqualTo(pair);
        assertThat(NKeyPair.fromSeed(pair.seed()).publicKey()).isEqualTo(pair.publicKey());
    }

    @Test
    void nkeysCurvePublicKeyDecodesButDoesNotSign() {
        String curveKey = NKeys.encodePublic(NKeyType.CURVE, new byte[32]);
        assertThat(curveKey).startsWith("X");
        assertThat(NKeys.typeOf(curveKey)).isEqualTo(NKeyType.CURVE);
        assertThatThrownBy(() -> NKeys.verify(curveKey, new byte[1], new byte[64])).isInstanceOf(NKeyException.class);
        String curveSeed = NKeys.encodeSeed(NKeyType.CURVE, new byte[32]);
        assertThat(curveSeed).startsWith("SX");
        assertThatThrownBy(() -> NKeyPair.fromSeed(curveSeed)).isInstanceOf(NKeyException.class);
    }

    @Test
    void nkeysExistingEncodePublicApiIsUnchanged() {
        byte[] raw = new byte[32];
        raw[0] = 1;
        assertThat(NKeys.encodePublic(NKeys.PREFIX_SERVER, raw)).isEqualTo(NKeys.encodePublic(NKeyType.SERVER, raw))
                .startsWith("N");
        assertThatThrownBy(() -> NKeys.encodePublic(NKeys.PREFIX_SERVER, new byte[31]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nkeysJnatsKeysDecodeHereAndSignaturesVerifyBothWays() throws Exception {
        NKey[] jnatsKeys = {
            NKey.createUser(random(1)), NKey.createAccount(random(2)), NKey.createOperator(random(3)),
            NKey.createServer(random(4)), NKey.createCluster(random(5)),
        };
        NKeyType[] types = {NKeyType.USER, NKeyType.ACCOUNT, NKeyType.OPERATOR, NKeyType.SERVER, NKeyType.CLUSTER};
        byte[] data = "the nonce to sign".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < jnatsKeys.length; i++) {
            NKey theirs = jnatsKeys[i];
            String publicKey = new String(theirs.getPublicKey());
            String seed = new String(theirs.getSeed());
            assertThat(NKeys.typeOf(publicKey)).isEqualTo(types[i]);

            NKeyPair ours = NKeyPair.fromSeed(seed);
            assertThat(ours.type()).isEqualTo(types[i]);
            assertThat(ours.publicKey()).isEqualTo(publicKey);
            assertThat(ours.seed()).isEqualTo(seed);

            byte[] theirSignature = theirs.sign(data);
            byte[] ourSignature = ours.sign(data);
            // Ed25519 is deterministic: both implementations must produce the same bytes.
            assertThat(ourSignature).isEqualTo(theirSignature);
            assertThat(NKeys.verify(publicKey, data, theirSignature)).isTrue();
            assertThat(NKey.fromPublicKey(ours.publicKey().toCharArray()).verify(data, ourSignature)).isTrue();
        }
    }

    @Test
    void nkeysOurKeysLoadInJnats() throws Exception {
        for (NKeyType type : new NKeyType[] {NKeyType.USER, NKeyType.ACCOUNT, NKeyType.OPERATOR}) {
            NKeyPair ours = key(type, 40 + type.ordinal());
            NKey theirs = NKey.fromSeed(ours.seed().toCharArray());
            assertThat(new String(theirs.getPublicKey())).isEqualTo(ours.publicKey());
            byte[] data = new byte[] {1, 2, 3};
            assertThat(theirs.verify(data, ours.sign(data))).isTrue();
        }
    }

    @Test
    void nkeysVerifyRejectsWrongDataWrongKeyAndBadSignatures() {
        NKeyPair alice = key(NKeyType.USER, 7);
        NKeyPair bob = key(NKeyType.USER, 8);
        byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
        byte[] signature = alice.sign(data);
        assertThat(NKeys.verify(alice.publicKey(), data, signature)).isTrue();
        assertThat(NKeys.verify(alice.publicKey(), "hellO".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
        assertThat(NKeys.verify(bob.publicKey(), data, signature)).isFalse();
        byte[] flipped = signature.clone();
        flipped[10] ^= 1;
        assertThat(NKeys.verify(alice.publicKey(), data, flipped)).isFalse();
        assertThat(NKeys.verify(alice.publicKey(), data, new byte[0])).isFalse();
        assertThat(NKeys.verify(alice.publicKey(), data, new byte[63])).isFalse();
        assertThat(NKeys.verify(alice.publicKey(), data, new byte[65])).isFalse();
        assertThat(NKeys.verify(alice.publicKey(), data, new byte[64])).isFalse();
        byte[] allOnes = new byte[64];
        java.util.Arrays.fill(allOnes, (byte) 0xFF);
        assertThat(NKeys.verify(alice.publicKey(), data, allOnes)).isFalse();
    }

    @Test
    void nkeysVerifyRejectsNonCanonicalSignature() {
        // Adding the group order L to S gives a signature that is "the same" modulo L; RFC 8032 and Go refuse it.
        NKeyPair alice = key(NKeyType.USER, 9);
        byte[] data = "malleable".getBytes(StandardCharsets.UTF_8);
        byte[] signature = alice.sign(data);
        java.math.BigInteger order = java.math.BigInteger.TWO.pow(252)
                .add(new java.math.BigInteger("27742317777372353535851937790883648493"));
        byte[] sLittle = java.util.Arrays.copyOfRange(signature, 32, 64);
        byte[] sBig = new byte[32];
        for (int i = 0; i < 32; i++) {
            sBig[i] = sLittle[31 - i];
        }
        java.math.BigInteger s = new java.math.BigInteger(1, sBig).add(order);
        byte[] sPlusL = s.toByteArray();
        byte[] forged = signature.clone();
        for (int i = 0; i < 32; i++) {
            forged[32 + i] = i < sPlusL.length ? sPlusL[sPlusL.length - 1 - i] : 0;
        }
        assertThat(s.bitLength()).isLessThanOrEqualTo(256);
        assertThat(NKeys.verify(alice.publicKey(), data, forged)).isFalse();
    }

    @Test
    void nkeysVerifyOfRandomPublicKeyBytesNeverThrows() {
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 300; i++) {
            byte[] raw = new byte[32];
            random.nextBytes(raw);
            String key = NKeys.encodePublic(NKeyType.USER, raw);
            byte[] signature = new byte[64];
            random.nextBytes(signature);
            assertThat(NKeys.verify(key, new byte[] {1}, signature)).isFalse();
        }
    }

    @Test
    void nkeysMalformedPublicKeysAreRefusedWithNKeyException() {
        String good = key(NKeyType.USER, 12).publicKey();
        String badChecksum = good.substring(0, 55) + (good.charAt(55) == 'A' ? 'B' : 'A');
        String[] bad = {
            "", "U", good.substring(1), good + "A", good.toLowerCase(), good.substring(0, 55) + "=",
            good.substring(0, 55) + "1", good.substring(0, 55) + "8", badChecksum, " " + good.substring(1),
            key(NKeyType.USER, 12).seed(), "U".repeat(56), "x".repeat(10_000_000),
        };
        for (String text : bad) {
            assertThatThrownBy(() -> NKeys.typeOf(text)).as("%.60s", text).isInstanceOf(NKeyException.class);
            assertThatThrownBy(() -> NKeys.verify(text, new byte[1], new byte[64])).isInstanceOf(NKeyException.class);
            assertThat(NKeys.isValidPublicKey(text, NKeyType.USER)).isFalse();
        }
        assertThatThrownBy(() -> NKeys.typeOf(null)).isInstanceOf(NKeyException.class);
    }

    @Test
    void nkeysPublicKeyOfOtherTypeIsRefusedWhereATypeIsRequired() {
        String user = key(NKeyType.USER, 13).publicKey();
        assertThat(NKeys.isValidPublicKey(user, NKeyType.USER)).isTrue();
        assertThat(NKeys.isValidPublicKey(user, NKeyType.ACCOUNT)).isFalse();
        assertThatThrownBy(() -> NKeys.decodePublic(NKeyType.ACCOUNT, user))
                .isInstanceOf(NKeyException.class)
                .hasMessageContaining("expected an account public key, got a user");
    }

    @Test
    void nkeysPrefixBytesOutsideTheKnownTypesAreRefused() {
        // Prefix bytes of seeds ('S') and private keys ('P') or unassigned letters are no public key types.
        for (int prefix : new int[] {NKeys.PREFIX_SEED, 15 << 3, 25 << 3, 1 << 3, 7}) {
            String text = NKeys.encodePublic(prefix, new byte[32]);
            assertThatThrownBy(() -> NKeys.typeOf(text)).isInstanceOf(NKeyException.class)
                    .hasMessageContaining("unknown prefix");
        }
    }

    @Test
    void nkeysMalformedSeedsAreRefusedWithNKeyException() {
        String good = key(NKeyType.USER, 14).seed();
        String badChecksum = good.substring(0, 50) + (good.charAt(50) == 'A' ? 'B' : 'A') + good.substring(51);
        String[] bad = {"", good.substring(1), good + "A", good.toLowerCase(), badChecksum,
            key(NKeyType.USER, 14).publicKey(), "S".repeat(58), "S".repeat(1_000_000)};
        for (String text : bad) {
            assertThatThrownBy(() -> NKeyPair.fromSeed(text)).as("%.60s", text).isInstanceOf(NKeyException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(good));
        }
        assertThatThrownBy(() -> NKeyPair.fromSeed(null)).isInstanceOf(NKeyException.class);
    }

    @Test
    void nkeysSeedDecodingIgnoresTheTwoUnusedTrailingBitsAsGoDoes() {
        NKeyPair pair = key(NKeyType.ACCOUNT, 15);
        String seed = pair.seed();
        char last = seed.charAt(57);
        // The last character's two low bits carry nothing; flipping them still names the same seed.
        char sibling = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".charAt(
                ("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".indexOf(last) ^ 1));
        assertThat(NKeyPair.fromSeed(seed.substring(0, 57) + sibling)).isEqualTo(pair);
    }

    @Test
    void nkeysPairHidesItsSeedInToString() {
        NKeyPair pair = key(NKeyType.OPERATOR, 16);
        assertThat(pair.toString()).contains(pair.publicKey()).doesNotContain(pair.seed());
    }

    @Test
    void nkeysNonceSignatureAcceptsRawUrlAndPaddedStandardBase64() {
        NKeyPair user = key(NKeyType.USER, 17);
        String nonce = "Xk6Qy0bCcZBa-lsh_mg3Pg";
        byte[] signature = user.sign(nonce.getBytes(StandardCharsets.US_ASCII));
        String rawUrl = Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        String std = Base64.getEncoder().encodeToString(signature);
        assertThat(NKeys.verifyNonce(user.publicKey(), nonce, rawUrl)).isTrue();
        assertThat(NKeys.verifyNonce(user.publicKey(), nonce, std)).isTrue();
        // Padded URL-safe base64 and unpadded standard base64 are neither of the two forms nats-server reads.
        String paddedUrl = Base64.getUrlEncoder().encodeToString(signature);
        String unpaddedStd = Base64.getEncoder().withoutPadding().encodeToString(signature);
        boolean urlAlphabetNeeded = paddedUrl.indexOf('-') >= 0 || paddedUrl.indexOf('_') >= 0;
        assertThat(NKeys.verifyNonce(user.publicKey(), nonce, paddedUrl)).isEqualTo(!urlAlphabetNeeded);
        assertThat(NKeys.verifyNonce(user.publicKey(), nonce, unpaddedStd))
                .isEqualTo(unpaddedStd.indexOf('+') < 0 && unpaddedStd.indexOf('/') < 0);
        assertThat(NKeys.verifyNonce(user.publicKey(), "other nonce", rawUrl)).isFalse();
        assertThat(NKeys.verifyNonce(user.publicKey(), nonce, "")).isFalse();
        assertThat(NKeys.verifyNonce(user.publicKey(), nonce, "not base64 at all!")).isFalse();
        assertThat(NKeys.verifyNonce(user.publicKey(), nonce, "A".repeat(100_000))).isFalse();
        assertThatThrownBy(() -> NKeys.verifyNonce("UBAD", nonce, rawUrl)).isInstanceOf(NKeyException.class);
        assertThatThrownBy(() -> NKeys.verifyNonce("UBAD", nonce, "!!")).isInstanceOf(NKeyException.class);
    }

    @Test
    void nkeysNonceSignedByJnatsVerifies() throws Exception {
        NKey theirs = NKey.createUser(random(18));
        String nonce = "nonce-from-info";
        byte[] signature = theirs.sign(nonce.getBytes(StandardCharsets.UTF_8));
        String sig = Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        assertThat(NKeys.verifyNonce(new String(theirs.getPublicKey()), nonce, sig)).isTrue();
    }

    @Test
    void nkeysDecodeSignatureBoundsItsInput() {
        assertThatThrownBy(() -> NKeys.decodeSignature(null)).isInstanceOf(NKeyException.class);
        assertThatThrownBy(() -> NKeys.decodeSignature("A".repeat(NKeys.SIGNATURE_TEXT_LENGTH_MAX + 1)))
                .isInstanceOf(NKeyException.class).hasMessageContaining("too long");
        assertThat(NKeys.decodeSignature("AQID")).containsExactly(1, 2, 3);
        assertThat(NKeys.decodeSignature("AQI")).containsExactly(1, 2);
        assertThat(NKeys.decodeSignature("AQ==")).containsExactly(1);
        assertThatThrownBy(() -> NKeys.decodeSignature("AQ=")).isInstanceOf(NKeyException.class);
        assertThatThrownBy(() -> NKeys.decodeSignature("A")).isInstanceOf(NKeyException.class);
    }

    @Test
    void nkeysCreateUsesFreshRandomness() {
        NKeyPair a = NKeyPair.create(NKeyType.USER);
        NKeyPair b = NKeyPair.create(NKeyType.USER);
        assertThat(a.publicKey()).isNotEqualTo(b.publicKey());
        assertThat(NKeys.isValidPublicKey(a.publicKey(), NKeyType.USER)).isTrue();
    }

    @Test
    void nkeysRawSeedOfWrongLengthIsRefused() {
        assertThatThrownBy(() -> NKeyPair.fromRawSeed(NKeyType.USER, new byte[31])).isInstanceOf(NKeyException.class);
        assertThatThrownBy(() -> NKeys.encodeSeed(NKeyType.USER, new byte[33]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
