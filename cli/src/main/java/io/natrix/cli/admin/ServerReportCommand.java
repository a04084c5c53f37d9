package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;

/**
 * {@code natrix server report KIND}: reports across every server over the system account, as natscli's
 * {@code server report}: {@code connections} (the busiest connections and how many each server holds, from connz),
 * {@code accounts} (connections and traffic per account, from connz) and {@code jetstream} (streams, consumers,
 * messages, storage and API use per server, from jsz), {@code health} (each server's healthz), and {@code cpu} and
 * {@code mem} (bar graphs from statsz). Each takes the server filter flags and {@code --json}.
 */
@Command(name = "report", aliases = "rep", description = "Report on various server metrics",
        subcommands = {ServerReportCommand.Connections.class, ServerReportCommand.Accounts.class,
                ServerReportCommand.JetStream.class, ServerReportCommand.Health.class, ServerReportCommand.Cpu.class,
                ServerReportCommand.Memory.class})
public final class ServerReportCommand extends ClientCommand {

    /** Pages of connz one report reads at most from each server (1024 connections a page). */
    private static final int CONNZ_PAGES_MAX = 64;

    private static final int CONNZ_PAGE = 1024;

    @Option(names = {"-R", "--reverse"}, scope = ScopeType.INHERIT, description = "Reverse sort connections")
    boolean reverse;

    @Override
    public Integer call() {
        throw new CliException("a report is required: connections, accounts, jetstream, health, cpu or mem");
    }

    /** The server filter every report takes, and the gathering of one document from every server. */
    abstract static class Report extends ClientCommand {
        @ParentCommand
        ServerReportCommand parent;

        @Option(names = "--host", description = "Limit the report to a specific NATS server")
        String host;

        @Option(names = "--cluster", description = "Limit the report to a specific Cluster")
        String cluster;

        @Option(names = "--tags", split = ",", description = "Limit the report to nodes matching certain tags")
        List<String> tags = new ArrayList<>();

        @Option(names = {"-j", "--json"}, description = "Produce JSON output")
        boolean json;

        ObjectNode filter() {
            ObjectNode o = Json.MAPPER.createObjectNode();
            if (host != null) {
                o.put("host", host);
            }
            if (cluster != null) {
                o.put("cluster", cluster);
            }
            if (!tags.isEmpty()) {
                tags.forEach(o.putArray("tags")::add);
            }
            return o;
        }

        /** Every server's answer to one request, checked for errors. */
        List<JsonNode> gather(Connection nc, String subject, ObjectNode body, int expect) {
            List<byte[]> raw = ScatterGather.request(nc, subject, body.toString(), expect, globals().timeout());
            if (raw.isEmpty()) {
                throw new CliException(ScatterGather.NO_SYSTEM_PRIVILEGES);
            }
            List<JsonNode> answers = SystemAnswers.parse(raw, subject);
            for (JsonNode a : answers) {
                SystemAnswers.data(a);
            }
            return answers;
        }
    }

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

    /** The connections filters and their connz request, paging through each server's connections. */
    abstract static class ConnectionsReport extends Report {
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

    @Command(name = "connections", aliases = {"conn", "connz", "conns"}, description = "Report on connections")
    static final class Connections extends ConnectionsReport {
        @Parameters(index = "0", arity = "0..1", paramLabel = "LIMIT",
                description = "Limit the responses to a certain amount of servers")
        int waitFor;

        @Option(names = "--account", description = "Limit report to a specific account")
        String account;

        @Override
        int waitFor() {
            return waitFor;
        }

        @Option(names = "--sort", defaultValue = "subs",
                description = "Sort by a specific property (in-bytes,out-bytes,in-msgs,out-msgs,uptime,cid,subs)")
        String sort;

        @Option(names = "--subject",
                description = "Limits responses only to those connections with matching subscription interest")
        String subject;

        @Option(names = "--username",
                description = "Limits responses only to those connections for a specific authentication username")
        String user;

