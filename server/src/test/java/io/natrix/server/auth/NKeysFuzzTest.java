package io.natrix.server.auth;

import static io.natrix.server.auth.AuthFixtures.key;
import static org.assertj.core.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random input for every nkey decoder: whatever comes in, the only exception out is {@link NKeyException}.
 * Inputs are mostly near misses of valid keys (one character changed, inserted or dropped) so the checksum and prefix
 * paths are reached, not only the length check. A failure names the seed that reproduces it.
 */
class NKeysFuzzTest {
    private static final long SEED = 0x5EED_0001L;
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz0189=-_ .\u00e9\u0000";

    private static String mutate(String text, Random random) {
        StringBuilder sb = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int op = random.nextInt(4);
            int at = sb.isEmpty() ? 0 : random.nextInt(sb.length());
            char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            switch (op) {
                case 0 -> {
                    if (!sb.isEmpty()) {
                        sb.setCharAt(at, c);
                    }
                }
                case 1 -> sb.insert(at, c);
                case 2 -> {
                    if (!sb.isEmpty()) {
                        sb.deleteCharAt(at);
                    }
                }
                default -> sb.setLength(at);
            }
        }
        return sb.toString();
    }

    @Test
    void nkeysFuzzDecodersOnlyThrowNKeyException() {
        NKeyPair[] pairs = {key(NKeyType.USER, 1), key(NKeyType.ACCOUNT, 2), key(NKeyType.OPERATOR, 3),
            key(NKeyType.SERVER, 4), key(NKeyType.CLUSTER, 5)};
        for (int i = 0; i < 4000; i++) {
            long seed = SEED + i;
            Random random = new Random(seed);
            NKeyPair pair = pairs[random.nextInt(pairs.length)];
            String publicText = mutate(pair.publicKey(), random);
            String seedText = mutate(pair.seed(), random);
            String signatureText = mutate(java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(pair.sign(new byte[] {1})), random);
            try {
                if (NKeys.isValidPublicKey(publicText, pair.type())) {
                    NKeys.verify(publicText, new byte[] {1}, new byte[64]);
                }
                expectNKeyException(() -> NKeys.typeOf(publicText));
                expectNKeyException(() -> NKeys.verify(publicText, new byte[] {1}, new byte[64]));
                expectNKeyException(() -> NKeys.verifyNonce(pair.publicKey(), "n", signatureText));
                expectNKeyException(() -> NKeys.verifyNonce(publicText, "n", signatureText));
                expectNKeyException(() -> NKeyPair.fromSeed(seedText));
                expectNKeyException(() -> NKeys.decodeSignature(signatureText));
            } catch (AssertionError e) {
                fail("seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    private static void expectNKeyException(Runnable call) {
        try {
            call.run();
        } catch (NKeyException expected) {
            // The one exception a malformed input may cause.
        } catch (RuntimeException | Error e) {
            throw new AssertionError("unexpected " + e, e);
        }
    }
}
