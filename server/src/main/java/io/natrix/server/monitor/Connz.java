package io.natrix.server.monitor;

import io.natrix.server.NatsServer;
import io.natrix.server.client.ClientConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * /connz: open and closed client connections, filtered, sorted and paged as nats-server does.
 *
 * <p>Options: {@code sort} (cid, start, subs, pending, msgs_to, msgs_from, bytes_to, bytes_from, last, idle, uptime,
 * stop, reason, rtt; cid and start ascending, uptime and reason ascending, every other key descending; stop and
 * reason only with {@code state=closed}), {@code state} (open, closed, any/all), {@code subs} (1/true: subjects,
 * {@code detail}: sid, queue, counts), {@code auth} (user, account, JWT fields; never a password or token),
 * {@code offset} (negative counts as 0), {@code limit} (0 or negative: 1024), {@code cid} (that connection alone),
 * {@code acc}, {@code user}, {@code mqtt_client}. Errors carry nats-server's texts.
 *
 * <p>Stateless apart from the server it reads; safe on any thread.
 */
final class Connz {
    static final int DEFAULT_LIMIT = 1024;

    private enum State { OPEN, CLOSED, ANY }

    private final NatsServer server;

    Connz(NatsServer server) {
        this.server = server;
    }

    Map<String, Object> answer(Query q) {
        // Decoded in nats-server's order, so that the first bad parameter is the one reported.
        String sort = q.get("sort");
        boolean auth = q.bool("auth");
        boolean detail = q.get("subs").toLowerCase(Locale.ROOT).equals("detail");
        boolean subs = !detail && q.bool("subs");
        int offset = q.integer("offset");
        int limit = q.integer("limit");
        long cid = q.unsigned("cid");
        State state = state(q.get("state"));
        String user = q.get("user");
        String acc = q.get("acc");
        String mqttClient = q.get("mqtt_client");

        Comparator<ConnInfo> order = order(sort, Instant.now());
        if ((sort.equals("stop") || sort.equals("reason")) && state != State.CLOSED) {
            throw new MonitorServer.BadRequest("sort by " + sort + " only valid on closed connections");
        }
        offset = Math.max(0, offset);
        limit = limit <= 0 ? DEFAULT_LIMIT : limit;
        if (cid > 0) {
            limit = 1;
        }

        List<ConnInfo> open = new ArrayList<>();
        if (state != State.CLOSED) {
            for (ClientConnection c : server.connections()) {
                if (acc.isEmpty() || c.account() != null && c.account().name().equals(acc)) {
                    open.add(ConnInfo.open(c));
                }
            }
        }
        List<ConnInfo> closed = new ArrayList<>();
        if (state != State.OPEN) {
            for (ConnInfo c : server.closedConnections().list()) {
                if (acc.isEmpty() || c.account.equals(acc)) {
                    closed.add(c);
                }
            }
        }
        // Like nats-server, the total counts the state and account selection, before the other filters.
        int total = open.size() + closed.size();

        List<ConnInfo> selected = new ArrayList<>();
        if (cid > 0) {
            open.stream().filter(c -> c.cid == cid).findFirst().ifPresentOrElse(selected::add,
                    () -> closed.stream().filter(c -> c.cid == cid).findFirst().ifPresent(selected::add));
        } else {
            for (List<ConnInfo> list : List.of(open, closed)) {
                for (ConnInfo c : list) {
                    if ((user.isEmpty() || c.user.equals(user)) && mqttClient.isEmpty()) {
                        selected.add(c);
                    }
                }
            }
        }
        selected.sort(Comparator.comparingLong((ConnInfo c) -> c.cid));
        selected.sort(order);

        Instant now = Instant.now();
        int from = Math.min(offset, selected.size());
        int to = (int) Math.min((long) offset + limit, selected.size());
        List<Map<String, Object>> conns = new ArrayList<>(Math.max(0, to - from));
        for (ConnInfo c : selected.subList(from, to)) {
            conns.add(c.toJson(now, subs, detail, auth));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("server_id", server.serverId());
        m.put("now", GoFormat.time(now));
        m.put("num_connections", conns.size());
        m.put("total", total);
        m.put("offset", offset);
        m.put("limit", limit);
        m.put("connections", conns);
        return m;
    }

    private static State state(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "", "open" -> State.OPEN;
            case "closed" -> State.CLOSED;
            case "any", "all" -> State.ANY;
            default -> throw new MonitorServer.BadRequest("Error decoding state for " + value);
        };
    }

    /** The sort order of a sort key, or a 400 for a key nats-server does not know. */
    private static Comparator<ConnInfo> order(String sort, Instant now) {
        return switch (sort) {
            case "", "cid", "start" -> Comparator.comparingLong(c -> c.cid);
            case "subs" -> Comparator.comparingInt((ConnInfo c) -> c.numSubs).reversed();
            case "pending" -> Comparator.comparingLong((ConnInfo c) -> c.pendingBytes).reversed();
            case "msgs_to" -> Comparator.comparingLong((ConnInfo c) -> c.outMsgs).reversed();
            case "msgs_from" -> Comparator.comparingLong((ConnInfo c) -> c.inMsgs).reversed();
            case "bytes_to" -> Comparator.comparingLong((ConnInfo c) -> c.outBytes).reversed();
            case "bytes_from" -> Comparator.comparingLong((ConnInfo c) -> c.inBytes).reversed();
            case "last" -> Comparator.comparing((ConnInfo c) -> c.lastActivity).reversed();
            case "idle" -> Comparator.comparing((ConnInfo c) -> c.idle(now)).reversed();
            case "uptime" -> Comparator.comparing((ConnInfo c) -> c.uptime(now));
            case "stop" -> Comparator.comparing((ConnInfo c) -> c.stop == null ? Instant.MIN : c.stop).reversed();
            case "reason" -> Comparator.comparing((ConnInfo c) -> c.reason == null ? "" : c.reason);
            case "rtt" -> Comparator.comparingLong((ConnInfo c) -> c.rttNanos).reversed();
            default -> throw new MonitorServer.BadRequest("invalid sorting option: " + sort);
        };
    }
}
