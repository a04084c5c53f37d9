package io.natrix.server.auth;

import io.natrix.server.config.ServerOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Authentication by a single token or a single user and password (the {@code --auth}, {@code --user} and
 * {@code --pass} flags and the matching {@code authorization} keys). The security work replaces this with the full
 * set of authenticators; this one keeps the flags honest until then.
 *
 * <p>Immutable and thread-safe. Comparisons take constant time.
 */
public final class SimpleAuthenticator {
    private final String token;
    private final String user;
    private final String password;

    public SimpleAuthenticator(ServerOptions options) {
        this.token = options.authToken();
        this.user = options.user();
        this.password = options.password();
    }

    public boolean required() {
        return token != null || user != null;
    }

    /** Whether CONNECT credentials are acceptable. */
    public boolean check(String connectToken, String connectUser, String connectPass) {
        if (token != null) {
            return equal(token, connectToken);
        }
        if (user != null) {
            return equal(user, connectUser) && equal(password == null ? "" : password, connectPass);
        }
        return true;
    }

    private static boolean equal(String expected, String given) {
        if (given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
