package io.natrix.server.auth;

import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ServerOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the configuration says about who may connect: the users of {@code authorization.users} and of each
 * account's {@code users}, the single {@code user}/{@code password} or {@code token}, the authorization
 * {@code timeout} and {@code no_auth_user}. Read once at start-up (and reload) by {@link #load}; the authentication
 * code looks users up here.
 *
 * <p>The configuration forms, as nats-server reads them (server/opts.go):
 * <pre>{@code
 * authorization {
 *   default_permissions { publish: "public.>" }      # aliases: default_permission, permissions
 *   users = [
 *     { user: alice, password: "$2a$11$...", permissions: { subscribe: { deny: "admin.>" } } }
 *     { nkey: UAB...XYZ }                              # a public user nkey, 56 characters
 *     { user: svc, password: s3cret, allowed_connection_types: ["STANDARD", "WEBSOCKET"] }
 *   ]
 *   timeout: 2                                        # user, password, token and timeout are ServerOptions'
 * }
 * accounts {
 *   A { users: [ { user: bob, password: b } ], default_permissions { subscribe: "a.>" } }
 * }
 * no_auth_user: alice
 * }</pre>
 * A user's own {@code permissions} (even an empty map) replace the defaults of its block; the authorization block's
 * defaults apply to its users, an account's to the account's users. User and nkey names are unique across all
 * blocks. An nkey user takes neither name nor password. Passwords are plain text or bcrypt hashes
 * ({@link PasswordCheck}). {@code no_auth_user} must name a user with a username.
 *
 * <p>Problems are {@link ConfigException}s naming {@code file:line:column} and the key path, such as
 * {@code authorization.users[2].permissions.subscribe.deny: subject "foo..bar" is not a valid subject}; all problems
 * are collected and the first is thrown with the others attached as suppressed exceptions.
 *
 * <p>Immutable and thread-safe.
 */
public final class UserConfigs {
    /** Most users the configuration may define, all blocks together. */
    public static final int USERS_MAX = 100_000;

    private final List<UserConfig> users;
    private final UserConfig singleUser;
    private final PasswordCheck token;
    private final Duration timeout;
    private final String noAuthUser;
    private final Map<String, UserConfig> byUsername = new HashMap<>();
    private final Map<String, UserConfig> byNkey = new HashMap<>();

    UserConfigs(List<UserConfig> users, UserConfig singleUser, PasswordCheck token, Duration timeout,
                String noAuthUser) {
        this.users = List.copyOf(users);
        this.singleUser = singleUser;
        this.token = token;
        this.timeout = timeout;
        this.noAuthUser = noAuthUser;
        for (UserConfig user : this.users) {
            (user.isNkeyUser() ? byNkey : byUsername).put(user.identity(), user);
        }
    }

    /**
     * Reads the users of {@code options}: user, password, token, timeout and no_auth_user from the options
     * themselves (so command-line flags count), users and permissions from {@link ServerOptions#rawConfig()}.
     *
     * @throws ConfigException when the configuration is invalid
     */
    public static UserConfigs load(ServerOptions options) {
        return new UserConfigReader(options).read();
    }

    /** All users of the users arrays, in configuration order. */
    public List<UserConfig> users() {
        return users;
    }

    /** The single {@code authorization.user} (or --user) with its password, or null. */
    public UserConfig singleUser() {
        return singleUser;
    }

    /** The {@code authorization.token} (or --auth) check, or null. */
    public PasswordCheck token() {
        return token;
    }

    /** How long a new connection has to authenticate. */
    public Duration timeout() {
        return timeout;
    }

    /** The user a client that presents no credentials is taken to be, or null. */
    public String noAuthUser() {
        return noAuthUser;
    }

    public Optional<UserConfig> byUsername(String username) {
        return Optional.ofNullable(byUsername.get(username));
    }

    public Optional<UserConfig> byNkey(String nkey) {
        return Optional.ofNullable(byNkey.get(nkey));
    }

    /** Whether clients must authenticate: any user, single user or token is configured. */
    public boolean authRequired() {
        return !users.isEmpty() || singleUser != null || token != null;
    }

    @Override
    public String toString() {
        return "UserConfigs{users=" + users.size() + (singleUser != null ? ", single user" : "")
                + (token != null ? ", token" : "") + (noAuthUser != null ? ", no_auth_user=" + noAuthUser : "") + "}";
    }
}
