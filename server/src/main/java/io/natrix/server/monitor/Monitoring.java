package io.natrix.server.monitor;

import io.natrix.server.NatsServer;
import io.natrix.server.Version;
import io.natrix.server.account.Account;
import io.natrix.server.auth.OperatorConfig;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.ServerStats;
import io.natrix.server.config.ServerOptions;
import io.natrix.server.subject.SubjectIndex;
import io.natrix.server.subject.Subjects;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitoring endpoints in nats-server 2.10's shapes (field names, order, types, units and {@code omitempty}
 * behaviour as nats-server writes them): the index page (which also links Natrix's own /dashboard,
 * {@link Dashboard}), /varz, /connz ({@link Connz}), /subsz, /accountz and
 * /accstatz ({@link Accountz}), /jsz ({@link Jsz}), /healthz ({@link Healthz}), /routez, /gatewayz, /leafz,
 * /raftz, /stacksz and /metrics ({@link Metrics}). Features Natrix does not run yet (clustering, gateways, leaf
 * nodes, MQTT, WebSocket) answer with the shapes nats-server writes when they are disabled.
 *
 * <p>No endpoint writes a password, a token, an nkey seed or the command line: documents are built from chosen
 * fields, never from the raw configuration.
 *
 * <p>Stateless apart from the server it reads; safe on any thread.
 */
public final class Monitoring {
    /** The paths the index page links, in nats-server's order, with their titles. */
    private static final String[][] INDEX = {
            {"varz", "General"}, {"jsz", "JetStream"}, {"connz", "Connections"}, {"accountz", "Accounts"},
            {"accstatz", "Account Stats"}, {"subsz", "Subscriptions"}, {"routez", "Routes"}, {"leafz", "LeafNodes"},
            {"gatewayz", "Gateways"}, {"raftz", "Raft Groups"}, {"healthz", "Health Probe"},
            {"metrics", "Metrics (Prometheus)"}};

    private final NatsServer server;
    private final Connz connz;
    private final Accountz accountz;
    private final Metrics metrics;
    private final Jsz jsz;
    private final Healthz healthz;
    /** The trusted operators' JWTs (operator mode), read once: they cannot change on reload. */
    private final List<String> operatorJwts;
    private MonitorServer http;

    public Monitoring(NatsServer server) {
        this.server = server;
        this.connz = new Connz(server);
        this.accountz = new Accountz(server);
        this.jsz = new Jsz(server);
        this.healthz = new Healthz(server);
        this.metrics = new Metrics(server, this, accountz);
        OperatorConfig operator = OperatorConfig.read(server.options());
        this.operatorJwts = operator == null ? List.of() : operator.operatorJwts();
    }

