package io.natrix.server.auth;

import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigParser;
import io.natrix.server.config.ServerOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Walks one configuration for {@link UserConfigs#load}, collecting every problem before throwing the first.
 *
 * <p>Keys of {@code authorization} other than users and default permissions, and keys of an account other than
 * users and default permissions, belong to other readers ({@code ConfigLoader}, the accounts code), which report
 * their problems; this one passes them by.
 *
 * <p>Single use, one thread.
 */
final class UserConfigReader {
    /** What nats-server accepts in allowed_connection_types, upper case. */
    static final Set<String> CONNECTION_TYPES = Set.of("STANDARD", "WEBSOCKET", "LEAFNODE", "LEAFNODE_WS", "MQTT",
            "MQTT_WS", "IN_PROCESS");
    private static final String MAP_SOURCE = "<config>";

    private final ServerOptions options;
    private final ConfigParser.Position wholeFile;
    private final List<ConfigException> errors = new ArrayList<>();
    private final List<UserConfig> users = new ArrayList<>();
    /** Usernames and nkeys share one namespace, as in nats-server. */
    private final Map<String, UserConfig> identities = new HashMap<>();
    private UserConfigField accountUsersField;
    private UserConfigField noAuthUserField;
    private UserConfigField authorizationField;

    /** A user entry as read, before default permissions apply. */
    private record Draft(String username, PasswordCheck password, String nkey, PermissionsPolicy permissions,
                         Set<String> connectionTypes) {
    }

    /** What one block (authorization, or an account) holds for users: its entries and its default permissions. */
    private static final class Block {
        final List<Draft> users = new ArrayList<>();
        PermissionsPolicy defaults;
        UserConfigField usersField;
    }

    /** The keys of one user entry, collected before they are checked together. */
    private static final class Entry {
        String username;
        String nkey;
        UserConfigField password;
        PermissionsPolicy permissions;
        final Set<String> connectionTypes = new LinkedHashSet<>();
    }

    UserConfigReader(ServerOptions options) {
        this.options = options;
        this.wholeFile = new ConfigParser.Position(
                options.configFile() != null ? options.configFile().toString() : MAP_SOURCE, 0, 0);
    }

    UserConfigs read() {
        Map<String, Object> raw = options.rawConfig();
        for (Object key : raw.keySet()) {
            String text = String.valueOf(key);
            UserConfigField field = UserConfigField.of(raw, text, "", wholeFile);
            try {
                switch (text.toLowerCase(Locale.ROOT)) {
                    case "authorization" -> authorization(field);
                    case "accounts" -> accounts(field);
                    case "no_auth_user" -> noAuthUserField = field;
                    default -> {
                        // other sections are not about users
                    }
                }
            } catch (ConfigException e) {
                errors.add(e);
            }
        }
        UserConfig singleUser = singleUser();
        PasswordCheck token = options.authToken() == null ? null
                : password(authorizationChild("token"), options.authToken());
        checkSingleUserAndAccounts();
        checkNoAuthUser();
        if (!errors.isEmpty()) {
            ConfigException first = errors.get(0);
            for (ConfigException other : errors.subList(1, errors.size())) {
                first.addSuppressed(other);
            }
            throw first;
        }
        return new UserConfigs(users, singleUser, token, options.authTimeout(), options.noAuthUser());
    }

    private void authorization(UserConfigField field) {
        authorizationField = field;
        Block block = new Block();
        field.forEachEntry(errors, (key, sub) -> {
            switch (key) {
                case "users" -> {
                    block.usersField = sub;
                    block.users.addAll(users(sub));
                }
                case "default_permission", "default_permissions", "permissions" ->
                        block.defaults = PermissionsConfig.read(sub, errors);
                default -> {
                    // user, password, token, timeout and the rest are ConfigLoader's
                }
            }
        });
        add(block, null);
    }

    private void accounts(UserConfigField field) {
        if (!(field.value() instanceof Map<?, ?>)) {
            return; // a plain list of account names defines no users
        }
        field.forEachEntry(errors, (name, account) -> {
            if (!(account.value() instanceof Map<?, ?>)) {
                return; // not an account (a variable, say); the accounts code judges it
            }
            // The field is named "accounts.<name>" with the name as written (forEachEntry lower-cases only the key).
            String accountName = account.name().substring(account.name().indexOf('.') + 1);
            Block block = new Block();
            account.forEachEntry(errors, (key, sub) -> {
                switch (key) {
                    case "users" -> {
                        block.usersField = sub;
                        block.users.addAll(users(sub));
                    }
                    case "default_permissions" -> block.defaults = PermissionsConfig.read(sub, errors);
                    default -> {
                        // imports, exports, jetstream, limits, ... belong to the accounts code
                    }
                }
            });
            if (!block.users.isEmpty() && accountUsersField == null) {
                accountUsersField = block.usersField;
            }
            add(block, accountName);
        });
    }

    /** Applies the block's defaults and enters its users, refusing names already taken. */
    private void add(Block block, String account) {
        UserConfigField usersField = block.usersField;
        for (Draft d : block.users) {
            PermissionsPolicy permissions = d.permissions() != null ? d.permissions() : block.defaults;
            UserConfig user = new UserConfig(d.username(), d.password(), d.nkey(), permissions, account,
                    d.connectionTypes());
            if (identities.containsKey(user.identity())) {
                errors.add(usersField.error("duplicate " + (user.isNkeyUser() ? "nkey " : "user ")
                        + PermissionsViolation.quote(user.identity()) + " detected"));
                continue;
            }
            if (users.size() >= UserConfigs.USERS_MAX) {
                errors.add(usersField.error("more than " + UserConfigs.USERS_MAX + " users"));
                return;
            }
            identities.put(user.identity(), user);
            users.add(user);
        }
    }

    private List<Draft> users(UserConfigField field) {
        List<?> entries = field.list();
        if (entries.size() > UserConfigs.USERS_MAX) {
            throw field.error("has " + entries.size() + " entries, at most " + UserConfigs.USERS_MAX
                    + " users are allowed");
        }
        List<Draft> drafts = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            UserConfigField entry = field.element(i);
            try {
                Draft draft = user(entry);
                if (draft != null) {
                    drafts.add(draft);
                }
            } catch (ConfigException e) {
                errors.add(e);
            }
        }
        return drafts;
    }

    /** One user entry, or null when it has errors (added to {@link #errors}). */
    private Draft user(UserConfigField entry) {
        if (!(entry.value() instanceof Map<?, ?> map)) {
            throw entry.expected("a map with user and password, or nkey");
        }
        UserConfigField at = new UserConfigField(entry.name(), map, firstKeyPosition(map, entry.at()));
        int errorsBefore = errors.size();
        Entry e = new Entry();
        at.forEachEntry(errors, (key, sub) -> {
            switch (key) {
                case "user", "username" -> e.username = sub.string();
                case "pass", "password" -> {
                    sub.string();
                    e.password = sub;
                }
                case "nkey" -> e.nkey = sub.string();
                case "permission", "permissions", "authorization" ->
                        e.permissions = PermissionsConfig.read(sub, errors);
                case "allowed_connection_types", "connection_types", "clients" ->
                        e.connectionTypes.addAll(connectionTypes(sub));
                default -> throw sub.error("unknown field");
            }
        });
        if (errors.size() > errorsBefore) {
            return null;
        }
        boolean hasName = e.username != null && !e.username.isEmpty();
        boolean hasNkey = e.nkey != null && !e.nkey.isEmpty();
        if (!hasName && !hasNkey) {
            throw at.error("user entry requires a user or an nkey");
        }
        if (hasNkey) {
            if (!NKeys.isValidPublicKey(e.nkey, NKeyType.USER)) {
                throw UserConfigField.of(map, keyOf(map, "nkey"), entry.name(), at.at())
                        .error("not a valid public nkey for a user");
            }
            if (e.username != null || e.password != null) {
                throw at.error("nkey users do not take usernames or passwords");
            }
            return new Draft(null, null, e.nkey, e.permissions, e.connectionTypes);
        }
        PasswordCheck password = e.password == null ? null : password(e.password, e.password.string());
        return new Draft(e.username, password, null, e.permissions, e.connectionTypes);
    }

    private static Set<String> connectionTypes(UserConfigField field) {
        Set<String> types = new LinkedHashSet<>();
        for (String type : field.strings("a connection type", CONNECTION_TYPES.size() * 4)) {
            String upper = type.toUpperCase(Locale.ROOT);
            if (!CONNECTION_TYPES.contains(upper)) {
                throw field.error("unknown connection type " + PermissionsViolation.quote(type) + ", expected "
                        + String.join(", ", CONNECTION_TYPES.stream().sorted().toList()));
            }
            types.add(upper);
        }
        return types;
    }

    private PasswordCheck password(UserConfigField field, String value) {
        try {
            return PasswordCheck.of(value);
        } catch (IllegalArgumentException e) {
            errors.add(field.error(e.getMessage()));
            return null;
        }
    }

    private UserConfig singleUser() {
        if (options.user() == null) {
            return null;
        }
        PasswordCheck password = options.password() == null ? null
                : password(authorizationChild("password", "pass"), options.password());
        return new UserConfig(options.user(), password, null, PermissionsPolicy.UNRESTRICTED, null, Set.of());
    }

    /** nats-server refuses a single user or a token beside users defined in accounts. */
    private void checkSingleUserAndAccounts() {
        if (accountUsersField == null) {
            return;
        }
        if (options.user() != null) {
            errors.add(accountUsersField.error("can not have a single user/pass and accounts"));
        } else if (options.authToken() != null) {
            errors.add(accountUsersField.error("can not have a token and accounts"));
        }
    }

    /** The no_auth_user must be a user with a username (nkey users and the single user do not count). */
    private void checkNoAuthUser() {
        String name = options.noAuthUser();
        if (name == null) {
            return;
        }
        UserConfigField blame = noAuthUserField != null ? noAuthUserField
                : new UserConfigField("no_auth_user", name, wholeFile);
        boolean anyNamed = users.stream().anyMatch(u -> !u.isNkeyUser());
        if (!anyNamed) {
            errors.add(blame.error(PermissionsViolation.quote(name) + " present, but users are not defined"));
        } else if (users.stream().noneMatch(u -> name.equals(u.username()))) {
            errors.add(blame.error(PermissionsViolation.quote(name)
                    + " not present as user in authorization block or account configuration"));
        }
    }

    /**
     * The last of the authorization keys {@code names}, to blame a bad password or token on (the last one is the
     * one that counts); the whole file when the value came from a command-line flag.
     */
    private UserConfigField authorizationChild(String... names) {
        UserConfigField found = null;
        if (authorizationField != null && authorizationField.value() instanceof Map<?, ?> map) {
            for (Object key : map.keySet()) {
                if (List.of(names).contains(String.valueOf(key).toLowerCase(Locale.ROOT))) {
                    found = UserConfigField.of(map, String.valueOf(key), authorizationField.name(),
                            authorizationField.at());
                }
            }
        }
        return found != null ? found : new UserConfigField(names[0], null, wholeFile);
    }

    private static String keyOf(Map<?, ?> map, String lowerKey) {
        for (Object key : map.keySet()) {
            if (String.valueOf(key).toLowerCase(Locale.ROOT).equals(lowerKey)) {
                return String.valueOf(key);
            }
        }
        return lowerKey;
    }

    private static ConfigParser.Position firstKeyPosition(Map<?, ?> map, ConfigParser.Position fallback) {
        for (Object key : map.keySet()) {
            return ConfigParser.positionOf(map, String.valueOf(key)).orElse(fallback);
        }
        return fallback;
    }
}
