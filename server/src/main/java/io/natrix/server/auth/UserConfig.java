package io.natrix.server.auth;

import java.util.Objects;
import java.util.Set;

/**
 * One user the configuration defines, in {@code authorization.users} or in an account's {@code users}: either a
 * name with an optional password, or a user nkey (which takes neither name nor password); with the user's
 * permissions, account and allowed connection types.
 *
 * <p>Immutable. {@link #toString()} does not show the password ({@link PasswordCheck} hides it).
 *
 * @param username               the name, or null for an nkey user
 * @param password               the password check, or null when none is configured (nats-server then expects
 *                               an empty password, unless the user is authenticated by its TLS certificate)
 * @param nkey                   the public user nkey ({@code U...}), or null for a named user
 * @param permissions            the user's own permissions, else the default permissions of its block, else
 *                               {@link PermissionsPolicy#UNRESTRICTED}
 * @param account                the name of the account whose {@code users} defined it, or null for the global
 *                               account (users of the authorization block)
 * @param allowedConnectionTypes upper-case connection types the user may connect with (STANDARD, WEBSOCKET,
 *                               LEAFNODE, LEAFNODE_WS, MQTT, MQTT_WS, IN_PROCESS); empty for all
 */
public record UserConfig(String username, PasswordCheck password, String nkey, PermissionsPolicy permissions,
                         String account, Set<String> allowedConnectionTypes) {
    public UserConfig {
        if ((username == null) == (nkey == null)) {
            throw new IllegalArgumentException("a user has either a username or an nkey");
        }
        if (nkey != null && password != null) {
            throw new IllegalArgumentException("nkey users do not take passwords");
        }
        permissions = Objects.requireNonNullElse(permissions, PermissionsPolicy.UNRESTRICTED);
        allowedConnectionTypes = allowedConnectionTypes == null ? Set.of() : Set.copyOf(allowedConnectionTypes);
    }

    public boolean isNkeyUser() {
        return nkey != null;
    }

    /** The name the user is known by: the username, or the nkey of an nkey user. */
    public String identity() {
        return nkey != null ? nkey : username;
    }
}