    /**
     * The document {@code name} ({@code varz}, {@code connz}, {@code subsz}, {@code accountz}, {@code accstatz},
     * {@code jsz}, {@code healthz}) for these query options, as the HTTP endpoint serves it: for the system
     * account's {@code $SYS.REQ.SERVER.PING.VARZ} and friends. {@code jsz-account} is the JetStream detail of the
     * account named by {@code acc} ({@code $SYS.REQ.ACCOUNT.<acc>.JSZ}). Any thread.
     *
     * @throws IllegalArgumentException for an unknown document or options the endpoint refuses (its 400 text)
     * @throws IllegalStateException    for nats-server's 500 answers (an account without JetStream)
     * @throws java.util.concurrent.CancellationException when nats-server would not answer at all (a leader-only
     *                                  request to a server that does not lead)
     */
    public Object document(String name, Map<String, List<String>> parameters) {
        Query q = new Query(parameters);
        try {
            Object answer = switch (name) {
                case "varz" -> varz();
                case "connz" -> connz.answer(q);
                case "subsz" -> subsz(q);
                case "accountz" -> accountz.accountz(q);
                case "accstatz" -> accountz.accstatz(q);
                case "jsz" -> jsz.answer(q);
                case "jsz-account" -> jsz.account(q, q.get("acc"));
                case "healthz" -> withStatusCode(healthz.answer(q));
                default -> throw new IllegalArgumentException("unknown monitoring document " + name);
            };
            return answer instanceof MonitorServer.Reply reply ? reply.body() : answer;
        } catch (MonitorServer.BadRequest e) {
            if (e.getMessage().equals(Jsz.NOT_LEADER)) {
                throw new java.util.concurrent.CancellationException(e.getMessage());
            }
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The AccountStat of {@code account} (nats-server's field names and order: acc, name, conns, leafnodes,
     * total_conns, num_subscriptions, sent, received, slow_consumers), as /accstatz lists it. Any thread.
     */
    public Map<String, Object> accountStat(Account account) {
        return accountz.statz(account);
    }

    /**
     * A health answer as a system request gets it: with {@code status_code} after {@code status}, which over HTTP
     * is the response's status instead (nats-server removes it there).
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withStatusCode(MonitorServer.Reply reply) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        ((Map<String, Object>) reply.body()).forEach((k, v) -> {
            body.put(k, v);
            if (k.equals("status")) {
                body.put("status_code", reply.status());
            }
        });
        return body;
    }

    /** Registers the endpoints on a monitoring listener. */
    public void register(MonitorServer monitor) {
        this.http = monitor;
        monitor.route("/", q -> index())
                .route(Dashboard.PATH, q -> Dashboard.page())
                .route("/varz", q -> varz())
                .route("/connz", connz::answer)
                .route("/routez", this::routez)
                .route("/gatewayz", this::gatewayz)
                .route("/leafz", this::leafz)
                .route("/subsz", this::subsz)
                .route("/subscriptionsz", this::subsz)
                .route("/stacksz", q -> new MonitorServer.Text("text/plain; charset=utf-8", stacks()))
                .route("/accountz", accountz::accountz)
                .route("/accstatz", accountz::accstatz)
                .route("/jsz", jsz::answer)
                .route("/healthz", healthz::answer)
                .route("/raftz", q -> new MonitorServer.Text(404, "text/plain; charset=utf-8",
                        "No Raft nodes registered"))
                .route("/metrics", q -> new MonitorServer.Text(Metrics.CONTENT_TYPE, metrics.scrape()));
    }

    MonitorServer.Text index() {
        StringBuilder html = new StringBuilder(1024);
        html.append("<html lang=\"en\">\n<head>\n<title>Natrix monitoring</title>\n")
                .append("<style>body { font-family: sans-serif; margin-left: 32px }")
                .append(" a { display: block; padding-bottom: 6px }</style>\n</head>\n<body>\n")
                .append("<h2>Natrix</h2>\n<p>v").append(Version.NATRIX).append(" (nats-server ")
                .append(Version.NATS_SERVER).append(" protocol)</p>\n")
                .append("<a href=./dashboard><b>Dashboard</b></a>\n");
        for (String[] link : INDEX) {
            html.append("<a href=./").append(link[0]).append('>').append(link[1]).append("</a>\n");
        }
        html.append("<a href=https://docs.nats.io/running-a-nats-service/nats_admin/monitoring>Help</a>\n")
                .append("</body>\n</html>\n");
        return new MonitorServer.Text("text/html; charset=utf-8", html.toString());
    }

    // ---------------------------------------------------------------- /varz

    Map<String, Object> varz() {
        ServerOptions o = server.options();
        Instant now = Instant.now();
        ServerStats.Traffic totals = totals();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("server_name", server.serverName());
        m.put("version", Version.NATS_SERVER);
        m.put("natrix_version", Version.NATRIX);
        m.put("proto", Version.PROTO);
        m.put("go", Version.RUNTIME);
        m.put("host", o.host());
        m.put("port", server.port());
        if (server.authRequired()) {
            m.put("auth_required", true);
        }
        if (o.tls() != null) {
            m.put("tls_required", true);
            if (o.tls().verify() || o.tls().verifyAndMap()) {
                m.put("tls_verify", true);
            }
        }
        m.put("max_connections", o.maxConnections());
        if (o.maxSubscriptions() > 0) {
            m.put("max_subscriptions", o.maxSubscriptions());
        }
        m.put("ping_interval", o.pingInterval().toNanos());
        m.put("ping_max", o.maxPingsOut());
        m.put("http_host", o.httpHost());
        m.put("http_port", server.httpPort());
        m.put("http_base_path", "");
        m.put("https_port", o.httpsPort());
        m.put("auth_timeout", seconds(o.authTimeout()));
        m.put("max_control_line", o.maxControlLine());
        m.put("max_payload", o.maxPayload());
        m.put("max_pending", o.maxPending());
        // Clustering, gateways, leaf nodes, MQTT and WebSocket do not run yet: nats-server writes
        // each of these as an empty object when it is disabled.
        for (String disabled : List.of("cluster", "gateway", "leaf", "mqtt", "websocket")) {
            m.put(disabled, Map.of());
        }
        m.put("jetstream", jsz.varz());
        m.put("tls_timeout", o.tls() == null || o.tls().timeout() == null ? 2 : seconds(o.tls().timeout()));
        m.put("write_deadline", o.writeDeadline().toNanos());
        m.put("start", GoFormat.time(server.startTime()));
        m.put("now", GoFormat.time(now));
        m.put("uptime", GoFormat.uptime(Duration.between(server.startTime(), now)));
        m.put("mem", rss());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("gomaxprocs", Runtime.getRuntime().availableProcessors());
        m.put("cpu", goFloat(cpuPercent()));
        m.put("connections", server.connections().size());
        m.put("total_connections", server.stats().totalConnections.get());
        m.put("routes", 0);
        m.put("remotes", 0);
        m.put("leafnodes", 0);
        m.put("in_msgs", totals.inMsgs());
        m.put("out_msgs", totals.outMsgs());
        m.put("in_bytes", totals.inBytes());
        m.put("out_bytes", totals.outBytes());
        m.put("slow_consumers", server.stats().slowConsumers.get());
        m.put("subscriptions", subscriptions());
        m.put("http_req_stats", http == null ? Map.of() : http.requestCounts());
        m.put("config_load_time", GoFormat.time(server.startTime()));
        if (!operatorJwts.isEmpty()) {
            m.put("trusted_operators_jwt", operatorJwts);
            List<Object> claims = new ArrayList<>();
            for (String jwt : operatorJwts) {
                JwtPayload payload = JwtPayload.decode(jwt);
                if (payload != null) {
                    claims.add(payload.claims());
                }
            }
            m.put("trusted_operators_claim", claims);
        }
        Account system = server.accounts().system();
        if (system != null) {
            m.put("system_account", system.name());
        }
        Map<String, Object> slow = new LinkedHashMap<>();
        slow.put("clients", server.stats().slowConsumers.get());
        slow.put("routes", 0);
        slow.put("gateways", 0);
        slow.put("leafs", 0);
        m.put("slow_consumer_stats", slow);
        return m;
    }

    long subscriptions() {
        long n = 0;
        for (Account account : server.accounts().all()) {
            n += account.index().count();
        }
        return n;
    }

    /** Server-wide traffic as nats-server counts it ({@link ServerStats#traffic}). */
    ServerStats.Traffic totals() {
        return server.stats().traffic(server.connections(), server.accounts().all());
    }

    // ---------------------------------------------------------------- /subsz

    /**
     * /subsz: subscription index statistics over every account ({@code acc}: one account); {@code subs=1} lists
     * the subscriptions ({@code test=<subject>}: those a message on that subject reaches; {@code offset},
     * {@code limit}). Like nats-server, when the list would be empty only the statistics are written.
     */
    Map<String, Object> subsz(Query q) {
        boolean subs = q.bool("subs");
        int offset = Math.max(0, q.integer("offset"));
        int limit = q.integer("limit");
        limit = limit <= 0 ? Connz.DEFAULT_LIMIT : limit;
        String test = q.get("test");
        String acc = q.get("acc");
        if (!test.isEmpty() && !Subjects.isValidPublishSubject(test)) {
            throw new MonitorServer.BadRequest("invalid test subject, must be valid publish subject: " + test);
        }
        List<SubjectIndex.Stats> stats = new ArrayList<>();
        for (Account account : server.accounts().all()) {
            if (acc.isEmpty() || account.name().equals(acc)) {
                stats.add(account.index().stats());
            }
        }
        Map<String, Object> sublist = Accountz.sublistStats(stats);
        if (!subs) {
            return sublist;
        }
        List<Map<String, Object>> details = new ArrayList<>();
        List<ClientConnection> clients = new ArrayList<>(server.connections());
        clients.sort((a, b) -> Long.compare(a.cid(), b.cid()));
        for (ClientConnection c : clients) {
            Account account = c.account();
            if (account == null || !acc.isEmpty() && !account.name().equals(acc)) {
                continue;
            }
            for (ClientConnection.SubscriptionDetail s : c.subscriptionDetails()) {
                if (test.isEmpty() || Subjects.matches(s.subject(), test)) {
                    details.add(ConnInfo.subDetail(s, account.name(), c.cid()));
                }
            }
        }
        int from = Math.min(offset, details.size());
        int to = (int) Math.min((long) offset + limit, details.size());
        List<Map<String, Object>> page = details.subList(from, to);
        if (page.isEmpty()) {
            return sublist;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("now", GoFormat.time(Instant.now()));
        m.putAll(sublist);
        m.put("total", page.size());
        m.put("offset", offset);
        m.put("limit", limit);
        m.put("subscriptions_list", page);
        return m;
    }

    // ---------------------------------------------------------------- /routez, /gatewayz, /leafz

    Map<String, Object> routez(Query q) {
        decodeSubs(q);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        String name = server.options().serverName();
        m.put("server_name", name == null ? "" : name);
        m.put("now", GoFormat.time(Instant.now()));
        m.put("num_routes", 0);
        m.put("routes", List.of());
        return m;
    }

    Map<String, Object> gatewayz(Query q) {
        decodeSubs(q);
        q.bool("accs");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("now", GoFormat.time(Instant.now()));
        m.put("outbound_gateways", Map.of());
        m.put("inbound_gateways", Map.of());
        return m;
    }

    Map<String, Object> leafz(Query q) {
        q.bool("subs");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("now", GoFormat.time(Instant.now()));
        m.put("leafnodes", 0);
        m.put("leafs", List.of());
        return m;
    }

    /** nats-server's {@code subs} parameter: "detail" or a boolean. */
    private static void decodeSubs(Query q) {
        if (!q.get("subs").equalsIgnoreCase("detail")) {
            q.bool("subs");
        }
    }

    // ---------------------------------------------------------------- /stacksz

    /** Every thread's stack, as a Java thread dump reads (nats-server writes its goroutines' stacks here). */
    static String stacks() {
        StringBuilder sb = new StringBuilder(16 * 1024);
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            sb.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId())
                    .append(t.isDaemon() ? " daemon" : "").append(" prio=").append(t.getPriority())
                    .append('\n').append("   java.lang.Thread.State: ").append(t.getThreadState());
            if (t.getLockName() != null) {
                sb.append(" on ").append(t.getLockName());
            }
            sb.append('\n');
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < frames.length; i++) {
                sb.append("\tat ").append(frames[i]).append('\n');
                for (MonitorInfo held : t.getLockedMonitors()) {
                    if (held.getLockedStackDepth() == i) {
                        sb.append("\t- locked ").append(held).append('\n');
                    }
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- process figures

    /** Resident memory of the process, as nats-server reports "mem" (from /proc; the heap in use elsewhere). */
    static long rss() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not Linux: fall back to the heap in use.
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The process's CPU use in percent of one core (nats-server's "cpu"), to one decimal. */
    static double cpuPercent() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getProcessCpuLoad();
            return load < 0 ? 0 : Math.round(load * 1000 * Runtime.getRuntime().availableProcessors()) / 10.0;
        }
        return 0;
    }

    private static Object seconds(Duration d) {
        return goFloat(d.toNanos() / 1e9);
    }

    /** A float as Go writes it: whole numbers without ".0". */
    static Object goFloat(double value) {
        if (value == Math.rint(value) && !Double.isInfinite(value) && Math.abs(value) < 1e15) {
            return (long) value;
        }
        return value;
    }
}
