package io.natrix.server.auth;

import io.natrix.server.config.ServerOptions;
import java.security.cert.X509Certificate;

/**
 * Decides who a CONNECT is, from the users the configuration and flags define ({@link UserConfigs}): an nkey user
 * (the client signs the INFO nonce), a named user with a plain or bcrypt password, the single user or token of the
 * {@code authorization} block, {@code no_auth_user} for a client that presents no credentials at all, or with TLS
 * {@code verify_and_map} the user its client certificate names ({@link CertificateUsers}).
 *
 * <p>Immutable and thread-safe: built once per configuration (start and reload); connections call
 * {@link #authenticate} from their event loops. bcrypt checks are deliberately slow and run on the calling loop,
 * as they run on nats-server's connection goroutine.
 */
public final class ConfigAuthenticator {

    /** Who a client turned out to be: its account name (null for the global account) and permissions. */
    public record Identity(String user, String account, PermissionsPolicy permissions) {
    }

    /**
     * The credentials of one CONNECT, with the nonce the server sent that connection (null when none) and the
     * client's TLS certificate (null without TLS or when the client presented none).
     */
    public record Credentials(String token, String user, String password, String nkey, String signature,
                              String jwt, String nonce, X509Certificate certificate) {
        public Credentials(String token, String user, String password, String nkey, String signature, String jwt,
                           String nonce) {
            this(token, user, password, nkey, signature, jwt, nonce, null);
        }

        boolean none() {
            return token == null && user == null && nkey == null && jwt == null;
        }
    }

    private final UserConfigs users;
    private final boolean nkeys;
    private final boolean tlsMap;

    public ConfigAuthenticator(ServerOptions options) {
        this.users = UserConfigs.load(options);
        this.nkeys = users.users().stream().anyMatch(UserConfig::isNkeyUser);
        this.tlsMap = options.tls() != null && options.tls().verifyAndMap();
    }

    /** Whether clients must authenticate. */
    public boolean required() {
        return users.authRequired();
    }

    /** Whether INFO must carry a nonce for nkey users to sign. */
    public boolean usesNonce() {
        return nkeys;
    }

    /** The identity of a client with these credentials, or null for "Authorization Violation". */
    public Identity authenticate(Credentials c) {
        if (!required()) {
            return new Identity(null, null, PermissionsPolicy.UNRESTRICTED);
        }
        if (tlsMap && !users.users().isEmpty() && c.nkey() == null) {
            // verify_and_map: the client certificate names the user; no password is asked for.
            return c.certificate() == null ? null
                    : CertificateUsers.find(c.certificate(), users).map(ConfigAuthenticator::identity).orElse(null);
        }
        if (c.none() && users.noAuthUser() != null) {
            return users.byUsername(users.noAuthUser()).map(ConfigAuthenticator::identity).orElse(null);
        }
        if (c.nkey() != null && nkeys) {
            UserConfig user = users.byNkey(c.nkey()).orElse(null);
            if (user == null || c.nonce() == null || c.signature() == null) {
                return null;
            }
            try {
                return NKeys.verifyNonce(c.nkey(), c.nonce(), c.signature()) ? identity(user) : null;
            } catch (NKeyException e) {
                return null;
            }
        }
        if (users.token() != null) {
            return c.token() != null && users.token().matches(c.token())
                    ? new Identity(null, null, PermissionsPolicy.UNRESTRICTED) : null;
        }
        if (c.user() != null) {
            UserConfig user = users.byUsername(c.user()).orElse(null);
            if (user == null && users.singleUser() != null && users.singleUser().username().equals(c.user())) {
                user = users.singleUser();
            }
            if (user != null && passwordMatches(user, c.password())) {
                return identity(user);
            }
        }
        return null;
    }

    private static boolean passwordMatches(UserConfig user, String given) {
        if (user.password() == null) {
            return given == null || given.isEmpty();
        }
        return given != null && user.password().matches(given);
    }

    private static Identity identity(UserConfig user) {
        return new Identity(user.identity(), user.account(), user.permissions());
    }
}
