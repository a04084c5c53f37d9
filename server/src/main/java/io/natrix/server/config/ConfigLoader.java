package io.natrix.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a configuration file to a {@link ServerOptions.Builder}, reading keys the way nats-server's options
 * processing (server/opts.go) does.
 *
 * <p>Keys are matched without regard to case and under nats-server's names and aliases ({@code host}/{@code net},
 * {@code max_connections}/{@code max_conn}, {@code pid_file}/{@code pidfile}, ...). Values follow nats-server's
 * conventions:
 * <ul>
 *   <li>Durations ({@code write_deadline}, {@code ping_interval}, {@code lame_duck_*}) are Go duration strings such
 *       as {@code "2s"} or {@code "1m30s"}; a bare integer is taken as seconds with a warning, as nats-server does.
 *       Timeouts ({@code authorization.timeout}, {@code tls.timeout}) are seconds, integer or fractional, or a
 *       duration string.</li>
 *   <li>Sizes are integers (with the parser's suffixes: {@code 1MB}) or the same written as a string.</li>
 *   <li>Addresses ({@code listen}, {@code http}, {@code cluster.listen}) are a port or {@code "host:port"}.</li>
 * </ul>
 *
 * <p>The whole parsed tree goes to {@link ServerOptions.Builder#rawConfig}; sections this class does not map
 * (accounts, {@code authorization.users}, JetStream limits, gateways, ...) are read from there by the code that
 * implements them, which can name lines through {@link ConfigParser#positionOf}. Keys that nats-server knows and this
 * class does not map pass silently. Other unknown keys are {@link Warning}s, not errors (nats-server rejects them
 * unless told not to; we prefer to start and say so), except inside {@code tls} and {@code authorization}, where a
 * misspelt security setting must not go unnoticed. Keys of nats-server's {@code tls} block that Natrix does not
 * implement ({@link #TLS_UNSUPPORTED}: OCSP, rate limits, certificate stores, ...) are warnings that say so. As in
 * nats-server, a key that only defines a variable used elsewhere ({@code PASS: s3cret} for {@code password: $PASS}) is
 * not unknown.
 *
 * <p>A value of the wrong type or out of range is a {@link ConfigException} naming {@code file:line:column} and the
 * key. All such problems are collected; the first is thrown with the others attached as suppressed exceptions.
 * Range checks that do not depend on the file (port bounds, max_payload against max_pending, ...) are
 * {@link ServerOptions.Builder#build()}'s, whose {@link IllegalArgumentException} is the caller's to report.
 *
 * <p>Thread-safety: stateless; each call works on its own builder.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    /** nats-server refuses a shorter lame_duck_duration. */
    static final Duration LAME_DUCK_DURATION_MIN = Duration.ofSeconds(30);
    /** nats-server warns about an authorization timeout above this; an unquoted 1m there means a million seconds. */
    static final Duration AUTH_TIMEOUT_WARN_ABOVE = Duration.ofSeconds(60);
    /** nats-server's TLS_TIMEOUT, used when the tls block sets none. */
    static final Duration DEFAULT_TLS_TIMEOUT = Duration.ofSeconds(2);
    /** How a tree that did not come from a file is named in positions. */
    static final String MAP_SOURCE = "<config>";

    // Keys nats-server understands that are read elsewhere or not supported yet; they stay in rawConfig silently.
    private static final Set<String> TOP_LEVEL_ELSEWHERE = Set.of(
            "client_advertise", "trace_headers", "logtime_utc", "mappings", "maps", "accounts", "default_sentinel",
            "http_base_path", "gateway", "leaf", "leafnodes", "remote_syslog", "prof_port", "prof_block_rate",
            "proxy_protocol", "max_sub_tokens", "max_subscription_tokens", "ocsp", "allow_non_tls", "write_timeout",
            "operator", "operators", "roots", "root", "root_operators", "root_operator", "resolver",
            "account_resolver", "accounts_resolver", "resolver_tls", "resolver_preload", "resolver_pinned_accounts",
            "system_account", "system", "no_system_account", "no_system", "no_sys_acc", "trusted", "trusted_keys",
            "connect_error_reports", "reconnect_error_reports", "websocket", "ws", "mqtt", "server_tags",
            "server_metadata", "feature_flags", "default_js_domain", "ocsp_cache", "no_fast_producer_stall",
            "max_closed_clients", "proxies");
    private static final Set<String> AUTHORIZATION_ELSEWHERE = Set.of(
            "default_permission", "default_permissions", "permissions", "auth_callout", "auth_hook",
            "proxy_required");
    /**
     * Keys of nats-server's tls block that Natrix does not implement: each one is a warning, so that an operator
     * does not believe in a protection (OCSP, rate limits, a certificate store) that is not there.
     */
    static final Set<String> TLS_UNSUPPORTED = Set.of(
            "insecure", "allow_insecure_cipher_suites", "connection_rate_limit", "cert_store", "cert_match_by",
            "cert_match", "ca_certs_match", "cert_match_skip_invalid", "ocsp_peer", "certs", "certificates");
    /** nats-server's texts for bad pinned_certs, which name the expected format. */
    static final String PINNED_CERTS_NOT_LIST = "error parsing tls config, expected 'pinned_certs' to be a list of "
            + "hex-encoded sha256 of DER encoded SubjectPublicKeyInfo";
    static final String PINNED_CERT_BAD_KEY = "error parsing tls config, 'pinned_certs' key %s does not look like "
            + "hex-encoded sha256 of DER encoded SubjectPublicKeyInfo";
    private static final Set<String> CLUSTER_ELSEWHERE = Set.of(
            "authorization", "tls", "cluster_advertise", "advertise", "no_advertise", "connect_retries",
            "connect_backoff", "permissions", "pool_size", "accounts", "compression", "ping_interval", "ping_max",
            "write_deadline", "write_timeout");
    private static final Set<String> JETSTREAM_ELSEWHERE = Set.of(
            "strict", "key", "ek", "encryption_key", "prev_key", "prev_ek", "prev_encryption_key", "cipher",
            "extension_hint", "limits", "tpm", "unique_tag", "max_outstanding_catchup", "max_buffered_size",
            "max_buffered_msgs", "request_queue_limit", "info_queue_limit", "meta_compact", "meta_compact_size",
            "meta_compact_sync", "max_concurrent_io");

    /**
     * Something in the configuration worth telling the operator about that does not stop the server: an unknown
     * key, an integer where a duration string belongs, a suspiciously long timeout, a duplicate route.
     */
    public record Warning(ConfigParser.Position position, String message) {
        @Override
        public String toString() {
            return position + ": " + message;
        }
    }

    private ConfigLoader() {
    }

    /**
     * Reads a configuration file into a fresh builder, logging any warnings, and records the file and the parsed
     * tree in {@link ServerOptions.Builder#configFile} and {@link ServerOptions.Builder#rawConfig}.
     *
     * @throws ConfigException when the file cannot be read, parsed or applied
     */
    public static ServerOptions.Builder load(Path file) {
        ServerOptions.Builder builder = ServerOptions.builder();
        for (Warning warning : load(file, builder)) {
            LOG.warn("{}", warning);
        }
        return builder;
    }

    /**
     * Reads a configuration file into {@code builder}, which keeps whatever the file does not set. If this throws,
     * the builder may be partly filled.
     *
     * @return the warnings, in file order, for the caller to report
     * @throws ConfigException when the file cannot be read, parsed or applied
     */
    public static List<Warning> load(Path file, ServerOptions.Builder builder) {
        Map<String, Object> config = ConfigParser.parse(file);
        List<Warning> warnings = apply(config, builder, file.toString());
        builder.configFile = file;
        return warnings;
    }

    /**
     * Applies an already parsed configuration (from {@link ConfigParser}) to {@code builder} and stores it as the
     * builder's raw configuration. Maps from elsewhere work too, but their errors cannot name a line.
     *
     * @return the warnings, in order, for the caller to report
     * @throws ConfigException when a value has the wrong type or is out of range
     */
    public static List<Warning> apply(Map<String, Object> config, ServerOptions.Builder builder) {
        return apply(config, builder, MAP_SOURCE);
    }

    private static List<Warning> apply(Map<String, Object> config, ServerOptions.Builder builder, String source) {
        Mapper mapper = new Mapper(builder, source);
        mapper.run(config);
        builder.rawConfig = config;
        return List.copyOf(mapper.warnings);
    }

    /** Walks one tree, filling the builder and gathering warnings and errors. */
    private static final class Mapper {
        private final ServerOptions.Builder builder;
        private final String source;
        private final List<Warning> warnings = new ArrayList<>();
        private final List<ConfigException> errors = new ArrayList<>();
        private boolean storeDirSet;

        Mapper(ServerOptions.Builder builder, String source) {
            this.builder = builder;
            this.source = source;
        }

        void run(Map<String, Object> config) {
            if (config.isEmpty()) {
                warnings.add(new Warning(ConfigParser.Position.wholeFile(source), "config has no values or is empty"));
            }
            forEachField(config, "", this::topLevel);
            if (!errors.isEmpty()) {
                ConfigException first = errors.get(0);
                for (ConfigException other : errors.subList(1, errors.size())) {
                    first.addSuppressed(other);
                }
                throw first;
            }
        }

        /**
         * Hands each entry to {@code action} with its key in lower case; an error in one entry is recorded and
         * the walk goes on, so one run reports every bad value.
         */
        private void forEachField(Map<?, ?> map, String prefix, BiConsumer<String, ConfigField> action) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                ConfigParser.Position at = ConfigParser.positionOf(map, key)
                        .orElse(ConfigParser.Position.wholeFile(source));
                boolean referenced = map instanceof ConfigMap config && config.isReferenced(key);
                try {
                    action.accept(key.toLowerCase(Locale.ROOT), new ConfigField(prefix + key, entry.getValue(), at,
                            referenced));
                } catch (ConfigException e) {
                    errors.add(e);
                }
            }
        }

        /** Unknown keys warn, except those that only define a variable used elsewhere. */
        private void unknown(ConfigField field) {
            if (!field.referenced()) {
                warnings.add(new Warning(field.at(), "unknown field \"" + field.name() + "\""));
            }
        }

        private void topLevel(String key, ConfigField f) {
            switch (key) {
                case "listen" -> {
                    ConfigField.HostPort address = f.address();
                    if (address.host() != null) {
                        builder.host = address.host();
                    }
                    builder.port = address.port();
                }
                case "port" -> builder.port = f.integerInt();
                case "host", "net" -> builder.host = f.string();
                case "server_name" -> {
                    String name = f.string();
                    if (name.contains(" ")) {
                        throw f.error("server name cannot contain spaces");
                    }
                    builder.serverName = name;
                }
                case "max_payload" -> builder.maxPayload = f.sizeInt();
                case "max_control_line" -> builder.maxControlLine = f.sizeInt();
                case "max_pending" -> builder.maxPending = f.size();
                // nats-server reads 0 here as "refuse all clients"; the builder decides what 0 means for us.
                case "max_connections", "max_conn" -> builder.maxConnections = f.integerInt();
                case "max_subscriptions", "max_subs" -> builder.maxSubscriptions = f.integerInt();
                case "max_traced_msg_len" -> builder.maxTracedMsgLen = f.integerInt();
                case "write_deadline" -> builder.writeDeadline = f.duration(warnings);
                case "ping_interval" -> builder.pingInterval = f.duration(warnings);
                case "ping_max" -> builder.maxPingsOut = f.integerInt();
                case "lame_duck_duration" -> {
                    Duration duration = f.duration(warnings);
                    if (duration.compareTo(LAME_DUCK_DURATION_MIN) < 0) {
                        throw f.error("invalid lame_duck_duration of " + f.value() + ", minimum is 30 seconds");
                    }
                    builder.lameDuckDuration = duration;
                }
                case "lame_duck_grace_period" -> {
                    Duration duration = f.duration(warnings);
                    if (duration.isNegative()) {
                        throw f.error("invalid lame_duck_grace_period, needs to be positive");
                    }
                    builder.lameDuckGracePeriod = duration;
                }
                case "http", "http_port", "monitor_port" -> {
                    ConfigField.HostPort address = f.address();
                    if (address.host() != null) {
                        builder.httpHost = address.host();
                    }
                    builder.httpPort = address.port();
                }
                case "https", "https_port" -> {
                    ConfigField.HostPort address = f.address();
                    if (address.host() != null) {
                        builder.httpHost = address.host();
                    }
                    builder.httpsPort = address.port();
                }
                case "pid_file", "pidfile" -> builder.pidFile = f.path();
                case "ports_file_dir" -> builder.portsFileDir = f.path();
                case "log_file", "logfile" -> builder.logFile = f.path();
                case "logfile_size_limit", "log_size_limit" -> builder.logFileSizeLimit = f.size();
                case "logfile_max_num", "log_max_num" -> builder.logFileMaxNum = f.integerInt();
                case "logtime" -> builder.logTime = f.bool();
                case "debug" -> builder.debug = f.bool();
                case "trace" -> builder.trace = f.bool();
                case "trace_verbose" -> {
                    boolean verbose = f.bool();
                    builder.traceVerbose = verbose;
                    builder.trace = verbose;
                }
                case "syslog" -> builder.syslog = f.bool();
                case "jetstream" -> jetStream(f);
                case "store_dir", "storedir" -> storeDir(f);
                case "authorization" -> authorization(f);
                case "no_auth_user" -> builder.noAuthUser = f.string();
                case "tls" -> tls(f);
                case "cluster" -> cluster(f);
                case "no_header_support" -> builder.noHeaderSupport = f.bool();
                case "disable_sublist_cache", "no_sublist_cache" -> builder.disableSublistCache = f.bool();
                default -> {
                    if (!TOP_LEVEL_ELSEWHERE.contains(key)) {
                        unknown(f);
                    }
                }
            }
        }

        private void storeDir(ConfigField f) {
            // Both the top level and the jetstream block may name it; nats-server refuses the ambiguity.
            if (storeDirSet) {
                throw f.error("duplicate 'store_dir' configuration");
            }
            storeDirSet = true;
            builder.storeDir = f.path();
        }

        private void jetStream(ConfigField f) {
            switch (f.value()) {
                case Boolean enabled -> builder.jetstream = enabled;
                case String s -> builder.jetstream = switch (s.toLowerCase(Locale.ROOT)) {
                    case "enabled", "enable" -> true;
                    case "disabled", "disable" -> false;
                    default -> throw f.error("expected 'enabled' or 'disabled' for a string value, got \"" + s + "\"");
                };
                case Map<?, ?> map -> {
                    // A jetstream block turns JetStream on unless it says enabled: false.
                    JetStreamDraft jetStream = new JetStreamDraft();
                    forEachField(map, f.name() + ".", (key, sub) -> {
                        switch (key) {
                            case "enable", "enabled" -> jetStream.enabled = sub.bool();
                            case "store", "store_dir", "storedir" -> storeDir(sub);
                            case "max_memory_store", "max_mem_store", "max_mem", "max_file_store", "max_file" ->
                                    storageSize(sub);
                            case "domain" -> sub.string();
                            case "sync", "sync_interval" -> {
                                // "group" is Natrix's group commit (JetStreamConfig); the rest is nats-server's.
                                if (!(sub.value() instanceof String s
                                        && (s.equalsIgnoreCase("always") || s.equalsIgnoreCase("group")))) {
                                    sub.duration(warnings);
                                }
                            }
                            default -> {
                                if (!JETSTREAM_ELSEWHERE.contains(key)) {
                                    unknown(sub);
                                }
                            }
                        }
                    });
                    builder.jetstream = jetStream.enabled;
                }
                case null, default -> throw f.expected("a boolean, \"enabled\", \"disabled\" or a map");
            }
        }

        /** Checks a JetStream size the way nats-server's getStorageSize reads it; the value stays in rawConfig. */
        private static void storageSize(ConfigField f) {
            if (f.value() instanceof Long) {
                return;
            }
            if (!(f.value() instanceof String s)) {
                throw f.expected("an integer or a size string such as \"1G\"");
            }
            try {
                ConfigUnits.parseStorageSize(s);
            } catch (IllegalArgumentException e) {
                throw f.error(e.getMessage());
            }
        }

        private void authorization(ConfigField f) {
            Map<?, ?> map = f.map();
            AuthorizationDraft auth = new AuthorizationDraft();
            forEachField(map, f.name() + ".", (key, sub) -> {
                switch (key) {
                    case "user", "username" -> auth.user = sub.string();
                    case "pass", "password" -> auth.password = sub.string();
                    case "token" -> auth.token = sub.string();
                    case "timeout" -> {
                        Duration timeout = sub.seconds();
                        if (timeout.compareTo(AUTH_TIMEOUT_WARN_ABOVE) > 0) {
                            warnings.add(new Warning(sub.at(), sub.name() + " of " + sub.value()
                                    + " seconds is high, consider keeping it under 60 seconds; an unquoted 1m"
                                    + " means a million, write \"1m\" for a minute"));
                        }
                        builder.authTimeout = timeout;
                    }
                    case "users" -> {
                        sub.list(); // the entries are read from rawConfig by the authentication code
                        auth.users = true;
                    }
                    default -> {
                        if (!AUTHORIZATION_ELSEWHERE.contains(key) && !sub.referenced()) {
                            throw sub.error("unknown field");
                        }
                    }
                }
            });
            if ((auth.user != null || auth.password != null) && auth.token != null) {
                throw f.error("can not have a user/password and a token");
            }
            if (auth.users && auth.user != null) {
                throw f.error("can not have a single user/password and a users array");
            }
            if (auth.users && auth.token != null) {
                throw f.error("can not have a token and a users array");
            }
            builder.user = auth.user;
            builder.password = auth.password;
            builder.authToken = auth.token;
        }

        private void tls(ConfigField f) {
            Map<?, ?> map = f.map();
            TlsDraft tls = new TlsDraft();
            forEachField(map, f.name() + ".", (key, sub) -> {
                switch (key) {
                    case "cert_file" -> tls.certFile = sub.path();
                    case "key_file" -> tls.keyFile = sub.path();
                    case "ca_file" -> tls.caFile = sub.path();
                    case "verify" -> tls.verify = sub.bool();
                    case "verify_and_map" -> {
                        boolean mapped = sub.bool();
                        tls.verifyAndMap = mapped;
                        tls.verify |= mapped; // mapping a certificate to a user requires verifying it
                    }
                    case "timeout" -> tls.timeout = sub.seconds();
                    case "handshake_first", "first", "immediate" -> tls.handshakeFirst = handshakeFirst(sub);
                    case "cipher_suites" -> tls.ciphers = sub.nonEmptyStrings();
                    case "curve_preferences" -> tls.curves = sub.nonEmptyStrings();
                    case "pinned_certs" -> tls.pinnedCerts = pinnedCerts(sub);
                    case "min_version" -> tls.minVersion = minVersion(sub);
                    case "verify_cert_and_check_known_urls" -> knownUrls(sub);
                    default -> {
                        if (TLS_UNSUPPORTED.contains(key)) {
                            warnings.add(new Warning(sub.at(), "tls option \"" + sub.name()
                                    + "\" is not supported by Natrix and is ignored"));
                        } else if (!sub.referenced()) {
                            throw sub.error("unknown field");
                        }
                    }
                }
            });
            builder.tls = new ServerOptions.TlsOptions(tls.certFile, tls.keyFile, tls.caFile, tls.verify,
                    tls.verifyAndMap, tls.timeout, tls.handshakeFirst, tls.ciphers, tls.curves, tls.pinnedCerts,
                    tls.minVersion);
        }

        /**
         * nats-server's pinned_certs: a list of 64 hex digits each (either case, kept in lower case). An empty list
         * pins nothing, as in nats-server, which is worth a warning.
         */
        private Set<String> pinnedCerts(ConfigField f) {
            if (!(f.value() instanceof List<?> items)) {
                throw new ConfigException(f.at(), PINNED_CERTS_NOT_LIST);
            }
            if (items.isEmpty()) {
                warnings.add(new Warning(f.at(), "tls.pinned_certs is empty: clients are not pinned"));
                return null;
            }
            Set<String> pins = new HashSet<>();
            for (Object item : items) {
                String entry = String.valueOf(item).toLowerCase(Locale.ROOT);
                if (!(item instanceof String) || !isSha256Hex(entry)) {
                    throw new ConfigException(f.at(), String.format(PINNED_CERT_BAD_KEY, entry));
                }
                pins.add(entry);
            }
            return pins;
        }

        private static boolean isSha256Hex(String s) {
            if (s.length() != 64) {
                return false;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                    return false;
                }
            }
            return true;
        }

        /** nats-server's min_version: "1.2" or "1.3"; older versions and anything else are refused. */
        private static String minVersion(ConfigField f) {
            if (!(f.value() instanceof String version)) {
                throw new ConfigException(f.at(), "error parsing tls config: 'min_version' wrong type: " + f.value());
            }
            return switch (version) {
                case "1.2", "1.3" -> version;
                case "1.0", "1.1" -> throw new ConfigException(f.at(),
                        "error parsing tls config: unsupported TLS version: TLS " + version);
                default -> throw new ConfigException(f.at(), "error parsing tls config: unknown version: " + version);
            };
        }

        /**
         * verify_cert_and_check_known_urls checks route and gateway peers; nats-server refuses it switched on in the
         * client tls block, and so do we.
         */
        private static void knownUrls(ConfigField f) {
            if (!(f.value() instanceof Boolean on)) {
                throw new ConfigException(f.at(),
                        "error parsing tls config, expected 'verify_cert_and_check_known_urls' to be a boolean");
            }
            if (on) {
                throw new ConfigException(f.at(), "verify_cert_and_check_known_urls not supported in this context");
            }
        }

        /**
         * A boolean, or nats-server's string forms: on/off, "auto" (TLS first with a fallback delay) or the
         * fallback delay itself as a duration. The options record only keeps whether TLS comes first.
         */
        private static boolean handshakeFirst(ConfigField f) {
            if (f.value() instanceof Boolean b) {
                return b;
            }
            if (!(f.value() instanceof String s)) {
                throw f.expected("a boolean, \"auto\" or a duration");
            }
            switch (s.toLowerCase(Locale.ROOT)) {
                case "true", "on", "auto", "auto_fallback" -> {
                    return true;
                }
                case "false", "off" -> {
                    return false;
                }
                default -> {
                    try {
                        ConfigUnits.parseDuration(s);
                        return true;
                    } catch (IllegalArgumentException e) {
                        throw f.error("value \"" + s + "\" is invalid, expected a boolean, \"auto\" or a duration");
                    }
                }
            }
        }

        private void cluster(ConfigField f) {
            Map<?, ?> map = f.map();
            ClusterDraft cluster = new ClusterDraft();
            forEachField(map, f.name() + ".", (key, sub) -> {
                switch (key) {
                    case "name" -> {
                        String name = sub.string();
                        if (name.contains(" ")) {
                            throw sub.error("cluster name cannot contain spaces");
                        }
                        builder.clusterName = name;
                    }
                    case "listen" -> {
                        ConfigField.HostPort address = sub.address();
                        if (address.host() != null) {
                            cluster.host = address.host();
                        }
                        cluster.port = address.port();
                    }
                    case "host", "net" -> cluster.host = sub.string();
                    case "port" -> cluster.port = sub.integerInt();
                    case "routes" -> builder.routes = routes(sub);
                    default -> {
                        if (!CLUSTER_ELSEWHERE.contains(key)) {
                            unknown(sub);
                        }
                    }
                }
            });
            if (cluster.port != null) {
                builder.clusterListen = ConfigField.joinHostPort(cluster.host, cluster.port);
            }
        }

        private List<String> routes(ConfigField f) {
            List<?> items = f.list();
            List<String> routes = new ArrayList<>(items.size());
            Set<String> seen = new HashSet<>();
            for (Object item : items) {
                if (!(item instanceof String url)) {
                    throw f.error("expected an array of route URLs, found " + ConfigField.describe(item, false));
                }
                try {
                    new URI(url);
                } catch (URISyntaxException e) {
                    throw f.error("invalid route URL \"" + url + "\": " + e.getReason());
                }
                if (!seen.add(url)) {
                    warnings.add(new Warning(f.at(), "duplicate route entry " + url));
                    continue;
                }
                routes.add(url);
            }
            return routes;
        }
    }

    // Blocks are read entry by entry through a callback, so their values collect in small drafts.

    private static final class JetStreamDraft {
        boolean enabled = true;
    }

    private static final class AuthorizationDraft {
        String user;
        String password;
        String token;
        boolean users;
    }

    private static final class ClusterDraft {
        String host = ServerOptions.DEFAULT_HOST;
        Integer port;
    }

    private static final class TlsDraft {
        Path certFile;
        Path keyFile;
        Path caFile;
        boolean verify;
        boolean verifyAndMap;
        Duration timeout = DEFAULT_TLS_TIMEOUT;
        boolean handshakeFirst;
        List<String> ciphers = List.of();
        List<String> curves = List.of();
        Set<String> pinnedCerts;
        String minVersion;
    }
}
