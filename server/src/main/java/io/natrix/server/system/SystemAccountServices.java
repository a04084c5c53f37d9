package io.natrix.server.system;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.natrix.server.account.Account;
import io.natrix.server.client.ClientConnection;
import io.natrix.server.client.CloseReason;
import io.natrix.server.client.ServerStats;
import io.natrix.server.subject.Subjects;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system account as nats-server runs it: events about connections and the server, and the requests every
 * server answers.
 *
 * <pre>
 * events (published in the system account)
 *   $SYS.ACCOUNT.&lt;acc&gt;.CONNECT | DISCONNECT      client_connect / client_disconnect advisories
 *   $SYS.ACCOUNT.&lt;acc&gt;.SERVER.CONNS, $SYS.SERVER.ACCOUNT.&lt;acc&gt;.CONNS   account_connections
 *                                                 ({@link AccountConnsEvents})
 *   $SYS.SERVER.&lt;id&gt;.CLIENT.AUTH.ERR, $SYS.ACCOUNT.CLIENT.AUTH.ERR   failed authentication
 *   $SYS.SERVER.&lt;id&gt;.STATSZ                     every 10 s (and on request)
 *   $SYS.SERVER.&lt;id&gt;.LAMEDUCK | SHUTDOWN
 * requests (system account users)
 *   $SYS.REQ.SERVER.PING                          statsz
 *   $SYS.REQ.SERVER.PING.&lt;T&gt;, $SYS.REQ.SERVER.&lt;id&gt;.&lt;T&gt;   T = VARZ CONNZ SUBSZ ACCOUNTZ JSZ HEALTHZ STATSZ IDZ
 *   $SYS.REQ.SERVER.&lt;id&gt;.RELOAD | LDM | KICK
 *   $SYS.REQ.ACCOUNT.&lt;acc&gt;.SUBSZ | CONNZ | JSZ | INFO | STATZ | CONNS
 *   $SYS.REQ.ACCOUNT.PING.STATZ | CONNZ
 * requests (every account, about the requester)
 *   $SYS.REQ.USER.INFO
 * </pre>
 * Answers are {@code {"server":{...},"data":...}} or {@code {"server":{...},"error":{"code":N,"description":D}}}.
 * A request's JSON body carries the endpoint's options (nats-server's option names, e.g. {@code subscriptions},
 * {@code acc}, {@code sort}) and the server filter ({@code server_name}, {@code host}, {@code cluster},
 * {@code tags}, {@code domain}); a server the filter excludes does not answer.
 *
 * <p>Threads: requests and periodic events run on the system thread ({@link SystemServices}); connection events
 * are built on the caller's thread and published there.
 */