        @Option(names = "--state", defaultValue = "open",
                description = "Limits responses only to those connections that are in a specific state "
                        + "(open, closed, all)")
        String state;

        @Override
        String account() {
            return account;
        }

        @Override
        public Integer call() throws InterruptedException {
            order(sort);
            List<Conn> conns;
            try (Connection nc = connect()) {
                conns = connections(nc, user, subject, state);
            }
            if (json) {
                Json.print(out(), flat(conns));
                return 0;
            }
            render(conns, sort, state.equals("closed") || state.equals("all"));
            return 0;
        }
    }

    @Command(name = "accounts", aliases = "acct", description = "Report on account activity")
    static final class Accounts extends ConnectionsReport {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ACCOUNT",
                description = "Account to produce a report for")
        String account;

        @Parameters(index = "1", arity = "0..1", paramLabel = "LIMIT",
                description = "Limit the responses to a certain amount of servers")
        int waitFor;

        @Option(names = "--sort", defaultValue = "subs",
                description = "Sort by a specific property (in-bytes,out-bytes,in-msgs,out-msgs,conns,subs)")
        String sort;

        @Override
        String account() {
            return account == null || account.isEmpty() ? null : account;
        }

        @Override
        int waitFor() {
            return waitFor;
        }

        @Override
        public Integer call() throws InterruptedException {
            account = account();
            Comparator<ObjectNode> order = switch (sort) {
                case "in-bytes" -> Comparator.comparingLong(a -> a.path("in_bytes").asLong());
                case "out-bytes" -> Comparator.comparingLong(a -> a.path("out_bytes").asLong());
                case "in-msgs" -> Comparator.comparingLong(a -> a.path("in_msgs").asLong());
                case "out-msgs" -> Comparator.comparingLong(a -> a.path("out_msgs").asLong());
                case "conns" -> Comparator.comparingLong(a -> a.path("connections").asLong());
                case "subs" -> Comparator.comparingLong(a -> a.path("subscriptions").asLong());
                default -> throw new CliException("invalid sort \"" + sort
                        + "\": use in-bytes, out-bytes, in-msgs, out-msgs, conns or subs");
            };
            List<Conn> conns;
            try (Connection nc = connect()) {
                conns = connections(nc, null, null, "open");
            }
            Map<String, ObjectNode> accounts = new LinkedHashMap<>();
            Map<String, List<Conn>> byAccount = new LinkedHashMap<>();
            for (Conn c : conns) {
                String name = c.info().path("account").asText();
                ObjectNode a = accounts.computeIfAbsent(name, k -> Json.MAPPER.createObjectNode().put("account", k));
                a.put("connections", a.path("connections").asLong() + 1);
                for (String f : List.of("in_msgs", "out_msgs", "in_bytes", "out_bytes")) {
                    a.put(f, a.path(f).asLong() + c.number(f));
                }
                a.put("subscriptions", a.path("subscriptions").asLong() + c.subs());
                byAccount.computeIfAbsent(name, k -> new ArrayList<>()).add(c);
            }
            if (account != null) {
                List<Conn> mine = byAccount.get(account);
                if (mine == null) {
                    throw new CliException("did not receive any results for account " + account);
                }
                if (json) {
                    ObjectNode a = accounts.get(account);
                    a.set("connections_info", flat(mine));
                    Json.print(out(), a);
                    return 0;
                }
                render(mine, "subs", false);
                return 0;
            }
            List<ObjectNode> list = new ArrayList<>(accounts.values());
            list.sort(parent.reverse ? order.reversed() : order);
            if (top > 0 && top < list.size()) {
                list = parent.reverse ? list.subList(0, top) : list.subList(list.size() - top, list.size());
            }
            if (json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                list.forEach(array::add);
                Json.print(out(), array);
                return 0;
            }
            Table table = Table.titled(list.size() + " Accounts Overview", "Account", "Connections", "In Msgs",
                    "Out Msgs", "In Bytes", "Out Bytes", "Subs");
            for (ObjectNode a : list) {
                table.row(a.path("account").asText(), Fmt.count(a.path("connections").asLong()),
                        Fmt.count(a.path("in_msgs").asLong()), Fmt.count(a.path("out_msgs").asLong()),
                        Human.bytes(a.path("in_bytes").asLong()), Human.bytes(a.path("out_bytes").asLong()),
                        Fmt.count(a.path("subscriptions").asLong()));
            }
            table.print(out());
            return 0;
        }
    }

