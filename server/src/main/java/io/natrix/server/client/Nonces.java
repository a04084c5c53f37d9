package io.natrix.server.client;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Nonces for the INFO of servers with nkey users: 11 random bytes in URL-safe base64 without padding, as
 * nats-server makes them. Fresh per connection, so a signature captured on one connection is worthless on another.
 *
 * <p>Thread-safe.
 */
final class Nonces {
    private static final int BYTES = 11;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Nonces() {
    }

    static String next() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return ENCODER.encodeToString(bytes);
    }
}
