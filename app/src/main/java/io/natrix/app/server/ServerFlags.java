package io.natrix.app.server;

import io.natrix.app.server.GoFlagSet.FlagException;
import io.natrix.app.server.GoFlagSet.Kind;
import io.natrix.server.account.AccountConfigs;
import io.natrix.server.auth.AuthCallout;
import io.natrix.server.auth.OperatorConfig;
import io.natrix.server.auth.UserConfigs;
import io.natrix.server.config.ConfigException;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.config.ServerOptions;
import io.natrix.server.config.ServerOptions.TlsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The flags of {@code natrix server}: nats-server's command line, mapped onto {@link ServerOptions}.
 *
 * <p>Every flag answers to its Go names with one or two dashes ({@code -js}, {@code --jetstream},
 * {@code -port}, {@code --p}), as Go's flag package allows ({@link GoFlagSet}). A flag left out is null here and
 * leaves the configuration file's value alone; flags are applied after the file, so a flag given overrides it.
 * Booleans take Go's syntax ({@code -T=false}).
 *
 * <p>Flags for features Natrix does not have yet (clustering, syslog, profiling, client advertise) are accepted
 * so that existing command lines keep working; {@link #warnings()} names them so the server can say so.
 *
 * <p>Thread-safety: filled by {@link #parse} on one thread, then only read.
 */
public final class ServerFlags {

    /** nats-server's default TLS handshake timeout, used when the flags turn TLS on without a file. */
    static final Duration DEFAULT_TLS_TIMEOUT = Duration.ofSeconds(2);

    /** Every flag, by its canonical name first, then its other names, as nats-server defines them. */
    static final GoFlagSet FLAGS = new GoFlagSet()
            // Server options.
            .define(Kind.STRING, "addr", "a", "net")
            .define(Kind.INT, "port", "p")
            .define(Kind.STRING, "server_name", "n", "name")
            .define(Kind.PATH, "pid", "P")
            .define(Kind.INT, "http_port", "m")
            .define(Kind.INT, "https_port", "ms")
            .define(Kind.PATH, "config", "c")
            .define(Kind.BOOL, "t")
            .define(Kind.STRING, "signal", "sl")
            .define(Kind.STRING, "client_advertise")
            .define(Kind.PATH, "ports_file_dir")
            // Logging options.
            .define(Kind.PATH, "log", "l")
            .define(Kind.BOOL, "logtime", "T")
            .define(Kind.BOOL, "syslog", "s")
            .define(Kind.STRING, "remote_syslog", "r")
            .define(Kind.BOOL, "debug", "D")
            .define(Kind.BOOL, "trace", "V")
            .define(Kind.BOOL, "VV")
            .define(Kind.BOOL, "DV")
            .define(Kind.BOOL, "DVV")
            .define(Kind.LONG, "log_size_limit")
            .define(Kind.INT, "max_traced_msg_len")
            // JetStream options.
            .define(Kind.BOOL, "jetstream", "js")
            .define(Kind.PATH, "store_dir", "sd")
            // Authorization options.
            .define(Kind.STRING, "user")
            .define(Kind.STRING, "pass")
            .define(Kind.STRING, "auth")
            // TLS options.
            .define(Kind.BOOL, "tls")
            .define(Kind.PATH, "tlscert")
            .define(Kind.PATH, "tlskey")
            .define(Kind.BOOL, "tlsverify")
            .define(Kind.PATH, "tlscacert")
            // Cluster options: accepted, not yet acted on.
            .define(Kind.STRING, "routes")
            .define(Kind.STRING, "cluster")
            .define(Kind.STRING, "cluster_name")
            .define(Kind.STRING, "cluster_listen")
            .define(Kind.BOOL, "no_advertise")
            .define(Kind.STRING, "cluster_advertise")
            .define(Kind.INT, "connect_retries")
            // Profiling and common options.
            .define(Kind.INT, "profile")
            .define(Kind.BOOL, "help", "h")
            .define(Kind.BOOL, "version", "v")
            .define(Kind.BOOL, "help_tls")
            // Hidden: the launcher's training run for the JVM's start-up cache (see AotTraining).
            .define(Kind.BOOL, "aot_training");

    // Server options.
    String host;
    Integer port;
    String serverName;
    Path pidFile;
    Integer httpPort;
    Integer httpsPort;
    Path configFile;
    Boolean testConfig;
    String signal;
    String clientAdvertise;
    Path portsFileDir;

    // Logging options.
    Path logFile;
    Boolean logTime;
    Boolean syslog;
    String remoteSyslog;
    Boolean debug;
    Boolean trace;
    Boolean traceVerbose;
    Boolean debugAndTrace;
    Boolean debugAndTraceVerbose;
    Long logSizeLimit;
    Integer maxTracedMsgLen;

    // JetStream options.
    Boolean jetstream;
    Path storeDir;

    // Authorization options.
    String user;
    String password;
    String authToken;

    // TLS options.
    Boolean tls;
    Path tlsCert;
    Path tlsKey;
    Boolean tlsVerify;
    Path tlsCaCert;

    // Cluster options.
    String routes;
    String cluster;
    String clusterName;
    String clusterListen;
    Boolean noAdvertise;
    String clusterAdvertise;
    Integer connectRetries;

    // Profiling and common options.
    Integer profilePort;
    Boolean help;
    Boolean version;
    Boolean helpTls;
    boolean aotTraining;

    private ServerFlags() {
    }

    /**
     * Reads a command line (the arguments after {@code server}).
     *
     * @throws FlagException for an unknown flag, a missing or malformed value, or a stray argument
     */
    public static ServerFlags parse(List<String> args) throws FlagException {
        Map<String, Object> given = FLAGS.parse(args);
        ServerFlags f = new ServerFlags();
        f.host = (String) given.get("addr");
        f.port = (Integer) given.get("port");
        f.serverName = (String) given.get("server_name");
        f.pidFile = (Path) given.get("pid");
        f.httpPort = (Integer) given.get("http_port");
        f.httpsPort = (Integer) given.get("https_port");
        f.configFile = (Path) given.get("config");
        f.testConfig = (Boolean) given.get("t");
        f.signal = (String) given.get("signal");
        f.clientAdvertise = (String) given.get("client_advertise");
        f.portsFileDir = (Path) given.get("ports_file_dir");
        f.logFile = (Path) given.get("log");
        f.logTime = (Boolean) given.get("logtime");
        f.syslog = (Boolean) given.get("syslog");
        f.remoteSyslog = (String) given.get("remote_syslog");
        f.debug = (Boolean) given.get("debug");
        f.trace = (Boolean) given.get("trace");
        f.traceVerbose = (Boolean) given.get("VV");
        f.debugAndTrace = (Boolean) given.get("DV");
        f.debugAndTraceVerbose = (Boolean) given.get("DVV");
        f.logSizeLimit = (Long) given.get("log_size_limit");
        f.maxTracedMsgLen = (Integer) given.get("max_traced_msg_len");
        f.jetstream = (Boolean) given.get("jetstream");
        f.storeDir = (Path) given.get("store_dir");
        f.user = (String) given.get("user");
        f.password = (String) given.get("pass");
        f.authToken = (String) given.get("auth");
        f.tls = (Boolean) given.get("tls");
        f.tlsCert = (Path) given.get("tlscert");
        f.tlsKey = (Path) given.get("tlskey");
        f.tlsVerify = (Boolean) given.get("tlsverify");
        f.tlsCaCert = (Path) given.get("tlscacert");
        f.routes = (String) given.get("routes");
        f.cluster = (String) given.get("cluster");
        f.clusterName = (String) given.get("cluster_name");
        f.clusterListen = (String) given.get("cluster_listen");
        f.noAdvertise = (Boolean) given.get("no_advertise");
        f.clusterAdvertise = (String) given.get("cluster_advertise");
        f.connectRetries = (Integer) given.get("connect_retries");
        f.profilePort = (Integer) given.get("profile");
        f.help = (Boolean) given.get("help");
        f.version = (Boolean) given.get("version");
        f.helpTls = (Boolean) given.get("help_tls");
        f.aotTraining = isTrue((Boolean) given.get("aot_training"));
        return f;
    }

    /**
     * What a command line resolves to: the validated options, and the configuration file's warnings (unknown
     * keys, ...) for the server to log once its log is set up.
     */
    public record Resolved(ServerOptions options, List<String> fileWarnings) {
    }

    /**
     * The options the server runs with: the -c file if one was given, then every flag given over it, validated;
     * with the file's warnings.
     *
     * @throws ConfigException          when the file can not be read or parsed ({@code file:line:col: what})
     * @throws IllegalArgumentException when a value is out of range or flags contradict each other
     */
    public Resolved resolve() throws ConfigException {
        ServerOptions.Builder b = ServerOptions.builder();
        List<String> warnings = new ArrayList<>();
        if (configFile != null) {
            for (ConfigLoader.Warning warning : ConfigLoader.load(configFile, b)) {
                warnings.add(warning.toString());
            }
        }
        applyTo(b);
        ServerOptions options = b.build();
        // Users, passwords and permissions are part of the configuration: check them now, so that -t reports
        // them and a server never starts with a configuration it would refuse on the first CONNECT.
        UserConfigs.load(options);
        OperatorConfig operator = OperatorConfig.read(options);
        if (operator != null) {
            operator.warnings().forEach(w -> warnings.add(w.toString()));
        } else {
            AccountConfigs.read(options).warnings().forEach(w -> warnings.add(w.toString()));
            AuthCallout.read(options); // its settings are checked like the rest
        }
        return new Resolved(options, List.copyOf(warnings));
    }

    /** As {@link #resolve()}, without the warnings. */
    public ServerOptions options() throws ConfigException {
        return resolve().options();
    }

    /** Writes every flag that was given onto the builder; flags not given leave its values alone. */
    void applyTo(ServerOptions.Builder b) {
        if (host != null) b.host = host;
        if (port != null) b.port = port;
        if (serverName != null) b.serverName = serverName;
        if (pidFile != null) b.pidFile = pidFile;
        if (httpPort != null) b.httpPort = httpPort;
        if (httpsPort != null) b.httpsPort = httpsPort;
        if (portsFileDir != null) b.portsFileDir = portsFileDir;

        if (logFile != null) b.logFile = logFile;
        if (logTime != null) b.logTime = logTime;
        if (syslog != null) b.syslog = syslog;
        if (debug != null) b.debug = debug;
        if (trace != null) b.trace = trace;
        if (isTrue(traceVerbose)) {
            b.trace = true;
            b.traceVerbose = true;
        }
        if (isTrue(debugAndTrace)) {
            b.debug = true;
            b.trace = true;
        }
        if (isTrue(debugAndTraceVerbose)) {
            b.debug = true;
            b.trace = true;
            b.traceVerbose = true;
        }
        if (logSizeLimit != null) b.logFileSizeLimit = logSizeLimit;
        if (maxTracedMsgLen != null) b.maxTracedMsgLen = maxTracedMsgLen;

        if (jetstream != null) b.jetstream = jetstream;
        if (storeDir != null) b.storeDir = storeDir;

        if (user != null) b.user = user;
        if (password != null) b.password = password;
        if (authToken != null) b.authToken = authToken;

        applyTls(b);

        if (routes != null) b.routes = splitUrls(routes);
        if (cluster != null) b.clusterListen = cluster;
        if (clusterListen != null) b.clusterListen = clusterListen;
        if (clusterName != null) b.clusterName = clusterName;
    }

    /**
     * TLS as nats-server's flags set it: {@code --tls} or {@code --tlsverify} turn it on and then need a
     * certificate and key (from the flags or the file's tls block); {@code --tls=false} without
     * {@code --tlsverify} turns it off; the file flags alone adjust a tls block the file already has.
     */
    private void applyTls(ServerOptions.Builder b) {
        TlsOptions base = b.tls;
        boolean switchGiven = tls != null || tlsVerify != null;
        boolean filesGiven = tlsCert != null || tlsKey != null || tlsCaCert != null;
        if (switchGiven && !isTrue(tls) && !isTrue(tlsVerify)) {
            b.tls = null;
            return;
        }
        if (!switchGiven && base == null) {
            if (filesGiven) {
                throw new IllegalArgumentException("--tlscert, --tlskey and --tlscacert need --tls or --tlsverify");
            }
            return;
        }
        if (!switchGiven && !filesGiven) {
            return;
        }
        Path cert = tlsCert != null ? tlsCert : base == null ? null : base.certFile();
        Path key = tlsKey != null ? tlsKey : base == null ? null : base.keyFile();
        Path ca = tlsCaCert != null ? tlsCaCert : base == null ? null : base.caFile();
        if (cert == null) {
            throw new IllegalArgumentException("TLS needs a server certificate: give --tlscert <file>");
        }
        if (key == null) {
            throw new IllegalArgumentException("TLS needs the certificate's private key: give --tlskey <file>");
        }
        boolean verify = tlsVerify != null ? tlsVerify : base != null && base.verify();
        b.tls = new TlsOptions(cert, key, ca, verify,
                base != null && base.verifyAndMap(),
                base == null || base.timeout() == null ? DEFAULT_TLS_TIMEOUT : base.timeout(),
                base != null && base.handshakeFirst(),
                base == null ? List.of() : base.ciphers(),
                base == null ? List.of() : base.curvePreferences(),
                base == null ? null : base.pinnedCerts(),
                base == null ? null : base.minVersion());
    }

    /**
     * Sentences about flags that were accepted but change nothing yet, for the server to log as warnings.
     */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        if (isTrue(syslog)) {
            warnings.add("Logging to syslog is not supported (-s/--syslog); logging to "
                    + (logFile == null ? "standard error" : logFile) + " instead");
        }
        if (remoteSyslog != null) {
            warnings.add("Logging to a remote syslog is not supported (-r/--remote_syslog " + remoteSyslog
                    + "); logging to " + (logFile == null ? "standard error" : logFile) + " instead");
        }
        // The server itself warns about the cluster settings it has options for (--routes, --cluster,
        // --cluster_name, --cluster_listen); these three have no option to carry them.
        List<String> clusterFlags = new ArrayList<>();
        addIfGiven(clusterFlags, "--no_advertise", noAdvertise);
        addIfGiven(clusterFlags, "--cluster_advertise", clusterAdvertise);
        addIfGiven(clusterFlags, "--connect_retries", connectRetries);
        if (!clusterFlags.isEmpty()) {
            warnings.add("Clustering is not yet supported; ignoring " + String.join(", ", clusterFlags));
        }
        if (clientAdvertise != null) {
            warnings.add("--client_advertise is not yet supported; ignoring it");
        }
        if (profilePort != null) {
            warnings.add("The profiling port is not supported (--profile); use the JDK's tools (jcmd, JFR)");
        }
        return warnings;
    }

    private static void addIfGiven(List<String> names, String name, Object value) {
        if (value != null) {
            names.add(name);
        }
    }

    static List<String> splitUrls(String urls) {
        return Arrays.stream(urls.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    static boolean isTrue(Boolean value) {
        return Boolean.TRUE.equals(value);
    }
}
