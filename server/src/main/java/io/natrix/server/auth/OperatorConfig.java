package io.natrix.server.auth;

import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ConfigParser;
import io.natrix.server.config.ConfigUnits;
import io.natrix.server.config.ServerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Operator mode ("decentralized JWT authentication") as the configuration sets it up, read from
 * {@link ServerOptions#rawConfig()} the way nats-server's {@code opts.go} reads it and checked as its
 * {@code validateTrustedOperators} checks it.
 *
 * <pre>{@code
 * operator: "/etc/nats/op.jwt"            # aliases operators, root, roots, root_operator, root_operators;
 *                                          # a file (plain or decorated "-----BEGIN ... JWT-----"), an inline JWT
 *                                          # (text starting "eyJ" that is no readable file), or a list of these
 * system_account: ADZ...                   # alias system; default: the system_account of the (only) operator JWT
 * resolver: MEMORY                         # aliases account_resolver, accounts_resolver; or MEM
 * resolver: {
 *   type: full                             # full | cache | mem(ory)
 *   dir: "./jwt"                           # full and cache: created when missing
 *   allow_delete: false                    # full only; hard_delete: true removes instead of renaming
 *   limit: 0                               # most accounts (full: 0 = none; cache: 0 = 1000)
 *   ttl: "2m"                              # cache only: drop accounts unused this long
 *   interval: "2m"  timeout: "1900ms"      # full: sync interval; both: lookup timeout (need a cluster; unused)
 * }
 * resolver_preload: { ADZ...: "eyJ..." }   # account key -> account JWT, stored in the resolver at start
 * resolver_pinned_accounts: [ ADZ... ]     # only users of these accounts (and the system account) may connect
 * trusted: [ ODZ... ]                      # alias trusted_keys: bare operator keys, instead of operator JWTs
 * }</pre>
 *
 * <p>nats-server's start-up rules, with its messages: operators require a resolver ("operators require an account
 * resolver to be configured"), refuse {@code accounts} ("operators do not allow Accounts to be configured
 * directly"), refuse {@code authorization.users} ("operators do not allow users to be configured directly") and
 * auth callout ("operators do not allow authorization callouts to be configured directly"), refuse {@code trusted}
 * beside operators ("conflicting options for 'TrustedKeys' and 'TrustedOperators'"); a configured system account
 * must match the operators' when they name one ("system_account in config and operator JWT must be identical"); a
 * full or cache resolver needs a system account ("using nats based account resolver - the system account needs to
 * be specified in configuration or the operator jwt"). The resolver map's checks and texts are nats-server's too
 * ("CACHE does not accept allow_delete", "FULL does not accept ttl", "hard_delete has no effect without delete",
 * "dir has no value and needs to point to a directory", ...).
 *
 * <p>Where we are stricter than nats-server, so a configuration that could never work stops at start-up instead of
 * failing each client later: a preload whose key is not its JWT's subject, or whose issuer is not trusted, is an
 * error (nats-server accepts both, then answers every user of that account "account validation failed"); the system
 * account must be an account public key (nats-server dies later with "Can't set system account"); URL resolvers, and
 * the implicit URL resolver of an operator JWT's {@code account_server_url}, are refused as unsupported. An expired
 * operator or preload JWT is a warning, as in nats-server. A single {@code authorization} user or token is a
 * warning: in operator mode every client must present a user JWT, so they never match (nats-server ignores them the
 * same way).
 *
 * <p>Problems are {@link ConfigException}s naming {@code file:line:column} and the key, the first thrown with the
 * others suppressed, as {@link UserConfigs} reports them.
 *
 * <p>Immutable and thread-safe.
 */
public final class OperatorConfig {
    /** Most operators, trusted keys, pinned accounts or preloads read; real configurations have a handful. */
    public static final int ENTRIES_MAX = 100_000;
    /** How JWTs start once encoded: '{"' in base64url. */
    static final String JWT_PREFIX = "eyJ";
    /** Longest operator JWT file read. */
    static final int OPERATOR_FILE_MAX = CredsFile.LENGTH_MAX;
    /** nats-server's message for a resolver value it does not understand. */
    static final String RESOLVER_SYNTAX = "error parsing account resolver, should be MEM or  URL(\"url\") or a map "
            + "containing dir and type state=[FULL|CACHE])";
    private static final Pattern JWT_CHARS = Pattern.compile("[\\w\\-.=]+");
    private static final String MAP_SOURCE = "<config>";

    /** The kinds of resolver. */
    public enum ResolverType {
        /** {@link MemoryResolver}. */
        MEMORY,
        /** {@link DirResolver}, full. */
        FULL,
        /** {@link DirResolver}, cache. */
        CACHE,
    }

    /**
     * The {@code resolver} setting.
     *
     * @param type     which resolver
     * @param dir      the directory settings; null for MEMORY
     * @param interval full: how often nats-server compares stores with other servers; zero when not set (unused
     *                 without a cluster)
     * @param timeout  how long nats-server waits for other servers to answer a lookup; zero when not set (unused
     *                 without a cluster)
     */
    public record ResolverConfig(ResolverType type, DirResolver.Settings dir, Duration interval, Duration timeout) {
    }

    private final List<String> operatorJwts;
    private final TrustedOperators trust;
    private final String systemAccount;
    private final ResolverConfig resolver;
    private final Map<String, String> preloads;
    private final Set<String> pinnedAccounts;
    private final List<ConfigLoader.Warning> warnings;
    private final ConfigParser.Position resolverPosition;

    private OperatorConfig(Reader r) {
        this.operatorJwts = List.copyOf(r.operatorJwts);
        this.trust = r.operators.isEmpty() ? TrustedOperators.ofKeys(r.trustedKeys) : TrustedOperators.of(r.operators);
        this.systemAccount = r.systemAccount;
        this.resolver = r.resolver;
        this.preloads = Collections.unmodifiableMap(new LinkedHashMap<>(r.preloads));
        this.pinnedAccounts = Set.copyOf(r.pinnedAccounts);
        this.warnings = List.copyOf(r.warnings);
        this.resolverPosition = r.resolverField.at();
    }

    /**
     * Reads operator mode from {@code options}.
     *
     * @return the operator configuration, or null when neither operators nor trusted keys are configured
     * @throws ConfigException when the configuration is invalid
     */
    public static OperatorConfig read(ServerOptions options) {
        Reader reader = new Reader(options);
        if (!reader.read()) {
            return null;
        }
        return new OperatorConfig(reader);
    }

    /** The operator JWTs as configured (decorations removed), in order; empty with bare trusted keys. */
    public List<String> operatorJwts() {
        return operatorJwts;
    }

    /** The decoded operators, in order; empty with bare trusted keys. */
    public List<OperatorClaims> operators() {
        return trust.operators();
    }

    /** The operators and the keys they trust. */
    public TrustedOperators trust() {
        return trust;
    }

    /** The keys whose account JWTs are trusted. */
    public Set<String> trustedKeys() {
        return trust.keys();
    }

    /** The system account's public key, or null when neither configuration nor operator JWT names one. */
    public String systemAccount() {
        return systemAccount;
    }

    public ResolverConfig resolver() {
        return resolver;
    }

    /** {@code resolver_preload}: account public key to account JWT, in configuration order. */
    public Map<String, String> preloads() {
        return preloads;
    }

    /**
     * {@code resolver_pinned_accounts} with the system account added, as nats-server adds it; empty when not
     * configured (every account may connect).
     */
    public Set<String> pinnedAccounts() {
        return pinnedAccounts;
    }

    /** What deserves a warning at start-up: expired JWTs, settings without effect. */
    public List<ConfigLoader.Warning> warnings() {
        return warnings;
    }

    /**
     * Opens the configured resolver and stores the preloads in it (a directory keeps a stored JWT that was issued
     * after its preload, as nats-server does). Creates the directory of a full or cache resolver.
     *
     * @throws ConfigException naming the resolver when its directory cannot be created or read
     */
    public AccountResolver openResolver(Clock clock) {
        if (resolver.type() == ResolverType.MEMORY) {
            return new MemoryResolver(trust, preloads);
        }
        DirResolver dir;
        try {
            dir = DirResolver.open(resolver.dir(), trust, clock);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(resolverPosition, "resolver: cannot use directory " + resolver.dir().dir()
                    + ": " + e.getMessage(), e);
        }
        for (String jwt : preloads.values()) {
            dir.store(jwt);
        }
        return dir;
    }

    @Override
    public String toString() {
        return "OperatorConfig{" + trust + ", systemAccount=" + systemAccount + ", resolver=" + resolver.type()
                + ", preloads=" + preloads.size() + "}";
    }

    /** Single use, one thread: walks the configuration collecting every problem. */
    private static final class Reader {
        private final ServerOptions options;
        private final ConfigParser.Position wholeFile;
        private final List<ConfigException> errors = new ArrayList<>();
        final List<ConfigLoader.Warning> warnings = new ArrayList<>();
        final List<String> operatorJwts = new ArrayList<>();
        final List<OperatorClaims> operators = new ArrayList<>();
        final Set<String> trustedKeys = new LinkedHashSet<>();
        final Map<String, String> preloads = new LinkedHashMap<>();
        final Set<String> pinnedAccounts = new LinkedHashSet<>();
        String systemAccount;
        ResolverConfig resolver;

        private UserConfigField operatorField;
        private UserConfigField trustedField;
        UserConfigField resolverField;
        private UserConfigField preloadField;
        private UserConfigField pinnedField;
        private UserConfigField systemAccountField;
        private UserConfigField systemField;
        private UserConfigField accountsField;
        private UserConfigField authorizationField;

        Reader(ServerOptions options) {
            this.options = options;
            this.wholeFile = new ConfigParser.Position(
                    options.configFile() != null ? options.configFile().toString() : MAP_SOURCE, 0, 0);
        }

        /** Reads everything; false when operator mode is not configured. */
        boolean read() {
            Map<String, Object> raw = options.rawConfig();
            for (Object key : raw.keySet()) {
                String text = String.valueOf(key);
                UserConfigField field = UserConfigField.of(raw, text, "", wholeFile);
                switch (text.toLowerCase(Locale.ROOT)) {
                    case "operator", "operators", "roots", "root", "root_operators", "root_operator" ->
                            operatorField = field;
                    case "trusted", "trusted_keys" -> trustedField = field;
                    case "resolver", "account_resolver", "accounts_resolver" -> resolverField = field;
                    case "resolver_preload" -> preloadField = field;
                    case "resolver_pinned_accounts" -> pinnedField = field;
                    case "system_account" -> systemAccountField = field;
                    case "system" -> systemField = field;
                    case "accounts" -> accountsField = field;
                    case "authorization" -> authorizationField = field;
                    default -> {
                        // not about operator mode
                    }
                }
            }
            if (operatorField == null && trustedField == null) {
                return false;
            }
            guard(this::operators);
            guard(this::trustedKeys);
            guard(this::resolver);
            guard(this::systemAccount);
            guard(this::preloads);
            guard(this::pinnedAccounts);
            guard(this::directConfiguration);
            if (operators.isEmpty() && trustedKeys.isEmpty() && errors.isEmpty()) {
                UserConfigField blame = operatorField != null ? operatorField : trustedField;
                errors.add(blame.error("no operator JWT or trusted key given"));
            }
            if (!errors.isEmpty()) {
                ConfigException first = errors.get(0);
                for (ConfigException other : errors.subList(1, errors.size())) {
                    first.addSuppressed(other);
                }
                throw first;
            }
            return true;
        }

        private void guard(Runnable step) {
            try {
                step.run();
            } catch (ConfigException e) {
                errors.add(e);
            }
        }

        private void warn(UserConfigField field, String message) {
            warnings.add(new ConfigLoader.Warning(field.at(), field.name() + ": " + message));
        }

        // ---- operator, trusted ----

        private void operators() {
            if (operatorField == null) {
                return;
            }
            List<String> entries = operatorField.strings("an operator JWT or JWT file", ENTRIES_MAX);
            for (String entry : entries) {
                try {
                    String jwt = operatorJwt(entry);
                    JwtClaims claims = JwtDecoder.decodeIgnoringTime(jwt);
                    if (!(claims instanceof OperatorClaims operator)) {
                        throw new JwtException(JwtException.Reason.WRONG_CLAIM_TYPE,
                                "expected an operator JWT, got a " + claims.type().jsonName() + " JWT");
                    }
                    if (operator.isExpired(Instant.now())) {
                        warn(operatorField, "operator " + describe(operator) + " expired at "
                                + Instant.ofEpochSecond(operator.data().expiresAtSeconds()));
                    }
                    operatorJwts.add(jwt);
                    operators.add(operator);
                } catch (JwtException | IOException e) {
                    errors.add(operatorField.error("error parsing operator JWT: " + e.getMessage()));
                }
            }
        }

        /** The JWT of an operator entry: the file's (decorated or plain), or the entry itself when inline. */
        private static String operatorJwt(String entry) throws IOException {
            byte[] contents;
            try {
                Path file = Path.of(entry);
                long size = Files.size(file);
                if (size > OPERATOR_FILE_MAX) {
                    throw new IOException(entry + ": the file has " + size + " bytes, more than an operator JWT");
                }
                contents = Files.readAllBytes(file);
            } catch (IOException | InvalidPathException e) {
                if (!entry.startsWith(JWT_PREFIX)) {
                    throw e instanceof IOException io ? io
                            : new IOException("not a file name: " + clip(entry));
                }
                return entry.strip();
            }
            return decoratedJwt(new String(contents, StandardCharsets.UTF_8));
        }

        private void trustedKeys() {
            if (trustedField == null) {
                return;
            }
            for (String key : trustedField.strings("an operator public key", ENTRIES_MAX)) {
                if (!NKeys.isValidPublicKey(key, NKeyType.OPERATOR)) {
                    errors.add(trustedField.error("trust key " + PermissionsViolation.quote(clip(key))
                            + " required to be a valid public operator nkey"));
                } else {
                    trustedKeys.add(key);
                }
            }
            if (operatorField != null) {
                errors.add(trustedField.error("conflicting options for 'TrustedKeys' and 'TrustedOperators'"));
            }
        }

        // ---- resolver ----

        private void resolver() {
            UserConfigField blame = operatorField != null ? operatorField : trustedField;
            if (resolverField == null) {
                String hint = "";
                if (operators.size() == 1 && !operators.get(0).accountServerUrl().isEmpty()) {
                    hint = "; the operator JWT names an account server URL, but URL resolvers are not supported";
                }
                throw blame.error("operators require an account resolver to be configured" + hint);
            }
            Object value = resolverField.value();
            if (value instanceof String text) {
                String type = text.strip().toUpperCase(Locale.ROOT);
                if (type.equals("MEM") || type.equals("MEMORY")) {
                    resolver = new ResolverConfig(ResolverType.MEMORY, null, Duration.ZERO, Duration.ZERO);
                } else if (type.startsWith("URL")) {
                    throw resolverField.error("URL account resolvers are not supported; use MEMORY or "
                            + "{ type: full, dir: ... }");
                } else {
                    throw resolverField.error(RESOLVER_SYNTAX);
                }
            } else if (value instanceof Map<?, ?>) {
                resolverMap();
            } else {
                throw resolverField.error("error parsing operator resolver, wrong type: "
                        + UserConfigField.describe(value, false));
            }
        }

        /** The resolver's map form, with nats-server's checks and texts. */
        private void resolverMap() {
            var draft = new Object() {
                String dir = "";
                String type = "";
                boolean allowDelete;
                Boolean hardDelete;
                long limit;
                Duration ttl = Duration.ZERO;
                Duration interval = Duration.ZERO;
                Duration timeout = Duration.ZERO;
            };
            int before = errors.size();
            resolverField.forEachEntry(errors, (key, sub) -> {
                switch (key) {
                    case "dir" -> draft.dir = sub.string();
                    case "type" -> draft.type = sub.string();
                    case "allow_delete" -> draft.allowDelete = sub.bool();
                    case "hard_delete" -> draft.hardDelete = sub.bool();
                    case "limit" -> draft.limit = sub.integer();
                    case "ttl" -> draft.ttl = duration(sub);
                    case "interval" -> draft.interval = duration(sub);
                    case "timeout" -> {
                        draft.timeout = duration(sub);
                        if (!draft.timeout.isPositive()) {
                            throw sub.error("the fetch timeout must be positive");
                        }
                    }
                    default -> warn(sub, "unknown field, ignored");
                }
            });
            if (errors.size() > before) {
                return;
            }
            ResolverType type = switch (draft.type.strip().toUpperCase(Locale.ROOT)) {
                case "FULL" -> ResolverType.FULL;
                case "CACHE" -> ResolverType.CACHE;
                case "MEM", "MEMORY" -> ResolverType.MEMORY;
                default -> throw resolverField.error(RESOLVER_SYNTAX);
            };
            if (type == ResolverType.MEMORY) {
                resolver = new ResolverConfig(type, null, draft.interval, draft.timeout);
                return;
            }
            checkDir(draft.dir);
            if (type == ResolverType.CACHE) {
                if (!draft.interval.isZero()) {
                    errors.add(resolverField.error("CACHE does not accept sync"));
                }
                if (draft.allowDelete) {
                    errors.add(resolverField.error("CACHE does not accept allow_delete"));
                }
                if (draft.hardDelete != null) {
                    errors.add(resolverField.error("CACHE does not accept hard_delete"));
                }
            } else {
                if (!draft.ttl.isZero()) {
                    errors.add(resolverField.error("FULL does not accept ttl"));
                }
                if (draft.hardDelete != null && !draft.allowDelete) {
                    errors.add(resolverField.error("hard_delete has no effect without delete"));
                }
            }
            if (errors.size() > before || draft.dir.isEmpty()) {
                return;
            }
            DirResolver.Settings settings = new DirResolver.Settings(Path.of(draft.dir), type == ResolverType.CACHE,
                    draft.limit, draft.allowDelete, draft.hardDelete != null && draft.hardDelete, draft.ttl);
            resolver = new ResolverConfig(type, settings, draft.interval, draft.timeout);
        }

        private static Duration duration(UserConfigField field) {
            if (!(field.value() instanceof String text)) {
                throw field.expected("a duration string such as \"2m\"");
            }
            try {
                if (text.length() > 64) {
                    throw new IllegalArgumentException("longer than 64 characters");
                }
                Duration d = ConfigUnits.parseDuration(text);
                if (d.isNegative()) {
                    throw new IllegalArgumentException("negative");
                }
                return d;
            } catch (IllegalArgumentException e) {
                throw field.error("invalid duration: " + e.getMessage());
            }
        }

        private void checkDir(String dir) {
            if (dir.isEmpty()) {
                errors.add(resolverField.error("dir has no value and needs to point to a directory"));
                return;
            }
            Path path;
            try {
                path = Path.of(dir);
            } catch (InvalidPathException e) {
                errors.add(resolverField.error("dir needs to point to an accessible directory"));
                return;
            }
            if (Files.exists(path) && (!Files.isDirectory(path) || !ownerCanEnter(path))) {
                errors.add(resolverField.error("dir needs to point to an accessible directory"));
            }
        }

        /** nats-server's test: the owner's execute bit; where POSIX permissions are unknown, whether it can read. */
        private static boolean ownerCanEnter(Path path) {
            try {
                return Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)
                        .contains(PosixFilePermission.OWNER_EXECUTE);
            } catch (IOException | UnsupportedOperationException e) {
                return Files.isReadable(path);
            }
        }

        // ---- system account ----

        private void systemAccount() {
            // nats-server reads system_account first and falls back to system.
            UserConfigField field = systemAccountField != null ? systemAccountField : systemField;
            String configured = null;
            if (field != null) {
                if (!(field.value() instanceof String s)) {
                    throw field.error("system account name must be a string");
                }
                configured = s.isEmpty() ? null : s;
            }
            if (configured != null) {
                if (!NKeys.isValidPublicKey(configured, NKeyType.ACCOUNT)) {
                    throw field.error("in operator mode the system account must be an account public key");
                }
                boolean named = false;
                boolean matches = false;
                for (OperatorClaims operator : operators) {
                    named |= !operator.systemAccount().isEmpty();
                    matches |= operator.systemAccount().equals(configured);
                }
                if (named && !matches) {
                    throw field.error("system_account in config and operator JWT must be identical");
                }
                systemAccount = configured;
                return;
            }
            if (operators.size() == 1 && !operators.get(0).systemAccount().isEmpty()) {
                systemAccount = operators.get(0).systemAccount();
                return;
            }
            if (!operators.isEmpty() && resolver != null && resolver.type() != ResolverType.MEMORY) {
                throw resolverField.error("using nats based account resolver - the system account needs to be "
                        + "specified in configuration or the operator jwt");
            }
        }

        // ---- preloads, pinned accounts ----

        private void preloads() {
            if (preloadField == null) {
                return;
            }
            if (!(preloadField.value() instanceof Map<?, ?> map)) {
                throw preloadField.error("preload should be a map of account_public_key:account_jwt");
            }
            if (map.size() > ENTRIES_MAX) {
                throw preloadField.error("has " + map.size() + " entries, at most " + ENTRIES_MAX + " are allowed");
            }
            Set<String> trusted = operators.isEmpty() ? trustedKeys : TrustChain.trustedKeys(operators);
            Set<String> strict = new LinkedHashSet<>();
            for (OperatorClaims operator : operators) {
                if (operator.strictSigningKeyUsage()) {
                    strict.add(operator.data().subject());
                }
            }
            for (Object k : map.keySet()) {
                String key = String.valueOf(k);
                // Keys are account keys and keep their case; the field names them as written.
                UserConfigField entry = UserConfigField.of(map, key, preloadField.name(), preloadField.at());
                if (!(entry.value() instanceof String jwt)) {
                    errors.add(entry.error("preload map value should be a string JWT"));
                    continue;
                }
                AccountClaims account;
                try {
                    account = JwtDecoder.decodeAccount(jwt);
                } catch (JwtException e) {
                    errors.add(entry.error("invalid account JWT: " + e.getMessage()));
                    continue;
                }
                String subject = account.data().subject();
                if (!subject.equals(key)) {
                    errors.add(entry.error("the JWT is about account " + subject + ", not the key it is stored under"));
                    continue;
                }
                String issuer = account.data().issuer();
                if (strict.contains(issuer)) {
                    errors.add(entry.error("the account JWT is signed by the operator's own key, but the operator "
                            + "requires signing keys (strict_signing_key_usage)"));
                    continue;
                }
                if (!trusted.isEmpty() && !trusted.contains(issuer)) {
                    errors.add(entry.error("the account JWT is not signed by a trusted operator key (issuer "
                            + issuer + ")"));
                    continue;
                }
                if (account.isExpired(Instant.now())) {
                    warn(entry, "the account JWT expired at "
                            + Instant.ofEpochSecond(account.data().expiresAtSeconds()));
                }
                preloads.put(key, jwt);
            }
        }

        private void pinnedAccounts() {
            if (pinnedField == null) {
                return;
            }
            for (String key : pinnedField.strings("an account public key", ENTRIES_MAX)) {
                if (!NKeys.isValidPublicKey(key, NKeyType.ACCOUNT)) {
                    errors.add(pinnedField.error("pinned account key " + PermissionsViolation.quote(clip(key))
                            + " is not a valid public account nkey"));
                } else {
                    pinnedAccounts.add(key);
                }
            }
            if (!pinnedAccounts.isEmpty() && systemAccount != null) {
                pinnedAccounts.add(systemAccount);
            }
        }

        // ---- what operator mode excludes ----

        private void directConfiguration() {
            if (accountsField != null && notEmpty(accountsField.value())) {
                errors.add(accountsField.error("operators do not allow Accounts to be configured directly"));
            }
            if (authorizationField != null && authorizationField.value() instanceof Map<?, ?> map) {
                for (Object k : map.keySet()) {
                    String key = String.valueOf(k);
                    UserConfigField sub = UserConfigField.of(map, key, authorizationField.name(),
                            authorizationField.at());
                    switch (key.toLowerCase(Locale.ROOT)) {
                        case "users" -> {
                            if (notEmpty(sub.value())) {
                                errors.add(sub.error("operators do not allow users to be configured directly"));
                            }
                        }
                        case "auth_callout", "auth_hook" -> errors.add(sub.error(
                                "operators do not allow authorization callouts to be configured directly"));
                        default -> {
                            // user, password, token: warned about below
                        }
                    }
                }
            }
            if (options.user() != null || options.authToken() != null) {
                UserConfigField blame = authorizationField != null ? authorizationField
                        : new UserConfigField("authorization", null, wholeFile);
                warn(blame, "a single user or token has no effect in operator mode: every client must present "
                        + "a user JWT");
            }
        }

        private static boolean notEmpty(Object value) {
            if (value instanceof Map<?, ?> m) {
                return !m.isEmpty();
            }
            if (value instanceof List<?> l) {
                return !l.isEmpty();
            }
            return value != null;
        }
    }

    /**
     * The JWT of a file's text: the first block between two dash-framed marker lines when there is one (nsc writes
     * operator JWTs so), else the whole text without surrounding white space.
     */
    static String decoratedJwt(String text) {
        String[] lines = text.split("\r\n|\r|\n", -1);
        for (int i = 0; i + 2 < lines.length; i++) {
            String content = lines[i + 1].strip();
            if (isMarker(lines[i]) && JWT_CHARS.matcher(content).matches() && isMarker(lines[i + 2])) {
                return content;
            }
        }
        return text.strip();
    }

    private static boolean isMarker(String line) {
        String s = line.strip();
        return s.length() >= 6 && s.startsWith("---") && s.endsWith("---");
    }

    private static String describe(OperatorClaims operator) {
        String name = operator.data().name();
        return name.isEmpty() ? operator.data().subject() : PermissionsViolation.quote(name);
    }

    private static String clip(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
    }
}