    @Command(name = "jetstream", aliases = {"jsz", "js"}, description = "Report on JetStream activity")
    static final class JetStream extends Report {
        @Parameters(index = "0", arity = "0..1", paramLabel = "LIMIT",
                description = "Limit the responses to a certain amount of servers")
        int waitFor;

        @Option(names = "--account", description = "Produce the report for a specific account")
        String account;

        @Option(names = "--sort", defaultValue = "cluster",
                description = "Sort by a specific property "
                        + "(name,cluster,streams,consumers,msgs,mbytes,mem,file,api,err)")
        String sort;

        @Option(names = "--compact", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Compact server names (default true)")
        boolean compact;

        private record Row(JsonNode server, JsonNode data, long streams, long consumers, long messages, long bytes,
                           long memory, long store, long api, long apiErrors, long pending) {
        }

        @Override
        public Integer call() throws InterruptedException {
            Comparator<Row> byName = Comparator.comparing(r -> r.server().path("name").asText());
            Comparator<Row> order = switch (sort) {
                case "name" -> byName;
                case "streams" -> Comparator.<Row>comparingLong(Row::streams).thenComparing(byName);
                case "consumers" -> Comparator.<Row>comparingLong(Row::consumers).thenComparing(byName);
                case "msgs" -> Comparator.comparingLong(Row::messages);
                case "mbytes", "bytes" -> Comparator.comparingLong(Row::bytes);
                case "mem" -> Comparator.comparingLong(Row::memory);
                case "file", "store" -> Comparator.comparingLong(Row::store);
                case "api" -> Comparator.comparingLong(Row::api);
                case "err" -> Comparator.comparingLong(Row::apiErrors);
                case "cluster" -> Comparator.<Row, String>comparing(r -> r.server().path("cluster").asText(""))
                        .thenComparing(byName);
                default -> throw new CliException("invalid sort \"" + sort
                        + "\": use name, cluster, streams, consumers, msgs, mbytes, mem, file, api or err");
            };
            ObjectNode body = filter();
            if (account != null) {
                body.put("account", account);
                body.put("streams", true);
                body.put("consumer", true);
                body.put("limit", 10000);
            }
            List<JsonNode> answers;
            try (Connection nc = connect()) {
                answers = gather(nc, "$SYS.REQ.SERVER.PING.JSZ", body, waitFor);
            }
            if (json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                answers.forEach(array::add);
                Json.print(out(), array);
                return 0;
            }
            List<Row> rows = new ArrayList<>();
            boolean domains = false;
            for (JsonNode answer : answers) {
                JsonNode d = answer.path("data");
                JsonNode stats = d.has("memory") ? d : d.path("stats");
                long memory = stats.path("memory").asLong();
                long store = stats.path("storage").asLong();
                long api = stats.path("api").path("total").asLong();
                long apiErrors = stats.path("api").path("errors").asLong();
                long streams = d.path("streams").asLong();
                long consumers = d.path("consumers").asLong();
                long messages = d.path("messages").asLong();
                long bytes = d.path("bytes").asLong();
                JsonNode details = d.path("account_details");
                if (account != null && details.size() == 1) {
                    JsonNode acc = details.get(0);
                    memory = acc.path("memory").asLong();
                    store = acc.path("storage").asLong();
                    api = acc.path("api").path("total").asLong();
                    apiErrors = acc.path("api").path("errors").asLong();
                    bytes = memory + store;
                    streams = acc.path("stream_detail").size();
                    consumers = 0;
                    messages = 0;
                    for (JsonNode s : acc.path("stream_detail")) {
                        consumers += s.path("state").path("consumer_count").asLong();
                        messages += s.path("state").path("messages").asLong();
                    }
                }
                if (!d.path("config").path("domain").asText("").isEmpty()) {
                    domains = true;
                }
                rows.add(new Row(answer.path("server"), d, streams, consumers, messages, bytes, memory, store, api,
                        apiErrors, d.path("meta_cluster").path("pending").asLong()));
            }
            rows.sort(parent.reverse ? order.reversed() : order);
            List<String> names = new ArrayList<>();
            rows.forEach(r -> names.add(r.server().path("name").asText()));
            List<String> shown = compact ? SystemAnswers.compact(names) : names;
            List<String> headers = new ArrayList<>(List.of("Server", "Cluster"));
            if (domains) {
                headers.add("Domain");
            }
            headers.addAll(List.of("Streams", "Consumers", "Messages", "Bytes", "Memory", "File", "API Req",
                    "Pending"));
            Table table = Table.titled(account == null ? "JetStream Summary" : "JetStream Summary for Account "
                    + account, headers.toArray(String[]::new));
            long[] totals = new long[8];
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                String leader = r.data().path("meta_cluster").path("leader").asText("")
                        .equals(r.server().path("name").asText()) ? "*" : "";
                List<Object> row = new ArrayList<>(List.of(shown.get(i) + leader,
                        r.server().path("cluster").asText("")));
                if (domains) {
                    row.add(r.data().path("config").path("domain").asText(""));
                }
                row.addAll(List.of(Fmt.count(r.streams()), Fmt.count(r.consumers()), Fmt.count(r.messages()),
                        Human.bytes(r.bytes()), Human.bytes(r.memory()), Human.bytes(r.store()), Fmt.count(r.api()),
                        r.pending()));
                table.row(row.toArray());
                long[] values = {r.streams(), r.consumers(), r.messages(), r.bytes(), r.memory(), r.store(), r.api(),
                        r.pending()};
                for (int k = 0; k < totals.length; k++) {
                    totals[k] += values[k];
                }
            }
            List<Object> footer = new ArrayList<>(List.of("", ""));
            if (domains) {
                footer.add("");
            }
            footer.addAll(List.of(Fmt.count(totals[0]), Fmt.count(totals[1]), Fmt.count(totals[2]),
                    Human.bytes(totals[3]), Human.bytes(totals[4]), Human.bytes(totals[5]), Fmt.count(totals[6]),
                    totals[7]));
            table.row(footer.toArray());
            table.print(out());
            return 0;
        }
    }

