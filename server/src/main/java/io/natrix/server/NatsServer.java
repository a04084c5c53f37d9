package io.natrix.server;

import io.natrix.server.account.Account;
import io.natrix.server.account.Accounts;
import io.natrix.server.auth.AuthCallout;
import io.natrix.server.auth.NKeyPair;
import io.natrix.server.auth.NKeyType;
import io.natrix.server.auth.UserConfigs;
import io.natrix.server.auth.XKeyPair;
import io.natrix.server.auth.ConfigAuthenticator;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.ClientHost;
import io.natrix.server.client.CloseReason;
import io.natrix.server.client.ConnectOptions;
import io.natrix.server.client.ServerStats;
import io.natrix.server.config.ServerOptions;
import io.natrix.server.imports.AccountLinks;
import io.natrix.server.jetstream.JetStream;
import io.natrix.server.jetstream.JetStreamConfig;
import io.natrix.server.jetstream.JsAccountLimits;
import io.natrix.server.account.AccountConfigs;
import io.natrix.server.auth.OperatorConfig;
import io.natrix.server.config.ConfigLoader;
import io.natrix.server.system.SystemAccountServices;
import io.natrix.server.system.SystemHost;
import io.natrix.server.system.SystemServices;
import java.util.Map;
import io.natrix.server.monitor.ClosedConnections;
import io.natrix.server.monitor.MonitorServer;
import io.natrix.server.monitor.Monitoring;
import io.natrix.server.transport.CertificatePins;
import io.natrix.server.transport.ClientListener;
import io.natrix.server.transport.EarlyListener;
import io.natrix.server.transport.TlsSupport;
import io.natrix.server.transport.Transport;
import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Natrix server: the client listener, the accounts, the connections and their lifecycle (start, reload, lame
 * duck, shutdown).
 *
 * <p>Who may call what: {@link #start()} once, then any thread may call {@link #reload}, {@link
 * #enterLameDuckMode()} and {@link #shutdown()} (each is idempotent). Connections call the {@link ClientHost}
 * methods from their event loops.
 */
public final class NatsServer implements ClientHost, SystemHost, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NatsServer.class);

    private volatile ServerOptions options;
    private volatile ConfigAuthenticator authenticator;
    /** JWT operator mode, or null when users come from the configuration. */
    private final OperatorMode operatorMode;
    private final ConfiguredAccounts configuredAccounts = new ConfiguredAccounts();
    private final SystemServices system;
    private final SystemAccountServices systemAccount;
    private final NKeyPair serverKey;
    private final XKeyPair serverXKey;
    /** Auth callout in configuration mode, or null. */
    private final CalloutAuthentication callout;
    /** Re-reads the configuration for a {@code $SYS.REQ.SERVER.<id>.RELOAD} request (the launcher's, with flags). */
    private volatile Runnable reloader;
    private volatile Monitoring monitoring;
    private volatile JetStream jetStream;
    private final String serverId;
    private final Accounts accounts;
    private final AccountLinks links = new AccountLinks(this::serverName);
    private final ServerStats stats = new ServerStats();
    private final ClosedConnections closedConnections;
    private final ConcurrentHashMap<Long, ClientConnection> clients = new ConcurrentHashMap<>();
    private final AtomicLong nextCid = new AtomicLong();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object lifecycle = new Object();

    private final EarlyListener early;
    private Transport transport;
    private ClientListener clientListener;
    /** TLS of the client port, null without; a reload may change its pinned certificates. */
    private volatile TlsSupport tlsSupport;
    private InetSocketAddress clientAddress;
    private MonitorServer monitorServer;
    private InetSocketAddress monitorAddress;
    private PortsFile portsFile;
    private volatile Instant startTime;
    private volatile boolean lameDuck;
    private volatile boolean shuttingDown;
    private volatile ServerInfo info;

    public NatsServer(ServerOptions options) {
        this(options, null);
    }

    /**
     * A server that will serve clients on {@code early}, a client port the launcher bound before anything else
     * loaded (null to bind in {@link #start()}).
     */
    public NatsServer(ServerOptions options, EarlyListener early) {
        this.options = Objects.requireNonNull(options, "options");
        this.early = early;
        this.authenticator = new ConfigAuthenticator(options);
        this.closedConnections = ClosedConnections.of(options);
        // The server's identity is a key pair, as in nats-server: it signs auth callout requests.
        this.serverKey = NKeyPair.create(NKeyType.SERVER);
        this.serverXKey = XKeyPair.create();
        this.serverId = serverKey.publicKey();
        OperatorConfig operator = OperatorConfig.read(options);
        if (operator != null) {
            this.accounts = new Accounts(!options.disableSublistCache(), operator.systemAccount());
            this.operatorMode = new OperatorMode(operator, accounts, links, this::connections);
            this.system = newSystemServices();
            this.callout = null;
        } else {
            AccountConfigs configs = AccountConfigs.read(options);
            this.accounts = new Accounts(!options.disableSublistCache(), configs.systemAccount());
            this.operatorMode = null;
            configuredAccounts.apply(configs, accounts, links);
            this.system = newSystemServices();
            List<String> names = new ArrayList<>();
            configs.accounts().forEach(a -> names.add(a.name()));
            names.add(Account.GLOBAL);
            List<String> users = new ArrayList<>();
            UserConfigs.load(options).users().forEach(u -> users.add(u.identity()));
            this.callout = AuthCallout.read(options).map(c -> CalloutAuthentication.configured(c, accounts, names,
                    users, calloutIdentity(options), system)).orElse(null);
        }
        if (operatorMode != null) {
            operatorMode.register(system, accounts.system());
            operatorMode.enableCallouts(calloutIdentity(options), system);
        }
        this.systemAccount = new SystemAccountServices(system, this, serverId);
    }

    /** Actions waiting for the end of start-up ({@link #whenReady}); guarded by itself, as is {@link #ready}. */
    private final List<Runnable> readyActions = new ArrayList<>();
    private volatile boolean ready;

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public void whenReady(Runnable action) {
        synchronized (readyActions) {
            if (!ready) {
                readyActions.add(action);
                return;
            }
        }
        action.run();
    }

    /** The server as auth callout requests describe it. */
    private AuthCallout.ServerIdentity calloutIdentity(ServerOptions o) {
        return new AuthCallout.ServerIdentity(serverName(), hostForLog(o.host()), Version.NATS_SERVER, "", List.of(),
                serverKey, serverXKey);
    }

    private SystemServices newSystemServices() {
        return new SystemServices(() -> new SystemServices.Identity(serverName(), hostForLog(this.options.host()),
                serverId, Version.NATS_SERVER, this.options.jetstream()));
    }

    /** Binds the listeners and starts serving; returns once clients can connect. */
    public void start() throws IOException {
        synchronized (lifecycle) {
            if (startTime != null) {
                throw new IllegalStateException("server already started");
            }
            ServerOptions o = options;
            transport = new Transport(Transport.defaultThreads());
            try {
                TlsSupport tls = o.tls() == null ? null : TlsSupport.create(o.tls());
                clientListener = new ClientListener(transport, tls);
                tlsSupport = tls;
                // Bind before anything else that can wait: harnesses give a spawned server ~400 ms to accept.
                Supplier<ChannelHandler> handlers = () -> new ClientConnection(this, nextCid.incrementAndGet());
                clientAddress = early != null ? clientListener.adopt(early, o.host(), o.port(), handlers)
                        : clientListener.bind(o.host(), o.port(), handlers);
            } catch (IOException e) {
                transport.shutdown();
                throw e;
            }
            startTime = Instant.now();
            info = ServerInfo.create(this, o, clientAddress.getPort());
            LOG.info("Starting natrix-server");
            LOG.info("  Version:  {} (nats-server {} protocol)", Version.NATRIX, Version.NATS_SERVER);
            LOG.info("  Name:     {}", serverName());
            LOG.info("  ID:       {}", serverId);
            if (o.configFile() != null) {
                LOG.info("Using configuration file: {}", o.configFile());
            }
            if (o.jetstream()) {
                startJetStream(o);
            }
            if (o.clusterName() != null || o.clusterListen() != null || !o.routes().isEmpty()) {
                LOG.warn("Clustering is not supported yet; cluster settings are accepted and ignored");
            }
            if (o.httpsPort() != 0) {
                LOG.warn("HTTPS monitoring needs TLS, which is not available yet; https_port is ignored");
            }
            if (o.httpPort() != 0) {
                startMonitoring(o);
            }
            systemAccount.start();
            LOG.info("Listening for client connections on {}:{}", hostForLog(o.host()), clientAddress.getPort());
            if (o.tls() != null) {
                LOG.info("TLS required for client connections");
                if (o.tls().handshakeFirst()) {
                    LOG.warn("Clients that are not using \"TLS Handshake First\" option will fail to connect");
                }
            }
            if (o.portsFileDir() != null) {
                portsFile = PortsFile.write(o.portsFileDir(), clientUrls(), monitorUrls());
            }
            LOG.info("Server is ready");
            List<Runnable> waiting;
            synchronized (readyActions) {
                ready = true;
                waiting = new ArrayList<>(readyActions);
                readyActions.clear();
            }
            waiting.forEach(Runnable::run);
        }
    }

    /**
     * Starts JetStream: with no accounts configured the global account has it (as in nats-server); otherwise the
     * accounts whose {@code jetstream} says {@code enabled} (or gives limits) have it, and the API of the others
     * answers "JetStream not enabled for account".
     */
    private void startJetStream(ServerOptions o) {
        JetStreamConfig config = JetStreamConfig.of(o);
        LOG.info("Starting JetStream");
        LOG.info("  Storage:  {}", config.storeDir().toAbsolutePath());
        LOG.info("  Max Memory: {} bytes, Max Storage: {} bytes", config.maxMemory(), config.maxFile());
        jetStream = new JetStream(config, serverName());
        if (operatorMode != null) {
            operatorMode.jetStream(jetStream); // accounts whose JWTs grant JetStream
            return;
        }
        Object configured = o.rawConfig().get("accounts");
        // The system account never has JetStream; its users' API requests are answered 10039, as nats-server does.
        if (accounts.system() != null && accounts.system() != accounts.global()) {
            jetStream.refuse(accounts.system());
        }
        if (!(configured instanceof Map<?, ?> accountsBlock) || accountsBlock.isEmpty()) {
            jetStream.enable(accounts.global(), JsAccountLimits.UNLIMITED);
            return;
        }
        jetStream.refuse(accounts.global());
        for (Map.Entry<?, ?> e : accountsBlock.entrySet()) {
            Account account = accounts.getOrCreate(String.valueOf(e.getKey()));
            if (account == accounts.system()) {
                continue;
            }
            Object js = e.getValue() instanceof Map<?, ?> m ? m.get("jetstream") : null;
            boolean enabled = js instanceof Map<?, ?> || Boolean.TRUE.equals(js)
                    || (js instanceof String text && text.equalsIgnoreCase("enabled"));
            if (enabled) {
                jetStream.enable(account, JetStreamConfig.accountLimits(js));
            } else {
                jetStream.refuse(account);
            }
        }
    }

    /** JetStream, or null when it is off. */
    public JetStream jetStream() {
        return jetStream;
    }

    private void startMonitoring(ServerOptions o) throws IOException {
        monitorServer = new MonitorServer(transport);
        monitoring().register(monitorServer);
        try {
            monitorAddress = monitorServer.bind(o.httpHost(), o.httpPort());
        } catch (IOException e) {
            clientListener.close();
            transport.shutdown();
            throw e;
        }
        LOG.info("Starting http monitor on {}:{}", hostForLog(o.httpHost()), monitorAddress.getPort());
    }

    /** Stops accepting, closes every connection and releases the threads. Idempotent; any thread. */
    public void shutdown() {
        synchronized (lifecycle) {
            if (shuttingDown || startTime == null) {
                if (startTime == null) {
                    stopped.countDown();
                }
                return;
            }
            shuttingDown = true;
        }
        LOG.info("Initiating Shutdown...");
        systemAccount.shutdown();
        clientListener.close();
        if (monitorServer != null) {
            monitorServer.close();
        }
        for (ClientConnection client : clients.values()) {
            client.close(CloseReason.SERVER_SHUTDOWN);
        }
        system.close();
        if (jetStream != null) {
            jetStream.close();
        }
        transport.shutdown();
        if (portsFile != null) {
            portsFile.delete();
        }
        LOG.info("Server Exiting..");
        stopped.countDown();
    }

    @Override
    public void close() {
        shutdown();
        try {
            transport.group().terminationFuture().await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Blocks until {@link #shutdown()} has run. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /**
     * Lame duck mode: stop accepting, tell clients (INFO with {@code ldm}), wait the grace period, then close the
     * clients spread over the rest of lame_duck_duration, then shut down. Returns at once.
     */
    public void enterLameDuckMode() {
        synchronized (lifecycle) {
            if (lameDuck || shuttingDown || startTime == null) {
                return;
            }
            lameDuck = true;
        }
        ServerOptions o = options;
        LOG.info("Entering lame duck mode, stop accepting new clients");
        systemAccount.lameDuck();
        clientListener.close();
        info = info.withLameDuck();
        for (ClientConnection client : clients.values()) {
            client.send(infoLine(client));
        }
        long grace = o.lameDuckGracePeriod().toNanos();
        long spread = Math.max(0, o.lameDuckDuration().toNanos() - grace);
        transport.group().schedule(() -> closeGradually(spread), grace, TimeUnit.NANOSECONDS);
    }

    private void closeGradually(long spreadNanos) {
        List<ClientConnection> remaining = new ArrayList<>(clients.values());
        if (remaining.isEmpty() || spreadNanos == 0) {
            remaining.forEach(c -> c.close(CloseReason.LAME_DUCK));
            shutdown();
            return;
        }
        long step = spreadNanos / remaining.size();
        LOG.info("Closing existing clients");
        for (int i = 0; i < remaining.size(); i++) {
            ClientConnection c = remaining.get(i);
            transport.group().schedule(() -> c.close(CloseReason.LAME_DUCK), step * i, TimeUnit.NANOSECONDS);
        }
        transport.group().schedule(this::shutdown, spreadNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Applies a new configuration. Settings nats-server cannot reload (listen address, ports, store) must be
     * unchanged, otherwise nothing changes and the exception names the setting.
     */
    public void reload(ServerOptions next) {
        ServerOptions current = options;
        requireSame("host", current.host(), next.host());
        requireSame("port", current.port(), next.port());
        requireSame("http_port", current.httpPort(), next.httpPort());
        requireSame("https_port", current.httpsPort(), next.httpsPort());
        requireSame("jetstream.store_dir", current.storeDir(), next.storeDir());
        requireSame("server_name", current.serverName(), next.serverName());
        requireSame("ports_file_dir", current.portsFileDir(), next.portsFileDir());
        // Of the tls block only pinned_certs is applied on reload; any other change would silently not take effect.
        requireSame("tls", current.tls() == null ? null : current.tls().withPinnedCerts(null),
                next.tls() == null ? null : next.tls().withPinnedCerts(null));
        ConfigAuthenticator nextAuthenticator = new ConfigAuthenticator(next);
        AccountConfigs nextAccounts = operatorMode == null ? AccountConfigs.read(next) : null;
        if (operatorMode != null) {
            requireSame("operator", OperatorConfig.read(current).operatorJwts(),
                    OperatorConfig.read(next) == null ? null : OperatorConfig.read(next).operatorJwts());
        }
        options = next;
        authenticator = nextAuthenticator;
        if (nextAccounts != null) {
            synchronized (lifecycle) {
                configuredAccounts.apply(nextAccounts, accounts, links);
            }
        }
        info = ServerInfo.create(this, next, clientAddress.getPort());
        if (lameDuck) {
            info = info.withLameDuck();
        }
        // Like nats-server, connected clients get the new limits applied but no new INFO; new clients see it.
        for (ClientConnection client : clients.values()) {
            client.optionsChanged(null);
        }
        if (next.tls() != null && !Objects.equals(current.tls().pinnedCerts(), next.tls().pinnedCerts())) {
            repin(next.tls().pinnedCerts());
        }
        LOG.info("Reloaded server configuration");
    }

    /**
     * New pinned certificates: new handshakes are checked against them, and connected TLS clients they refuse are
     * closed as a failed handshake (nats-server's recheckPinnedCerts, which means to do this for clients too).
     */
    private void repin(Set<String> keyIds) {
        TlsSupport tls = tlsSupport;
        if (tls == null) {
            return;
        }
        tls.pinnedCerts(keyIds);
        LOG.info("Reloaded: {} pinned_certs", keyIds == null ? 0 : keyIds.size());
        CertificatePins pins = tls.pins();
        if (pins == null) {
            return;
        }
        List<ClientConnection> refused = new ArrayList<>();
        for (ClientConnection client : clients.values()) {
            if (client.tlsSession() != null && !pins.matches(client.peerCertificate())) {
                refused.add(client);
            }
        }
        if (!refused.isEmpty()) {
            LOG.info("Disconnect {} clients due to pinned certs reload", refused.size());
            refused.forEach(client -> client.close(CloseReason.TLS_HANDSHAKE_ERROR));
        }
    }

    private static void requireSame(String name, Object current, Object next) {
        if (!Objects.equals(current, next)) {
            throw new IllegalArgumentException("config reload not supported for " + name + ": old=" + current
                    + ", new=" + next);
        }
    }

    // ---------------------------------------------------------------- ClientHost

    @Override
    public ServerOptions options() {
        return options;
    }

    @Override
    public byte[] infoLine(ClientConnection client) {
        return info.line(client.cid(), client.remoteHost(), client.nonce());
    }

    @Override
    public boolean authRequired() {
        return operatorMode != null || authenticator.required();
    }

    @Override
    public boolean nonceRequired() {
        return operatorMode != null || authenticator.usesNonce();
    }

    @Override
    public CompletionStage<Authenticated> authenticate(ClientConnection client, ConnectOptions connect) {
        ConfigAuthenticator.Credentials credentials = new ConfigAuthenticator.Credentials(connect.authToken,
                connect.user, connect.pass, connect.nkey, connect.sig, connect.jwt, client.nonce(),
                options.tls() != null && options.tls().verifyAndMap() ? client.peerCertificate() : null);
        if (operatorMode != null) {
            return operatorMode.authenticate(client, connect, credentials, options.authTimeout());
        }
        ConfigAuthenticator.Identity who = authenticator.authenticate(credentials);
        if (callout != null) {
            String bound = who == null || who.account() == null ? Account.GLOBAL : who.account();
            if (callout.applies(connect, bound)) {
                return callout.authenticate(client, connect, options.authTimeout());
            }
        }
        return CompletableFuture.completedFuture(placed(who));
    }

    private Authenticated placed(ConfigAuthenticator.Identity who) {
        if (who == null) {
            return null;
        }
        Account account = who.account() == null ? accounts.global() : accounts.getOrCreate(who.account());
        return new Authenticated(account, who.permissions(), who.user());
    }

    @Override
    public boolean opened(ClientConnection client) {
        if (shuttingDown || lameDuck) {
            return false;
        }
        int max = options.maxConnections();
        if (max > 0 && clients.size() >= max) {
            return false;
        }
        clients.put(client.cid(), client);
        stats.totalConnections.incrementAndGet();
        return true;
    }

    @Override
    public void connected(ClientConnection client) {
        systemAccount.connected(client);
    }

    @Override
    public void authenticationFailed(ClientConnection client) {
        systemAccount.authenticationFailed(client);
    }

    @Override
    public void closed(ClientConnection client) {
        clients.remove(client.cid());
        closedConnections.record(client);
        if (client.connectOptions() != null) {
            systemAccount.disconnected(client);
        }
        if (operatorMode != null) {
            operatorMode.closed(client);
        }
    }

    @Override
    public ServerStats stats() {
        return stats;
    }

    @Override
    public Object eventServerInfo() {
        return system.serverInfo();
    }

    // ---------------------------------------------------------------- SystemHost

    @Override
    public boolean jetstream() {
        return options.jetstream();
    }

    @Override
    public Object monitorDocument(String name, Map<String, List<String>> query) {
        return monitoring().document(name, query);
    }

    @Override
    public Map<String, Object> accountStat(Account account) {
        return monitoring().accountStat(account);
    }

    /** The system account's events and requests (tests shorten their periods through it). */
    public SystemAccountServices systemAccount() {
        return systemAccount;
    }

    /** The monitoring documents, made on first use (HTTP port and system requests share them). */
    private Monitoring monitoring() {
        Monitoring m = monitoring;
        if (m == null) {
            synchronized (lifecycle) {
                if (monitoring == null) {
                    monitoring = new Monitoring(this);
                }
                m = monitoring;
            }
        }
        return m;
    }

    /** What {@code $SYS.REQ.SERVER.<id>.RELOAD} runs; the launcher sets its own (configuration file plus flags). */
    public void reloader(Runnable reloader) {
        this.reloader = reloader;
    }

    @Override
    public void reload() throws Exception {
        Runnable r = reloader;
        if (r != null) {
            r.run();
            return;
        }
        if (options.configFile() == null) {
            throw new IllegalStateException("no configuration file to reload");
        }
        reload(ConfigLoader.load(options.configFile()).build());
    }

    @Override
    public boolean kick(long cid) {
        ClientConnection c = clients.get(cid);
        if (c == null) {
            return false;
        }
        c.close(CloseReason.KICKED);
        return true;
    }

    @Override
    public boolean lameDuckClient(long cid) {
        ClientConnection c = clients.get(cid);
        if (c == null) {
            return false;
        }
        c.send(info.withLameDuck().line(c.cid(), c.remoteHost(), c.nonce()));
        return true;
    }

    // ---------------------------------------------------------------- accessors

    public String serverId() {
        return serverId;
    }

    public String serverName() {
        String name = options.serverName();
        return name == null || name.isEmpty() ? serverId : name;
    }

    /** The bound client port (useful with port -1). */
    public int port() {
        return clientAddress == null ? -1 : clientAddress.getPort();
    }

    /** The bound monitoring port, or 0 when monitoring is off. */
    public int httpPort() {
        return monitorAddress == null ? 0 : monitorAddress.getPort();
    }

    public String clientUrl() {
        String host = options.host();
        return "nats://" + (isWildcard(host) ? "127.0.0.1" : host) + ":" + port();
    }

    public Accounts accounts() {
        return accounts;
    }

    /** The imports wired between accounts. */
    public AccountLinks links() {
        return links;
    }

    public Collection<ClientConnection> connections() {
        return Collections.unmodifiableCollection(clients.values());
    }

    /** The connections that have closed, for monitoring. */
    public ClosedConnections closedConnections() {
        return closedConnections;
    }

    /** The JWT of an account in operator mode (by public key), or empty (not operator mode, or not found). */
    public java.util.Optional<String> accountJwt(String account) {
        return operatorMode == null ? java.util.Optional.empty() : operatorMode.accountJwt(account);
    }

    public Instant startTime() {
        return startTime;
    }

    public boolean isLameDuck() {
        return lameDuck;
    }

    public boolean isRunning() {
        return startTime != null && !shuttingDown;
    }

    private List<String> clientUrls() {
        List<String> urls = new ArrayList<>();
        String host = options.host();
        if (isWildcard(host)) {
            urls.addAll(PortsFile.interfaceUrls("nats", port()));
        } else {
            urls.add("nats://" + host + ":" + port());
        }
        return urls;
    }

    private List<String> monitorUrls() {
        if (monitorAddress == null) {
            return List.of();
        }
        String host = options.httpHost();
        if (isWildcard(host)) {
            return PortsFile.interfaceUrls("http", httpPort());
        }
        return List.of("http://" + host + ":" + httpPort());
    }

    static boolean isWildcard(String host) {
        return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    private static String hostForLog(String host) {
        return host.isEmpty() ? "0.0.0.0" : host;
    }
}