public final class SystemAccountServices {
    private static final Logger LOG = LoggerFactory.getLogger(SystemAccountServices.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STATSZ_INTERVAL = Duration.ofSeconds(10);
    private static final char[] ID_ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> SERVER_DOCUMENTS =
            Set.of("VARZ", "CONNZ", "SUBSZ", "ACCOUNTZ", "JSZ", "HEALTHZ", "STATSZ", "IDZ");

    private final SystemServices system;
    private final SystemHost host;
    private final String serverId;
    private final Set<Account> userInfoAccounts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AccountConnsEvents conns;

    public SystemAccountServices(SystemServices system, SystemHost host, String serverId) {
        this.system = system;
        this.host = host;
        this.serverId = serverId;
        this.conns = new AccountConnsEvents(system, host, this::event, this::publish);
    }

    /** The period of the account_connections heartbeat (30 s as in nats-server); tests shorten it. */
    void accountConnsHeartbeat(Duration period) {
        conns.heartbeat(period);
    }

    private Account sys() {
        return host.accounts().system();
    }

    /** Subscribes the request handlers and starts the periodic statsz. */
    public void start() {
        Account sys = sys();
        system.subscribe(sys, "$SYS.REQ.SERVER.PING", r -> answerIfSelected(r, this::statsz, true));
        system.subscribe(sys, "$SYS.REQ.SERVER.PING.*", r -> serverRequest(r, token(r.subject(), 4)));
        system.subscribe(sys, "$SYS.REQ.SERVER." + serverId + ".*", r -> serverRequest(r, token(r.subject(), 4)));
        system.subscribe(sys, "$SYS.REQ.ACCOUNT.*.*", this::accountRequest);
        for (Account account : host.accounts().all()) {
            userInfo(account);
        }
        system.every(STATSZ_INTERVAL, () -> publish("$SYS.SERVER." + serverId + ".STATSZ", statszMessage()));
    }

    /** Lets clients of {@code account} ask who they are ({@code $SYS.REQ.USER.INFO}), once per account. */
    private void userInfo(Account account) {
        if (userInfoAccounts.add(account)) {
            system.subscribe(account, "$SYS.REQ.USER.INFO", this::userInfoRequest);
        }
    }

    // ---------------------------------------------------------------- events

    /** A client authenticated (its account is known). Any thread. */
    public void connected(ClientConnection c) {
        if (c.account() == null) {
            return;
        }
        userInfo(c.account());
        // nats-server counts the connection into its account (and says so) before it announces the client.
        conns.update(c.account());
        Map<String, Object> event = event("io.nats.server.advisory.v1.client_connect");
        event.put("client", ClientInfo.of(c, system.serverInfo().name(), null));
        publish("$SYS.ACCOUNT." + c.account().name() + ".CONNECT", event);
    }

    /** An authenticated client's connection closed. Any thread. */
    public void disconnected(ClientConnection c) {
        if (c.account() == null) {
            return;
        }
        conns.update(c.account());
        publish("$SYS.ACCOUNT." + c.account().name() + ".DISCONNECT", disconnectEvent(c));
    }

    /** A client failed to authenticate. Any thread. */
    public void authenticationFailed(ClientConnection c) {
        Map<String, Object> event = disconnectEvent(c);
        publish("$SYS.SERVER." + serverId + ".CLIENT.AUTH.ERR", event);
        publish("$SYS.ACCOUNT.CLIENT.AUTH.ERR", event);
    }

    public void lameDuck() {
        publish("$SYS.SERVER." + serverId + ".LAMEDUCK", system.serverInfo());
    }

    public void shutdown() {
        conns.stop();
        publish("$SYS.SERVER." + serverId + ".SHUTDOWN", system.serverInfo());
    }

    private Map<String, Object> disconnectEvent(ClientConnection c) {
        Map<String, Object> event = event("io.nats.server.advisory.v1.client_disconnect");
        event.put("client", ClientInfo.of(c, system.serverInfo().name(), Instant.now()));
        event.put("sent", msgBytes(c.outMsgs(), c.outBytes()));
        event.put("received", msgBytes(c.inMsgs(), c.inBytes()));
        CloseReason reason = c.closeReason();
        event.put("reason", reason == null ? "" : reason.text());
        return event;
    }

    private Map<String, Object> event(String type) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        event.put("id", eventId());
        event.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(Instant.now()));
        event.put("server", system.serverInfo());
        return event;
    }

    private void publish(String subject, Object body) {
        system.replyJson(sys(), subject, body);
    }

    // ---------------------------------------------------------------- requests

    private void serverRequest(SystemRequest r, String type) {
        String t = type.toUpperCase(Locale.ROOT);
        switch (t) {
            case "STATSZ" -> answerIfSelected(r, this::statsz, false);
            case "IDZ" -> answerIfSelected(r, o -> Map.of("name", system.serverInfo().name(),
                    "host", system.serverInfo().host(), "id", serverId), false);
            case "RELOAD" -> answer(r, o -> {
                try {
                    host.reload();
                    return null;
                } catch (Exception e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            });
            case "KICK", "LDM" -> answer(r, o -> {
                long cid = o.path("cid").asLong(0);
                boolean done = t.equals("KICK") ? host.kick(cid) : host.lameDuckClient(cid);
                if (!done) {
                    throw new IllegalArgumentException("client not found");
                }
                return null;
            });
            default -> {
                if (SERVER_DOCUMENTS.contains(t)) {
                    answerIfSelected(r, o -> host.monitorDocument(t.toLowerCase(Locale.ROOT), query(t, o)), false);
                } else {
                    LOG.debug("Unknown system request {}", r.subject());
                }
            }
        }
    }

    private void accountRequest(SystemRequest r) {
        String account = token(r.subject(), 3);
        String t = token(r.subject(), 4).toUpperCase(Locale.ROOT);
        if (account.equals("PING")) {
            // $SYS.REQ.ACCOUNT.PING.STATZ | CONNZ: every server answers about all accounts (or the filtered ones).
            if (t.equals("STATZ")) {
                answerIfSelected(r, o -> host.monitorDocument("accstatz", query("ACCSTATZ", o)), false);
            } else if (t.equals("CONNZ")) {
                answerIfSelected(r, o -> host.monitorDocument("connz", query("CONNZ", o)), false);
            }
            return;
        }
        switch (t) {
            case "SUBSZ", "CONNZ" -> answer(r, o -> host.monitorDocument(t.toLowerCase(Locale.ROOT),
                    withAccount(query(t, o), account, "acc")));
            case "JSZ" -> answer(r, o -> host.monitorDocument("jsz-account", withAccount(query(t, o), account, "acc")));
            case "INFO" -> answer(r, o -> host.monitorDocument("accountz",
                    withAccount(query("ACCOUNTZ", o), account, "acc")));
            case "STATZ" -> answer(r, o -> host.monitorDocument("accstatz",
                    withAccount(query("ACCSTATZ", o), account, "acc")));
            // Answered with the account_connections event itself, and only by servers where it has connections.
            case "CONNS" -> connsRequest(r, account);
            default -> LOG.debug("Unknown account request {}", r.subject());
        }
    }

    /** The request's body, when there is one, is nats-server's accNumConnsReq ({server, acc}); acc must agree. */
    private void connsRequest(SystemRequest r, String account) {
        JsonNode options = options(r);
        if (options == null || !options.path("acc").asText(account).equals(account)) {
            LOG.debug("Bad account connections request on {}", r.subject());
            return;
        }
        conns.answer(host.accounts().get(account), r.reply());
    }

    private void userInfoRequest(SystemRequest r) {
        ClientConnection c = r.client();
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("server", system.serverInfo());
        if (c == null) {
            response.put("error", Map.of("code", 400));
        } else {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("user", c.user() == null ? "" : c.user());
            info.put("account", c.account() == null ? "" : c.account().name());
            response.put("data", info);
        }
        system.replyJson(r.account(), r.reply(), response);
    }

    private Map<String, Object> statszMessage() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server", system.serverInfo());
        m.put("statsz", statsz(null));
        return m;
    }

    private Map<String, Object> statsz(JsonNode options) {
        ServerStats stats = host.stats();
        ServerStats.Traffic traffic = stats.traffic(host.connections(), host.accounts().all());
        int connections = 0;
        int subscriptions = 0;
        for (ClientConnection c : host.connections()) {
            connections++;
            subscriptions += c.subscriptionCount();
        }
        int activeAccounts = 0;
        for (Account a : host.accounts().all()) {
            if (a.connectionCount() > 0) {
                activeAccounts++;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", DateTimeFormatter.ISO_INSTANT.format(host.startTime()));
        m.put("mem", Runtime.getRuntime().totalMemory());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        m.put("cpu", load < 0 ? 0.0 : load);
        m.put("connections", connections);
        m.put("total_connections", stats.totalConnections.get());
        m.put("active_accounts", activeAccounts);
        m.put("subscriptions", subscriptions);
        m.put("sent", msgBytes(traffic.outMsgs(), traffic.outBytes()));
        // Without routes, gateways or leaf nodes every message comes from and goes to clients.
        m.put("sent_to_clients", msgBytes(traffic.outMsgs(), traffic.outBytes()));
        m.put("received", msgBytes(traffic.inMsgs(), traffic.inBytes()));
        m.put("received_from_clients", msgBytes(traffic.inMsgs(), traffic.inBytes()));
        m.put("slow_consumers", stats.slowConsumers.get());
        // The servers this one knows in the system (itself until clustering exists); tools wait for this many.
        m.put("active_servers", 1);
        return m;
    }

    /** The statsz message itself answers PING (not wrapped in data), as nats-server's statszReq does. */
    private void answerIfSelected(SystemRequest r, java.util.function.Function<JsonNode, Object> data,
                                  boolean bareStatsz) {
        JsonNode options = options(r);
        if (options == null) {
            answer(r, data); // answers with the 400 error
            return;
        }
        if (!selected(options)) {
            return;
        }
        if (bareStatsz) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("server", system.serverInfo());
            m.put("statsz", statsz(options));
            system.replyJson(r.account(), r.reply(), m);
            return;
        }
        answer(r, data);
    }

    private void answer(SystemRequest r, java.util.function.Function<JsonNode, Object> data) {
        if (r.reply() == null) {
            return;
        }
        JsonNode options = options(r);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("server", system.serverInfo());
        if (options == null) {
            response.put("error", Map.of("code", 400, "description", "invalid request options"));
        } else {
            try {
                Object value = data.apply(options);
                if (value != null) {
                    response.put("data", value);
                }
            } catch (IllegalArgumentException e) {
                response.put("error", Map.of("code", 400, "description", String.valueOf(e.getMessage())));
            } catch (java.util.concurrent.CancellationException e) {
                return; // nats-server's errSkipZreq: this server does not answer (e.g. leader_only, not leader)
            } catch (IllegalStateException e) {
                response.put("error", Map.of("code", 500, "description", String.valueOf(e.getMessage())));
            } catch (RuntimeException e) {
                LOG.error("System request {} failed", r.subject(), e);
                response.put("error", Map.of("code", 500, "description", String.valueOf(e.getMessage())));
            }
        }
        system.replyJson(r.account(), r.reply(), response);
    }

    /** The request's JSON options ({} when empty), or null when the body is not a JSON object. */
    private static JsonNode options(SystemRequest r) {
        if (r.payload().length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(r.payload());
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** nats-server's EventFilterOptions: substring matches on name and host, exact on cluster and domain. */
    private boolean selected(JsonNode o) {
        SystemServices.ServerInfo me = system.serverInfo();
        String name = o.path("server_name").asText("");
        if (!name.isEmpty() && !me.name().contains(name)) {
            return false;
        }
        String hostFilter = o.path("host").asText("");
        if (!hostFilter.isEmpty() && !me.host().contains(hostFilter)) {
            return false;
        }
        if (!o.path("cluster").asText("").isEmpty()) {
            return false; // no cluster yet: a server outside every cluster is filtered out by any cluster name
        }
        JsonNode tags = o.path("tags");
        return !tags.isArray() || tags.isEmpty();
    }

    /** Request options as the HTTP endpoint's query parameters. */
    private static Map<String, List<String>> query(String type, JsonNode o) {
        Map<String, List<String>> q = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (Set.of("server_name", "host", "cluster", "tags", "domain").contains(key) || v.isNull()) {
                continue;
            }
            switch (key) {
                case "subscriptions" -> {
                    if (v.asBoolean()) {
                        q.put("subs", List.of("1"));
                    }
                }
                case "subscriptions_detail" -> {
                    if (v.asBoolean()) {
                        q.put("subs", List.of("detail"));
                    }
                }
                // HEALTHZ reads "account" as it is; the other documents call it "acc".
                case "account" -> q.put(type.equals("HEALTHZ") ? "account" : "acc", List.of(v.asText()));
                // JSZ's options (nats-server's JSzOptions) under their /jsz parameter names.
                case "consumer", "direct_consumer", "leader_only", "stream_leader_only" -> {
                    String name = !type.equals("JSZ") ? key : switch (key) {
                        case "consumer" -> "consumers";
                        case "direct_consumer" -> "direct-consumers";
                        default -> key.replace('_', '-');
                    };
                    q.put(name, List.of(v.isBoolean() ? (v.asBoolean() ? "true" : "false") : v.asText()));
                }
                case "state" -> q.put("state", List.of(switch (v.asInt(0)) {
                    case 1 -> "closed";
                    case 2 -> "any";
                    default -> "open";
                }));
                default -> q.put(key, List.of(v.isBoolean() ? (v.asBoolean() ? "true" : "false") : v.asText()));
            }
        }
        return q;
    }

    private static Map<String, List<String>> withAccount(Map<String, List<String>> q, String account, String key) {
        q.put(key, List.of(account));
        return q;
    }

    private static Map<String, Object> msgBytes(long msgs, long bytes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("msgs", msgs);
        m.put("bytes", bytes);
        return m;
    }

    private static String token(String subject, int index) {
        String[] t = Subjects.tokens(subject);
        return index < t.length ? t[index] : "";
    }

    private static String eventId() {
        char[] c = new char[22];
        for (int i = 0; i < c.length; i++) {
            c[i] = ID_ALPHABET[RANDOM.nextInt(ID_ALPHABET.length)];
        }
        return new String(c);
    }
}
