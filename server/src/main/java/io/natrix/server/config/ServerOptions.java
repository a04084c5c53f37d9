package io.natrix.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every setting of the server, validated once into an immutable value.
 *
 * <p>Each option sits next to its default and the configuration key / command-line flag that sets it, as
 * nats-server names them. Configuration files ({@link ConfigLoader}) and command-line flags both fill a
 * {@link Builder}; flags are applied after the file so they override it. {@link Builder#build()} validates.
 *
 * <p>Thread-safety: instances are immutable and may be shared freely. A reload produces a new instance.
 */
public record ServerOptions(
        /* host, -a/--addr, default 0.0.0.0 */ String host,
        /* port, -p/--port; -1 picks a random free port, 0 too */ int port,
        /* server_name, -n/--name; null means "use the server id" */ String serverName,
        /* max_payload, default 1 MB */ int maxPayload,
        /* max_control_line, default 4 KB */ int maxControlLine,
        /* max_connections, default 64K */ int maxConnections,
        /* max_subscriptions per connection, 0 = unlimited */ int maxSubscriptions,
        /* max_pending bytes per connection, default 64 MB */ long maxPending,
        /* write_deadline, default 10 s */ Duration writeDeadline,
        /* authorization.timeout (auth_timeout), default 2 s */ Duration authTimeout,
        /* ping_interval, default 2 m */ Duration pingInterval,
        /* ping_max, default 2 */ int maxPingsOut,
        /* lame_duck_duration, default 2 m */ Duration lameDuckDuration,
        /* lame_duck_grace_period, default 10 s */ Duration lameDuckGracePeriod,
        /* http host (monitoring), -m/--http_port; port 0 = disabled, -1 = random */ String httpHost,
        int httpPort,
        /* https_port; 0 = disabled */ int httpsPort,
        /* pid_file, -P/--pid */ Path pidFile,
        /* ports_file_dir, --ports_file_dir */ Path portsFileDir,
        /* log_file, -l/--log */ Path logFile,
        /* logfile_size_limit; 0 = no rotation */ long logFileSizeLimit,
        /* logfile_max_num; 0 = keep all */ int logFileMaxNum,
        /* logtime, -T; default true */ boolean logTime,
        /* debug, -D */ boolean debug,
        /* trace, -V */ boolean trace,
        /* trace_verbose, -VV */ boolean traceVerbose,
        /* syslog, -s */ boolean syslog,
        /* max_traced_msg_len; 0 = unlimited */ int maxTracedMsgLen,
        /* jetstream, -js */ boolean jetstream,
        /* jetstream.store_dir, -sd/--store_dir; default ./data */ Path storeDir,
        /* authorization.user / --user */ String user,
        /* authorization.password / --pass */ String password,
        /* authorization.token / --auth */ String authToken,
        /* no_auth_user */ String noAuthUser,
        /* tls block and --tls* flags; null = no TLS */ TlsOptions tls,
        /* cluster.name, --cluster_name; accepted, clustering comes later */ String clusterName,
        /* cluster.listen, --cluster */ String clusterListen,
        /* cluster.routes, --routes */ List<String> routes,
        /* no_header_support */ boolean noHeaderSupport,
        /* disable_sublist_cache */ boolean disableSublistCache,
        /* the configuration file this came from, -c/--config; null when none */ Path configFile,
        /* the raw parsed configuration, kept for sections later issues read (accounts, jetstream, ...) */
        Map<String, Object> rawConfig) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 4222;
    public static final int RANDOM_PORT = -1;
    public static final int DEFAULT_HTTP_PORT = 8222;
    public static final int DEFAULT_MAX_PAYLOAD = 1024 * 1024;
    /** nats-server refuses a max_payload above 64 MB (MAX_PAYLOAD_MAX_SIZE). */
    public static final int MAX_PAYLOAD_LIMIT = 64 * 1024 * 1024;
    public static final int DEFAULT_MAX_CONTROL_LINE = 4096;
    public static final int DEFAULT_MAX_CONNECTIONS = 64 * 1024;
    public static final long DEFAULT_MAX_PENDING = 64L * 1024 * 1024;
    public static final Duration DEFAULT_WRITE_DEADLINE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofMinutes(2);
    public static final int DEFAULT_MAX_PINGS_OUT = 2;
    public static final Duration DEFAULT_LAME_DUCK_DURATION = Duration.ofMinutes(2);
    public static final Duration DEFAULT_LAME_DUCK_GRACE_PERIOD = Duration.ofSeconds(10);
    public static final Path DEFAULT_STORE_DIR = Path.of("data");

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        routes = routes == null ? List.of() : List.copyOf(routes);
        rawConfig = rawConfig == null ? Map.of() : rawConfig;
    }

    /** Options with every default, as a server started with no flags and no file has. */
    public static ServerOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these options (used to apply flags over a file, and by tests). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host; b.port = port; b.serverName = serverName; b.maxPayload = maxPayload;
        b.maxControlLine = maxControlLine; b.maxConnections = maxConnections; b.maxSubscriptions = maxSubscriptions;
        b.maxPending = maxPending; b.writeDeadline = writeDeadline; b.authTimeout = authTimeout;
        b.pingInterval = pingInterval; b.maxPingsOut = maxPingsOut; b.lameDuckDuration = lameDuckDuration;
        b.lameDuckGracePeriod = lameDuckGracePeriod; b.httpHost = httpHost; b.httpPort = httpPort;
        b.httpsPort = httpsPort; b.pidFile = pidFile; b.portsFileDir = portsFileDir; b.logFile = logFile;
        b.logFileSizeLimit = logFileSizeLimit; b.logFileMaxNum = logFileMaxNum; b.logTime = logTime;
        b.debug = debug; b.trace = trace; b.traceVerbose = traceVerbose; b.syslog = syslog;
        b.maxTracedMsgLen = maxTracedMsgLen; b.jetstream = jetstream; b.storeDir = storeDir; b.user = user;
        b.password = password; b.authToken = authToken; b.noAuthUser = noAuthUser; b.tls = tls;
        b.clusterName = clusterName; b.clusterListen = clusterListen; b.routes = routes;
        b.noHeaderSupport = noHeaderSupport; b.disableSublistCache = disableSublistCache;
        b.configFile = configFile; b.rawConfig = rawConfig;
        return b;
    }

    /**
     * TLS settings for the client port.
     *
     * @param pinnedCerts {@code tls.pinned_certs}: lower-case hex SHA-256 digests of the DER SubjectPublicKeyInfo
     *                    of the client certificates allowed to connect; null when not set (every client allowed)
     * @param minVersion  {@code tls.min_version}: {@code "1.2"} or {@code "1.3"}; null for the default, 1.2
     */
    public record TlsOptions(Path certFile, Path keyFile, Path caFile, boolean verify, boolean verifyAndMap,
                             Duration timeout, boolean handshakeFirst, List<String> ciphers,
                             List<String> curvePreferences, Set<String> pinnedCerts, String minVersion) {
        public TlsOptions {
            ciphers = ciphers == null ? List.of() : List.copyOf(ciphers);
            curvePreferences = curvePreferences == null ? List.of() : List.copyOf(curvePreferences);
            pinnedCerts = pinnedCerts == null ? null : Set.copyOf(pinnedCerts);
        }

        /** Settings without pinned certificates or a minimum version (the --tls* flags alone). */
        public TlsOptions(Path certFile, Path keyFile, Path caFile, boolean verify, boolean verifyAndMap,
                          Duration timeout, boolean handshakeFirst, List<String> ciphers,
                          List<String> curvePreferences) {
            this(certFile, keyFile, caFile, verify, verifyAndMap, timeout, handshakeFirst, ciphers, curvePreferences,
                    null, null);
        }

        /** The same settings with another set of pinned certificates (what a reload may change in place). */
        public TlsOptions withPinnedCerts(Set<String> pins) {
            return new TlsOptions(certFile, keyFile, caFile, verify, verifyAndMap, timeout, handshakeFirst, ciphers,
                    curvePreferences, pins, minVersion);
        }
    }

    /** Mutable collector of options; public fields keep the config and flag mappers short. */
    public static final class Builder {
        public String host = DEFAULT_HOST;
        public int port = DEFAULT_PORT;
        public String serverName;
        public int maxPayload = DEFAULT_MAX_PAYLOAD;
        public int maxControlLine = DEFAULT_MAX_CONTROL_LINE;
        public int maxConnections = DEFAULT_MAX_CONNECTIONS;
        public int maxSubscriptions;
        public long maxPending = DEFAULT_MAX_PENDING;
        public Duration writeDeadline = DEFAULT_WRITE_DEADLINE;
        /** null: nats-server's default, 2 s, or the TLS handshake timeout plus 1 s when TLS is on. */
        public Duration authTimeout;
        public Duration pingInterval = DEFAULT_PING_INTERVAL;
        public int maxPingsOut = DEFAULT_MAX_PINGS_OUT;
        public Duration lameDuckDuration = DEFAULT_LAME_DUCK_DURATION;
        public Duration lameDuckGracePeriod = DEFAULT_LAME_DUCK_GRACE_PERIOD;
        public String httpHost = DEFAULT_HOST;
        public int httpPort;
        public int httpsPort;
        public Path pidFile;
        public Path portsFileDir;
        public Path logFile;
        public long logFileSizeLimit;
        public int logFileMaxNum;
        public boolean logTime = true;
        public boolean debug;
        public boolean trace;
        public boolean traceVerbose;
        public boolean syslog;
        public int maxTracedMsgLen;
        public boolean jetstream;
        public Path storeDir = DEFAULT_STORE_DIR;
        public String user;
        public String password;
        public String authToken;
        public String noAuthUser;
        public TlsOptions tls;
        public String clusterName;
        public String clusterListen;
        public List<String> routes = List.of();
        public boolean noHeaderSupport;
        public boolean disableSublistCache;
        public Path configFile;
        public Map<String, Object> rawConfig = Map.of();

        private Builder() {
        }

        /**
         * Validates and freezes the options.
         *
         * @throws IllegalArgumentException naming the option when a value is out of range
         */
        public ServerOptions build() {
            check(port >= -1 && port <= 65535, "port must be between -1 and 65535, got " + port);
            check(httpPort >= -1 && httpPort <= 65535, "http_port must be between -1 and 65535, got " + httpPort);
            check(httpsPort >= -1 && httpsPort <= 65535, "https_port must be between -1 and 65535, got " + httpsPort);
            check(maxPayload > 0, "max_payload must be positive, got " + maxPayload);
            check(maxPayload <= MAX_PAYLOAD_LIMIT, "max_payload can not exceed 64MB, got " + maxPayload);
            check(maxPending >= maxPayload, "max_payload (" + maxPayload + ") can not be higher than max_pending ("
                    + maxPending + ")");
            check(maxControlLine > 0, "max_control_line must be positive, got " + maxControlLine);
            check(maxConnections >= 0, "max_connections can not be negative");
            check(maxSubscriptions >= 0, "max_subscriptions can not be negative");
            check(maxPingsOut > 0, "ping_max must be positive");
            check(positive(writeDeadline), "write_deadline must be positive");
            if (authTimeout == null) {
                authTimeout = tls == null ? DEFAULT_AUTH_TIMEOUT
                        : (tls.timeout() == null ? DEFAULT_AUTH_TIMEOUT : tls.timeout()).plusSeconds(1);
            }
            check(positive(authTimeout), "auth_timeout must be positive");
            check(positive(pingInterval), "ping_interval must be positive");
            check(lameDuckDuration != null && !lameDuckDuration.isNegative(), "lame_duck_duration can not be negative");
            check(lameDuckGracePeriod != null && !lameDuckGracePeriod.isNegative(),
                    "lame_duck_grace_period can not be negative");
            check(authToken == null || user == null, "can not have a token and a user/password at the same time");
            return new ServerOptions(host, port, serverName, maxPayload, maxControlLine, maxConnections,
                    maxSubscriptions, maxPending, writeDeadline, authTimeout, pingInterval, maxPingsOut,
                    lameDuckDuration, lameDuckGracePeriod, httpHost, httpPort, httpsPort, pidFile, portsFileDir,
                    logFile, logFileSizeLimit, logFileMaxNum, logTime, debug, trace, traceVerbose, syslog,
                    maxTracedMsgLen, jetstream, storeDir, user, password, authToken, noAuthUser, tls, clusterName,
                    clusterListen, routes, noHeaderSupport, disableSublistCache, configFile, rawConfig);
        }

        private static boolean positive(Duration d) {
            return d != null && !d.isNegative() && !d.isZero();
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
