package io.natrix.server.monitor;

import io.natrix.server.NatsServer;
import io.natrix.server.jetstream.ConsumerInfo;
import io.natrix.server.jetstream.JetStream;
import io.natrix.server.jetstream.JetStreamUsage;
import io.natrix.server.jetstream.JsVersioning;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JetStream's monitoring documents in nats-server 2.11's shapes: /jsz ({@code JSInfo}), the system account's
 * {@code $SYS.REQ.ACCOUNT.<acc>.JSZ} ({@code AccountDetail}) and the {@code jetstream} object of /varz
 * ({@code JetStreamVarz}).
 *
 * <p>/jsz options, read as nats-server reads them: {@code accounts} (account_details for every JetStream account,
 * in name order, paged by {@code offset} and {@code limit}, 0 meaning 1024), {@code streams} (each account's
 * stream_detail; implies {@code accounts} unless {@code acc} is given), {@code consumers} (each stream's
 * consumer_detail; implies {@code streams}), {@code config} (stream and consumer configurations), {@code acc} (that
 * account alone, whatever {@code accounts} says), {@code leader-only} (a server without JetStream answers
 * "filtered response: not leader"; a single server leads otherwise), and {@code raft}, {@code stream-leader-only},
 * {@code direct-consumers}, which change nothing on a single server without Raft groups or internal consumers.
 *
 * <p>Stateless apart from the server it reads; safe on any thread.
 */
final class Jsz {
    /** nats-server's text when a leader-only request reaches a server that does not lead. */
    static final String NOT_LEADER = "filtered response: not leader";
    /** {@code -1} (unlimited) as Go writes it after converting it to {@code uint64}. */
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private final NatsServer server;

    Jsz(NatsServer server) {
        this.server = server;
    }

    /** /jsz. */
    Map<String, Object> answer(Query q) {
        // Decoded in nats-server's order, so that the first bad parameter is the one reported.
        boolean accounts = q.bool("accounts");
        boolean streams = q.bool("streams");
        boolean consumers = q.bool("consumers");
        q.bool("direct-consumers");
        boolean config = q.bool("config");
        int offset = Math.max(0, q.integer("offset"));
        int limit = q.integer("limit");
        boolean leaderOnly = q.bool("leader-only");
        q.bool("raft");
        q.bool("stream-leader-only");
        String acc = q.get("acc");
        limit = limit == 0 ? Connz.DEFAULT_LIMIT : limit;
        streams |= consumers;
        accounts |= streams && acc.isEmpty();

        JetStream js = server.jetStream();
        if (js == null && leaderOnly) {
            throw new MonitorServer.BadRequest(NOT_LEADER);
        }
        JetStreamUsage.Usage usage = js == null ? JetStreamUsage.Usage.NONE : JetStreamUsage.usage(js);
        Map<String, Object> m = stats(usage, js != null);
        m.put("server_id", server.serverId());
        m.put("now", GoFormat.time(Instant.now()));
        if (js == null) {
            m.put("disabled", true);
            Map<String, Object> none = new LinkedHashMap<>();
            none.put("max_memory", 0);
            none.put("max_storage", 0);
            m.put("config", none);
        } else {
            m.put("config", config(js));
            m.put("limits", Map.of()); // nats-server's JSLimitOpts: Natrix has no server-wide JetStream limits
        }
        m.put("streams", usage.streams());
        m.put("consumers", usage.consumers());
        m.put("messages", usage.messages());
        m.put("bytes", usage.bytes());
        if (js != null) {
            List<JetStreamUsage.AccountUsage> all = JetStreamUsage.accounts(js, streams, consumers);
            List<JetStreamUsage.AccountUsage> shown = List.of();
            JetStreamUsage.AccountUsage named = all.stream().filter(a -> a.account().equals(acc)).findFirst()
                    .orElse(null);
            if (named != null) {
                shown = List.of(named);
            } else if (accounts) {
                shown = limit > 0 ? all.subList(Math.min(offset, all.size()),
                        (int) Math.min((long) offset + limit, all.size())) : all;
            }
            if (!shown.isEmpty()) {
                List<Map<String, Object>> details = new ArrayList<>();
                for (JetStreamUsage.AccountUsage a : shown) {
                    details.add(accountDetail(a, config));
                }
                m.put("account_details", details);
            }
        }
        m.put("total", usage.accounts());
        return m;
    }