    @Command(name = "health", description = "Report on Server health")
    static final class Health extends Report {
        /** Errors shown per server before the rest are summed up in one row, as natscli does. */
        private static final int ERRORS_SHOWN_MAX = 10;

        @Parameters(index = "0", arity = "0..1", paramLabel = "LIMIT",
                description = "Limit the responses to a certain amount of servers")
        int waitFor;

        @Option(names = {"-J", "--js-enabled"}, description = "Checks that JetStream should be enabled on all servers")
        boolean jsEnabled;

        @Option(names = {"-S", "--server-only"},
                description = "Restricts the health check to the JetStream server only, do not check streams "
                        + "and consumers")
        boolean serverOnly;

        @Option(names = "--account", description = "Check only a specific Account")
        String account;

        @Option(names = "--stream", description = "Check only a specific Stream")
        String stream;

        @Option(names = "--consumer", description = "Check only a specific Consumer")
        String consumer;

        @Override
        public Integer call() throws InterruptedException {
            ObjectNode body = filter();
            body.put("js-enabled-only", jsEnabled);
            body.put("js-server-only", serverOnly);
            body.put("details", true);
            if (account != null) {
                body.put("account", account);
            }
            if (stream != null) {
                body.put("stream", stream);
            }
            if (consumer != null) {
                body.put("consumer", consumer);
            }
            List<JsonNode> answers;
            try (Connection nc = connect()) {
                answers = gather(nc, "$SYS.REQ.SERVER.PING.HEALTHZ", body, waitFor);
            }
            if (json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                answers.forEach(array::add);
                Json.print(out(), array);
                return 0;
            }
            Comparator<JsonNode> byName = Comparator.comparing(a -> a.path("server").path("name").asText());
            answers = new ArrayList<>(answers);
            answers.sort(parent.reverse ? byName.reversed() : byName);
            Table table = Table.titled("Health Report", "Server", "Cluster", "Domain", "Status", "Type", "Error");
            int ok = 0;
            int failed = 0;
            int errors = 0;
            java.util.Set<String> clusters = new java.util.HashSet<>();
            for (JsonNode a : answers) {
                JsonNode server = a.path("server");
                JsonNode data = a.path("data");
                // status_code is left out of a healthy answer by some servers: "ok" alone means 200.
                int code = data.path("status_code").asInt(data.path("status").asText().equals("ok") ? 200 : 503);
                table.row(server.path("name").asText(), server.path("cluster").asText(""),
                        server.path("domain").asText(""), data.path("status").asText() + " (" + code + ")");
                if (code == 200) {
                    ok++;
                } else {
                    failed++;
                }
                clusters.add(server.path("cluster").asText(""));
                JsonNode list = data.path("errors");
                int count = list.size();
                errors += count;
                int shown = count > ERRORS_SHOWN_MAX ? ERRORS_SHOWN_MAX - 1 : count;
                for (int i = 0; i < shown; i++) {
                    table.row("", "", "", "", list.get(i).path("type").asText(), list.get(i).path("error").asText());
                }
                if (shown != count) {
                    table.row("", "", "", (count - shown) + " more errors");
                }
            }
            table.row(Fmt.count(answers.size()), Fmt.count(clusters.size()), "", "ok: " + ok + " / err: " + failed, "",
                    Fmt.count(errors));
            table.print(out());
            return 0;
        }
    }

