package io.natrix.server.auth;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Repeatable keys and clocks for the auth tests: every key comes from a seeded generator, so a failing test names the
 * same keys on every run.
 */
final class AuthFixtures {
    /** The instant the fixed clocks show: 2025-01-01T00:00:00Z. */
    static final Instant NOW = Instant.ofEpochSecond(1_735_689_600L);

    private AuthFixtures() {
    }

    /** A deterministic random source for {@code seed}. */
    static SecureRandom random(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static NKeyPair key(NKeyType type, long seed) {
        return NKeyPair.create(type, random(seed));
    }

    static Clock clockAt(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    static Clock clock() {
        return clockAt(NOW);
    }

    static Clock clockAtSecond(long epochSecond) {
        return clockAt(Instant.ofEpochSecond(epochSecond));
    }

    static byte[] hex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