    /**
     * {@code $SYS.REQ.ACCOUNT.<account>.JSZ}: the account's detail ({@code streams}, {@code consumer} and
     * {@code config} as for /jsz); nats-server's errors (its 500s) as {@link IllegalStateException}s.
     */
    Map<String, Object> account(Query q, String account) {
        boolean streams = q.bool("streams");
        boolean consumers = q.bool("consumers");
        boolean config = q.bool("config");
        JetStream js = server.jetStream();
        if (js == null) {
            throw new IllegalStateException("jetstream not enabled");
        }
        if (server.accounts().get(account) == null) {
            throw new IllegalStateException("account " + Query.quote(account) + " not found");
        }
        for (JetStreamUsage.AccountUsage a : JetStreamUsage.accounts(js, streams, consumers)) {
            if (a.account().equals(account)) {
                return accountDetail(a, config);
            }
        }
        throw new IllegalStateException("account " + Query.quote(account) + " not jetstream enabled");
    }

    /** /varz's {@code jetstream}: {@code {}} when off, else its {@code config}, {@code stats} and {@code limits}. */
    Map<String, Object> varz() {
        JetStream js = server.jetStream();
        if (js == null) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("config", config(js));
        out.put("stats", stats(JetStreamUsage.usage(js), true));
        out.put("limits", Map.of());
        return out;
    }

    /** nats-server's {@code JetStreamStats}: the API level is written for the server as a whole only. */
    private static Map<String, Object> stats(JetStreamUsage.Usage usage, boolean enabled) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("memory", usage.memory());
        m.put("storage", usage.storage());
        m.put("reserved_memory", usage.reservedMemory());
        m.put("reserved_storage", usage.reservedStorage());
        m.put("accounts", usage.accounts());
        m.put("ha_assets", 0);
        m.put("api", api(enabled ? JsVersioning.API_LEVEL : 0, usage.apiTotal(), usage.apiErrors()));
        return m;
    }

    private static Map<String, Object> api(int level, long total, long errors) {
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("level", level);
        api.put("total", total);
        api.put("errors", errors);
        return api;
    }

    private static Map<String, Object> config(JetStream js) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("max_memory", js.config().maxMemory());
        config.put("max_storage", js.config().maxFile());
        // nats-server reports the directory it keeps its accounts in: "jetstream" inside the configured one.
        config.put("store_dir", js.config().storeDir().resolve("jetstream").toAbsolutePath().toString());
        config.put("sync_interval", js.config().syncInterval().toNanos());
        if (js.config().syncAlways()) {
            config.put("sync_always", true);
        }
        if (!js.config().domain().isEmpty()) {
            config.put("domain", js.config().domain());
        }
        return config;
    }

    /** nats-server's {@code AccountDetail}; its {@code api} carries no level (Go writes the zero). */
    private Map<String, Object> accountDetail(JetStreamUsage.AccountUsage a, boolean config) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", a.account());
        d.put("id", a.account());
        d.put("memory", a.memory());
        d.put("storage", a.storage());
        d.put("reserved_memory", unsigned(a.reservedMemory()));
        d.put("reserved_storage", unsigned(a.reservedStorage()));
        d.put("accounts", 0);
        d.put("ha_assets", 0);
        d.put("api", api(0, a.apiTotal(), a.apiErrors()));
        if (!a.streams().isEmpty()) {
            List<Map<String, Object>> streams = new ArrayList<>();
            for (JetStreamUsage.StreamUsage s : a.streams()) {
                streams.add(streamDetail(s, config));
            }
            d.put("stream_detail", streams);
        }
        return d;
    }

    /** nats-server's {@code StreamDetail}; a single server names itself as the stream's leader. */
    private Map<String, Object> streamDetail(JetStreamUsage.StreamUsage s, boolean config) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", s.name());
        d.put("created", JetStreamUsage.tree(s.created()));
        d.put("cluster", Map.of("leader", server.serverName()));
        if (config) {
            d.put("config", JetStreamUsage.tree(s.config()));
        }
        d.put("state", JetStreamUsage.tree(s.state()));
        if (!s.consumers().isEmpty()) {
            List<Object> consumers = new ArrayList<>();
            for (ConsumerInfo c : s.consumers()) {
                consumers.add(JetStreamUsage.tree(config ? c : withoutConfig(c)));
            }
            d.put("consumer_detail", consumers);
        }
        if (s.mirror() != null) {
            d.put("mirror", JetStreamUsage.tree(s.mirror()));
        }
        if (!s.sources().isEmpty()) {
            d.put("sources", JetStreamUsage.tree(s.sources()));
        }
        return d;
    }

    private static ConsumerInfo withoutConfig(ConsumerInfo c) {
        return new ConsumerInfo(c.streamName(), c.name(), c.created(), null, c.delivered(), c.ackFloor(),
                c.numAckPending(), c.numRedelivered(), c.numWaiting(), c.numPending(), c.pushBound(), c.paused(),
                c.pauseRemainingNanos(), c.priorityGroups(), c.ts());
    }

    /** A {@code uint64} figure that Natrix holds as a signed long (-1: unlimited). */
    private static Object unsigned(long value) {
        return value >= 0 ? (Object) value : UINT64_MAX.add(BigInteger.valueOf(value + 1));
    }
}
