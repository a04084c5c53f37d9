package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.nats.client.Connection;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The base of the reports built from connz ({@code connections}, {@code accounts}): the request every server
 * answers, paged through each server's connections (1024 a page, 64 pages at most), and the connections table as
 * natscli draws it with the connections each server holds.
 */
abstract class ConnzReport extends Report {

    /** Pages of connz one report reads at most from each server (1024 connections a page). */
    private static final int CONNZ_PAGES_MAX = 64;

    private static final int CONNZ_PAGE = 1024;

    /** A connection as reports list it: connz's entry and the server that holds it. */
    record Conn(JsonNode info, JsonNode server) {
        long subs() {
            JsonNode list = info.get("subscriptions_list");
            return list != null && list.isArray() ? list.size() : info.path("subscriptions").asLong();
        }

        long number(String field) {
            return info.path(field).asLong();
        }
    }

    @Option(names = "--top", defaultValue = "1000", description = "Limit results to the top results (default 1000)")
    int top;

    /** The account the connz request is narrowed to, or null. */
    abstract String account();

    /** How many servers' answers to wait for; 0 until answers stop coming. */
    abstract int waitFor();

    List<Conn> connections(Connection nc, String user, String subject, String state) {
        List<Conn> all = new ArrayList<>();
        int expect = waitFor();
        Map<String, Long> seen = new LinkedHashMap<>();
        for (int page = 0; page < CONNZ_PAGES_MAX; page++) {
            ObjectNode body = filter();
            body.put("subscriptions", true);
            body.put("auth", true);
            body.put("limit", CONNZ_PAGE);
            body.put("offset", page * CONNZ_PAGE);
            body.put("state", switch (state) {
                case "open" -> 0;
                case "closed" -> 1;
                case "all" -> 2;
                default -> throw new CliException("invalid state \"" + state + "\": use open, closed or all");
            });
            if (user != null) {
                body.put("user", user);
            }
            if (account() != null) {
                body.put("acc", account());
            }
            if (subject != null) {
                body.put("filter_subject", subject);
            }
            boolean more = false;
            for (JsonNode answer : gather(nc, "$SYS.REQ.SERVER.PING.CONNZ", body, expect)) {
                JsonNode data = answer.path("data");
                for (JsonNode c : data.path("connections")) {
                    all.add(new Conn(c, answer.path("server")));
                }
                long total = data.path("total").asLong();
                seen.put(answer.path("server").path("id").asText(), total);
                if ((long) (page + 1) * CONNZ_PAGE < total) {
                    more = true;
                }
            }
            if (expect == 0) {
                expect = seen.size();
            }
            if (!more) {
                break;
            }
        }
        return all;
    }

    Comparator<Conn> order(String sort) {
        return switch (sort) {
            case "in-bytes" -> Comparator.comparingLong(c -> c.number("in_bytes"));
            case "out-bytes" -> Comparator.comparingLong(c -> c.number("out_bytes"));
            case "in-msgs" -> Comparator.comparingLong(c -> c.number("in_msgs"));
            case "out-msgs" -> Comparator.comparingLong(c -> c.number("out_msgs"));
            case "uptime" -> Comparator.<Conn, String>comparing(c -> c.info().path("start").asText()).reversed();
            case "cid" -> Comparator.comparingLong(c -> c.number("cid"));
            case "subs" -> Comparator.comparingLong(Conn::subs);
            default -> throw new CliException("invalid sort \"" + sort
                    + "\": use in-bytes, out-bytes, in-msgs, out-msgs, uptime, cid or subs");
        };
    }

    void render(List<Conn> report, String sort, boolean showReason) {
        Comparator<Conn> order = order(sort);
        report.sort(parent.reverse ? order.reversed() : order);
        int total = report.size();
        int limit = top > 0 && top <= total ? top : total;
        List<String> headers = new ArrayList<>(List.of("CID", "Name", "Server", "Cluster", "IP", "Account",
                "Uptime", "In Msgs", "Out Msgs", "In Bytes", "Out Bytes", "Subs"));
        if (showReason) {
            headers.add("Reason");
        }
        Table table = Table.titled("Top " + limit + " Connections out of " + Fmt.count(total) + " by " + sort,
                headers.toArray(String[]::new));
        long inMsgs = 0;
        long outMsgs = 0;
        long inBytes = 0;
        long outBytes = 0;
        long subs = 0;
        Map<String, long[]> perServer = new LinkedHashMap<>();
        Map<String, String> clusters = new LinkedHashMap<>();
        for (int i = 0; i < report.size(); i++) {
            Conn c = report.get(i);
            JsonNode info = c.info();
            String name = info.path("name").asText();
            if (name.length() > 40) {
                name = name.substring(0, 40) + " ..";
            }
            inMsgs += c.number("in_msgs");
            outMsgs += c.number("out_msgs");
            inBytes += c.number("in_bytes");
            outBytes += c.number("out_bytes");
            subs += info.path("subscriptions").asLong();
            String server = c.server().path("name").asText();
            perServer.computeIfAbsent(server, k -> new long[1])[0]++;
            clusters.putIfAbsent(server, c.server().path("cluster").asText(""));
            String account = info.path("account").asText();
            if (account.length() > 46) {
                account = account.substring(0, 12) + " ..";
            }
            String kind = info.path("kind").asText("Client");
            String cid = kind.equals("Client") || kind.isEmpty() ? Long.toString(c.number("cid"))
                    : kind.charAt(0) + Long.toString(c.number("cid"));
            if (i < limit) {
                List<Object> row = new ArrayList<>(List.of(cid, name, server, c.server().path("cluster").asText(""),
                        info.path("ip").asText() + ":" + info.path("port").asInt(), account,
                        info.path("uptime").asText(), Fmt.count(c.number("in_msgs")),
                        Fmt.count(c.number("out_msgs")), Human.bytes(c.number("in_bytes")),
                        Human.bytes(c.number("out_bytes")), Fmt.count(c.subs())));
                if (showReason) {
                    row.add(info.path("reason").asText());
                }
                table.row(row.toArray());
            }
        }
        if (report.size() > 1) {
            List<Object> footer = new ArrayList<>(List.of("", "Totals for " + Fmt.count(total) + " connections",
                    "", "", "", "", "", Fmt.count(inMsgs), Fmt.count(outMsgs), Human.bytes(inBytes),
                    Human.bytes(outBytes), Fmt.count(subs)));
            if (showReason) {
                footer.add("");
            }
            table.row(footer.toArray());
        }
        PrintWriter out = out();
        table.print(out);
        if (!perServer.isEmpty()) {
            out.println();
            Table servers = Table.titled("Connections per server", "Server", "Cluster", "Connections");
            perServer.entrySet().stream().sorted(Comparator.comparingLong(e -> e.getValue()[0]))
                    .forEach(e -> servers.row(e.getKey(), clusters.get(e.getKey()), e.getValue()[0]));
            servers.print(out);
        }
    }

    static ArrayNode flat(List<Conn> conns) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (Conn c : conns) {
            ObjectNode o = c.info().deepCopy();
            o.set("server", c.server());
            array.add(o);
        }
        return array;
    }
}
