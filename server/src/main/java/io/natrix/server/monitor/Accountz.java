package io.natrix.server.monitor;

import io.natrix.server.NatsServer;
import io.natrix.server.account.Account;
import io.natrix.server.account.AccountConfigs;
import io.natrix.server.account.ExportConfig;
import io.natrix.server.account.ResponseType;
import io.natrix.server.auth.ExportType;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.imports.ImportLink;
import io.natrix.server.subject.SubjectIndex;
import io.natrix.server.subject.SubjectMapping;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * /accountz (the accounts; {@code acc=<name>}: one account's imports, exports, mappings, JWT and subscription
 * statistics) and /accstatz (per-account connections, subscriptions and traffic; {@code unused=1} includes accounts
 * without connections), in nats-server's shapes.
 *
 * <p>Stateless apart from the server it reads; safe on any thread.
 */
final class Accountz {
    private final NatsServer server;

    Accountz(NatsServer server) {
        this.server = server;
    }

    Map<String, Object> accountz(Query q) {
        String name = q.get("acc");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("now", GoFormat.time(Instant.now()));
        Account system = server.accounts().system();
        if (system != null) {
            m.put("system_account", system.name());
        }
        if (name.isEmpty()) {
            List<String> names = new ArrayList<>();
            server.accounts().all().forEach(a -> names.add(a.name()));
            names.sort(Comparator.naturalOrder());
            m.put("accounts", names);
            return m;
        }
        Account account = server.accounts().get(name);
        if (account == null) {
            throw new MonitorServer.BadRequest("Account " + name + " does not exist");
        }
        m.put("account_detail", detail(account, account == system));
        return m;
    }

    private Map<String, Object> detail(Account account, boolean isSystem) {
        JwtPayload jwt = server.accountJwt(account.name()).map(JwtPayload::decode).orElse(null);
        String rawJwt = server.accountJwt(account.name()).orElse(null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("account_name", account.name());
        m.put("update_time", GoFormat.time(jwt != null && jwt.claims().get("iat") instanceof Number iat
                ? Instant.ofEpochSecond(iat.longValue()) : server.startTime()));
        if (isSystem) {
            m.put("is_system", true);
        }
        m.put("expired", jwt != null && jwt.claims().get("exp") instanceof Number exp
                && exp.longValue() > 0 && Instant.ofEpochSecond(exp.longValue()).isBefore(Instant.now()));
        m.put("complete", true);
        m.put("jetstream_enabled", false);
        m.put("leafnode_connections", 0);
        m.put("client_connections", account.connectionCount());
        m.put("subscriptions", account.index().count());
        Map<String, Object> mappings = mappings(account);
        if (!mappings.isEmpty()) {
            m.put("mappings", mappings);
        }
        List<Object> exports = exports(account, jwt);
        if (!exports.isEmpty()) {
            m.put("exports", exports);
        }
        List<Object> imports = imports(account);
        if (!imports.isEmpty()) {
            m.put("imports", imports);
        }
        if (jwt != null) {
            m.put("jwt", rawJwt);
            putText(m, "issuer_key", jwt.issuer());
            putText(m, "name_tag", jwt.name());
            if (!jwt.tags().isEmpty()) {
                m.put("tags", jwt.tags());
            }
            m.put("decoded_jwt", jwt.claims());
        }
        m.put("sublist_stats", sublistStats(List.of(account.index().stats())));
        return m;
    }

    private static Map<String, Object> mappings(Account account) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (SubjectMapping mapping : account.mappings().mappings()) {
            List<Map<String, Object>> dests = new ArrayList<>();
            for (SubjectMapping.Destination d : mapping.destinations()) {
                Map<String, Object> dest = new LinkedHashMap<>();
                dest.put("subject", d.subject());
                dest.put("weight", d.weight());
                putText(dest, "cluster", d.cluster());
                dests.add(dest);
            }
            m.put(mapping.source(), dests);
        }
        return m;
    }

    /** Operator mode: the JWT's exports as written; configuration mode: the configured exports. */
    private List<Object> exports(Account account, JwtPayload jwt) {
        List<Object> list = new ArrayList<>();
        if (jwt != null) {
            if (jwt.nats("exports") instanceof List<?> exports) {
                list.addAll(exports);
            }
            return list;
        }
        for (ExportConfig e : AccountConfigs.read(server.options()).exportsOf(account.name())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("subject", e.subject());
            m.put("type", e.type() == ExportType.SERVICE ? "service" : "stream");
            if (e.accountTokenPosition() > 0) {
                m.put("account_token_position", e.accountTokenPosition());
            }
            if (e.type() == ExportType.SERVICE) {
                m.put("response_type", responseType(e.response()));
            }
            if (e.latency() != null) {
                Map<String, Object> latency = new LinkedHashMap<>();
                latency.put("sampling", e.latency().sampling());
                latency.put("results", e.latency().results());
                m.put("service_latency", latency);
            }
            if (!e.accounts().isEmpty()) {
                m.put("approved_accounts", List.copyOf(e.accounts()));
            }
            list.add(m);
        }
        return list;
    }

