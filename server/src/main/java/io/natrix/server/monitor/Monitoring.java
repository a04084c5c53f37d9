package io.natrix.server.monitor;

import io.natrix.server.NatsServer;
import io.natrix.server.Version;
import io.natrix.server.account.Account;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.ConnectOptions;
import io.natrix.server.client.ServerStats;
import io.natrix.server.config.ServerOptions;
import io.natrix.server.subject.SubjectIndex;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The monitoring documents in nats-server's shapes (field names, types and units as nats-server writes them):
 * {@code /varz}, {@code /connz}, {@code /subsz}, {@code /healthz} and the index page. The full set of endpoints
 * and query options grows with the monitoring work; the fields written here are the ones tools read first.
 *
 * <p>Stateless apart from the server it reads; safe on any thread.
 */
public final class Monitoring {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC);

    private final NatsServer server;

    public Monitoring(NatsServer server) {
        this.server = server;
    }

    /** Registers the endpoints on a monitoring listener. */
    public void register(MonitorServer http) {
        http.route("/", q -> index())
                .route("/varz", q -> varz())
                .route("/connz", this::connz)
                .route("/subsz", q -> subsz())
                .route("/healthz", q -> healthz());
    }

    Map<String, Object> index() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String endpoint : List.of("varz", "connz", "subsz", "healthz")) {
            m.put(endpoint, "/" + endpoint);
        }
        return m;
    }

    Map<String, Object> varz() {
        ServerOptions o = server.options();
        Instant now = Instant.now();
        Totals totals = totals();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("server_name", server.serverName());
        m.put("version", Version.NATS_SERVER);
        m.put("natrix_version", Version.NATRIX);
        m.put("proto", Version.PROTO);
        m.put("go", Version.RUNTIME);
        m.put("host", o.host());
        m.put("port", server.port());
        m.put("max_connections", o.maxConnections());
        m.put("ping_interval", o.pingInterval().toNanos());
        m.put("ping_max", o.maxPingsOut());
        m.put("http_host", o.httpHost());
        m.put("http_port", server.httpPort());
        m.put("https_port", o.httpsPort());
        m.put("auth_timeout", o.authTimeout().toMillis() / 1000.0);
        m.put("max_control_line", o.maxControlLine());
        m.put("max_payload", o.maxPayload());
        m.put("max_pending", o.maxPending());
        m.put("write_deadline", o.writeDeadline().toNanos());
        m.put("start", RFC3339.format(server.startTime()));
        m.put("now", RFC3339.format(now));
        m.put("uptime", goDuration(Duration.between(server.startTime(), now)));
        m.put("mem", rss());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("gomaxprocs", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuPercent());
        m.put("connections", server.connections().size());
        m.put("total_connections", server.stats().totalConnections.get());
        m.put("routes", 0);
        m.put("remotes", 0);
        m.put("leafnodes", 0);
        m.put("in_msgs", totals.inMsgs);
        m.put("out_msgs", totals.outMsgs);
        m.put("in_bytes", totals.inBytes);
        m.put("out_bytes", totals.outBytes);
        m.put("slow_consumers", server.stats().slowConsumers.get());
        m.put("subscriptions", subscriptions());
        m.put("config_load_time", RFC3339.format(server.startTime()));
        return m;
    }

    Map<String, Object> connz(Map<String, List<String>> query) {
        int offset = intParam(query, "offset", 0);
        int limit = intParam(query, "limit", 1024);
        boolean subs = "1".equals(first(query, "subs")) || "true".equals(first(query, "subs"));
        List<ClientConnection> all = new ArrayList<>(server.connections());
        all.sort(Comparator.comparingLong(ClientConnection::cid));
        Instant now = Instant.now();
        List<Map<String, Object>> conns = new ArrayList<>();
        for (int i = offset; i < all.size() && conns.size() < limit; i++) {
            ClientConnection c = all.get(i);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cid", c.cid());
            m.put("kind", "Client");
            m.put("type", "nats");
            m.put("ip", c.remoteHost());
            m.put("port", c.remotePort());
            m.put("start", RFC3339.format(c.started()));
            m.put("last_activity", RFC3339.format(c.lastActivity()));
            m.put("rtt", goDuration(Duration.ofNanos(c.rttNanos())));
            m.put("uptime", goDuration(Duration.between(c.started(), now)));
            m.put("pending_bytes", c.pendingBytes());
            m.put("in_msgs", c.inMsgs());
            m.put("out_msgs", c.outMsgs());
            m.put("in_bytes", c.inBytes());
            m.put("out_bytes", c.outBytes());
            m.put("subscriptions", c.subscriptionCount());
            ConnectOptions connect = c.connectOptions();
            if (connect != null) {
                putIfPresent(m, "name", connect.name);
                putIfPresent(m, "lang", connect.lang);
                putIfPresent(m, "version", connect.version);
            }
            if (c.account() != null) {
                m.put("account", c.account().name());
            }
            if (subs) {
                List<String> list = new ArrayList<>();
                c.subscriptions().forEach(s -> list.add(s.subject()));
                m.put("subscriptions_list", list);
            }
            conns.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("now", RFC3339.format(now));
        m.put("num_connections", conns.size());
        m.put("total", all.size());
        m.put("offset", offset);
        m.put("limit", limit);
        m.put("connections", conns);
        return m;
    }

    Map<String, Object> subsz() {
        long subscriptions = 0;
        long cache = 0;
        long inserts = 0;
        long removes = 0;
        long matches = 0;
        long hits = 0;
        int maxFanout = 0;
        double fanoutSum = 0;
        long fanoutEntries = 0;
        for (Account account : server.accounts().all()) {
            SubjectIndex.Stats s = account.index().stats();
            maxFanout = Math.max(maxFanout, s.maxFanout());
            fanoutSum += s.avgFanout() * s.cacheEntries();
            fanoutEntries += s.cacheEntries();
            subscriptions += s.subscriptions();
            cache += s.cacheEntries();
            inserts += s.inserts();
            removes += s.removes();
            matches += s.matches();
            hits += s.cacheHits();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("now", RFC3339.format(Instant.now()));
        m.put("num_subscriptions", subscriptions);
        m.put("num_cache", cache);
        m.put("num_inserts", inserts);
        m.put("num_removes", removes);
        m.put("num_matches", matches);
        m.put("cache_hit_rate", matches == 0 ? 0.0 : (double) hits / matches);
        m.put("max_fanout", maxFanout);
        m.put("avg_fanout", fanoutEntries == 0 ? 0.0 : fanoutSum / fanoutEntries);
        return m;
    }

    Object healthz() {
        if (!server.isRunning()) {
            return new MonitorServer.Status(503, Map.of("status", "unavailable", "error", "server is shutting down"));
        }
        return Map.of("status", "ok");
    }

    private long subscriptions() {
        long n = 0;
        for (Account account : server.accounts().all()) {
            n += account.index().count();
        }
        return n;
    }

    private record Totals(long inMsgs, long inBytes, long outMsgs, long outBytes) {
    }

    private Totals totals() {
        ServerStats s = server.stats();
        long inMsgs = s.closedInMsgs.sum();
        long inBytes = s.closedInBytes.sum();
        long outMsgs = s.closedOutMsgs.sum();
        long outBytes = s.closedOutBytes.sum();
        for (ClientConnection c : server.connections()) {
            inMsgs += c.inMsgs();
            inBytes += c.inBytes();
            outMsgs += c.outMsgs();
            outBytes += c.outBytes();
        }
        return new Totals(inMsgs, inBytes, outMsgs, outBytes);
    }

    /** Resident memory of the process, as nats-server reports "mem" (from /proc; the heap in use elsewhere). */
    private static long rss() {
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

    private static double cpuPercent() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            double load = os.getProcessCpuLoad();
            return load < 0 ? 0 : Math.round(load * 1000 * Runtime.getRuntime().availableProcessors()) / 10.0;
        }
        return 0;
    }

    private static void putIfPresent(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static int intParam(Map<String, List<String>> query, String name, int defaultValue) {
        String value = first(query, name);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 0) {
                throw new MonitorServer.BadRequest("invalid " + name + ": " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new MonitorServer.BadRequest("invalid " + name + ": " + value);
        }
    }

    /** A duration as Go prints one: "1h2m3.5s", "250ms", "0s". */
    static String goDuration(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos < 1_000) {
            return nanos + "ns";
        }
        if (nanos < 1_000_000) {
            return trim(nanos / 1_000.0) + "µs";
        }
        if (nanos < 1_000_000_000) {
            return trim(nanos / 1_000_000.0) + "ms";
        }
        StringBuilder sb = new StringBuilder();
        long hours = nanos / 3_600_000_000_000L;
        long minutes = nanos / 60_000_000_000L % 60;
        double seconds = (nanos % 60_000_000_000L) / 1e9;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        return sb.append(trim(seconds)).append('s').toString();
    }

    private static String trim(double value) {
        String s = String.format(java.util.Locale.ROOT, "%.9f", value);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