    /** {@code report cpu} and {@code report mem}: one statsz figure per server as a bar graph. */
    abstract static class Usage extends Report {
        @Parameters(index = "0", arity = "0..1", paramLabel = "LIMIT",
                description = "Limit the responses to a certain amount of servers")
        int waitFor;

        abstract String caption();

        abstract boolean bytes();

        abstract double value(JsonNode statsz);

        @Override
        public Integer call() throws InterruptedException {
            List<JsonNode> answers;
            try (Connection nc = connect()) {
                List<byte[]> raw = ScatterGather.request(nc, "$SYS.REQ.SERVER.PING.STATSZ", filter().toString(),
                        waitFor, globals().timeout());
                if (raw.isEmpty()) {
                    throw new CliException(ScatterGather.NO_SYSTEM_PRIVILEGES);
                }
                answers = SystemAnswers.parse(raw, "$SYS.REQ.SERVER.PING.STATSZ");
            }
            Map<String, Double> usage = new LinkedHashMap<>();
            for (JsonNode a : answers) {
                JsonNode statsz = a.has("statsz") ? a.path("statsz") : SystemAnswers.data(a);
                usage.put(a.path("server").path("name").asText(), value(statsz));
            }
            if (json) {
                ObjectNode o = Json.MAPPER.createObjectNode();
                usage.forEach(o::put);
                Json.print(out(), o);
                return 0;
            }
            out().print(BarGraph.render(usage, caption(), BarGraph.WIDTH, bytes()));
            out().flush();
            return 0;
        }
    }

    @Command(name = "cpu", description = "Report on CPU usage")
    static final class Cpu extends Usage {
        @Override
        String caption() {
            return "CPU Usage";
        }

        @Override
        boolean bytes() {
            return false;
        }

        @Override
        double value(JsonNode statsz) {
            return statsz.path("cpu").asDouble();
        }
    }

    @Command(name = "mem", description = "Report on Memory usage")
    static final class Memory extends Usage {
        @Override
        String caption() {
            return "Memory Usage";
        }

        @Override
        boolean bytes() {
            return true;
        }

        @Override
        double value(JsonNode statsz) {
            return statsz.path("mem").asDouble();
        }
    }
}