    private static String responseType(ResponseType type) {
        if (type == null) {
            return "Singleton";
        }
        return switch (type) {
            case STREAMED -> "Stream";
            case CHUNKED -> "Chunked";
            default -> "Singleton";
        };
    }

    private List<Object> imports(Account account) {
        List<Object> list = new ArrayList<>();
        for (ImportLink link : server.links().importsOf(account)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("subject", link.remoteSubject());
            m.put("account", link.exporter().name());
            if (link.type() == ExportType.SERVICE) {
                m.put("to", link.localSubject());
            }
            m.put("local_subject", link.localSubject());
            m.put("type", link.type() == ExportType.SERVICE ? "service" : "stream");
            m.put("invalid", false);
            m.put("share", false);
            m.put("tracking", false);
            list.add(m);
        }
        return list;
    }

    Map<String, Object> accstatz(Query q) {
        boolean unused = q.bool("unused");
        Map<String, Account> accounts = new TreeMap<>();
        server.accounts().all().forEach(a -> accounts.put(a.name(), a));
        Map<String, long[]> live = liveTraffic();
        List<Map<String, Object>> list = new ArrayList<>();
        for (Account a : accounts.values()) {
            if (!unused && a.connectionCount() == 0) {
                continue;
            }
            list.add(statz(a, live.getOrDefault(a.name(), new long[2])));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("now", GoFormat.time(Instant.now()));
        m.put("account_statz", list);
        return m;
    }

    /** One account's AccountStat, as /accstatz lists it (and the {@code account_connections} event carries it). */
    Map<String, Object> statz(Account a) {
        long[] live = new long[2];
        for (Account.Member c : a.members()) {
            live[0] += c.inMsgs();
            live[1] += c.inBytes();
        }
        return statz(a, live);
    }

    /** in msgs and in bytes of the live connections, by account name. */
    Map<String, long[]> liveTraffic() {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (ClientConnection c : server.connections()) {
            Account a = c.account();
            if (a != null) {
                long[] t = m.computeIfAbsent(a.name(), k -> new long[2]);
                t[0] += c.inMsgs();
                t[1] += c.inBytes();
            }
        }
        return m;
    }

    /**
     * nats-server's AccountStat: "received" is what the account's clients published (live connections plus closed
     * ones); "sent" what was delivered to clients from the account's subscriptions ({@link Account#sentMsgs}:
     * imported streams count in the exporter, not in the importer whose clients receive them).
     */
    Map<String, Object> statz(Account a, long[] live) {
        ClosedConnections.AccountTotals closed = server.closedConnections().totals(a.name());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("acc", a.name());
        // The account's name tag (a JWT's name); configuration-file accounts have none, so it is the name.
        m.put("name", a.name());
        m.put("conns", a.connectionCount());
        m.put("leafnodes", 0);
        m.put("total_conns", a.connectionCount());
        m.put("num_subscriptions", a.index().count());
        m.put("sent", dataStats(a.sentMsgs(), a.sentBytes()));
        m.put("received", dataStats(live[0] + closed.inMsgs.sum(), live[1] + closed.inBytes.sum()));
        m.put("slow_consumers", closed.slowConsumers.sum());
        return m;
    }

    private static Map<String, Object> dataStats(long msgs, long bytes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msgs", msgs);
        m.put("bytes", bytes);
        return m;
    }

    /** nats-server's SublistStats, summed over several subject indexes. */
    static Map<String, Object> sublistStats(List<SubjectIndex.Stats> all) {
        long subscriptions = 0;
        long cache = 0;
        long inserts = 0;
        long removes = 0;
        long matches = 0;
        long hits = 0;
        int maxFanout = 0;
        double fanoutSum = 0;
        long fanoutEntries = 0;
        for (SubjectIndex.Stats s : all) {
            subscriptions += s.subscriptions();
            cache += s.cacheEntries();
            inserts += s.inserts();
            removes += s.removes();
            matches += s.matches();
            hits += s.cacheHits();
            maxFanout = Math.max(maxFanout, s.maxFanout());
            fanoutSum += s.avgFanout() * s.cacheEntries();
            fanoutEntries += s.cacheEntries();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("num_subscriptions", subscriptions);
        m.put("num_cache", cache);
        m.put("num_inserts", inserts);
        m.put("num_removes", removes);
        m.put("num_matches", matches);
        m.put("cache_hit_rate", Monitoring.goFloat(matches == 0 ? 0.0 : (double) hits / matches));
        m.put("max_fanout", maxFanout);
        m.put("avg_fanout", Monitoring.goFloat(fanoutEntries == 0 ? 0.0 : fanoutSum / fanoutEntries));
        return m;
    }

    private static void putText(Map<String, Object> m, String key, String value) {
        if (value != null && !value.isEmpty()) {
            m.put(key, value);
        }
    }
}
