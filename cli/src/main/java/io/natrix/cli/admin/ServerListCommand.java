package io.natrix.cli.admin;

import io.natrix.cli.support.ScatterGather;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix server list [EXPECT]}: every server's statsz, gathered with {@code $SYS.REQ.SERVER.PING}, as
 * natscli's "Server Overview" table (name, cluster, host, version, JetStream, connections, subscriptions, routes,
 * gateways, memory, CPU, cores, slow consumers, uptime, round trip), busiest first, with totals in the last row.
 * Needs a system account user.
 */
@Command(name = "list", aliases = "ls", description = "List known servers")
public final class ServerListCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "EXPECT", description = "How many servers to expect")
    int expect;

    @Option(names = {"-j", "--json"}, description = "Produce JSON output")
    boolean json;

    @Option(names = "--sort", paramLabel = "KEY", defaultValue = "rtt",
            description = "Sort servers by a specific key (name,cluster,conns,subs,routes,gws,mem,cpu,slow,uptime,rtt)")
    String sort;

    @Option(names = {"-R", "--reverse"}, description = "Reverse sort servers")
    boolean reverse;

    @Option(names = "--compact", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Compact server names (default true)")
    boolean compact;

    private record Answer(JsonNode statsz, Duration rtt) {
        JsonNode server() {
            return statsz.path("server");
        }

        JsonNode stats() {
            return statsz.path("statsz");
        }
    }

    @Override
    public Integer call() {
        Comparator<Answer> order = order(sort);
        List<Answer> answers = new ArrayList<>();
        try (Connection nc = connect()) {
            for (ScatterGather.Reply r : ScatterGather.gather(nc, "$SYS.REQ.SERVER.PING", "", expect,
                    globals().timeout())) {
                answers.add(new Answer(Json.parse(r.data(), "the answer to $SYS.REQ.SERVER.PING"), r.elapsed()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        if (answers.isEmpty()) {
            throw new CliException(ScatterGather.NO_SYSTEM_PRIVILEGES);
        }
        if (json) {
            ArrayNode array = Json.MAPPER.createArrayNode();
            answers.forEach(a -> array.add(a.statsz()));
            Json.print(out(), array);
            return 0;
        }
        // natscli sorts descending by default; --reverse gives ascending.
        answers.sort(reverse ? order : order.reversed());
        render(answers);
        return 0;
    }

    private static Comparator<Answer> order(String key) {
        Comparator<Answer> byName = Comparator.comparing(a -> a.server().path("name").asText());
        return switch (key.toLowerCase(Locale.ROOT)) {
            case "name" -> byName.reversed();
            case "conns", "conn" -> Comparator.comparingLong(a -> a.stats().path("connections").asLong());
            case "subs", "sub" -> Comparator.comparingLong(a -> a.stats().path("subscriptions").asLong());
            case "routes", "route" -> Comparator.<Answer>comparingInt(a -> a.stats().path("routes").size())
                    .thenComparing(byName.reversed());
            case "gws", "gw" -> Comparator.<Answer>comparingInt(a -> a.stats().path("gateways").size())
                    .thenComparing(byName.reversed());
            case "mem" -> Comparator.comparingLong(a -> a.stats().path("mem").asLong());
            case "cpu" -> Comparator.comparingDouble(a -> a.stats().path("cpu").asDouble());
            case "slow" -> Comparator.comparingLong(a -> a.stats().path("slow_consumers").asLong());
            case "uptime" -> Comparator.<Answer, String>comparing(a -> a.stats().path("start").asText()).reversed();
            case "cluster" -> Comparator.<Answer, String>comparing(a -> a.server().path("cluster").asText())
                    .thenComparing(byName.reversed()).reversed();
            case "rtt" -> Comparator.<Answer, Duration>comparing(Answer::rtt).reversed();
            default -> throw new CliException("invalid sort key \"" + key
                    + "\": use name, cluster, conns, subs, routes, gws, mem, cpu, slow, uptime or rtt");
        };
    }

    private void render(List<Answer> answers) {
        List<String> names = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        for (Answer a : answers) {
            names.add(a.server().path("name").asText());
            hosts.add(a.server().path("host").asText());
        }
        if (compact) {
            names = SystemAnswers.compact(names);
            hosts = SystemAnswers.compact(hosts);
        }
        Table table = Table.titled("Server Overview", "Name", "Cluster", "Host", "Version", "JS", "Conns", "Subs",
                "Routes", "GWs", "Mem", "CPU %", "Cores", "Slow", "Uptime", "RTT");
        long connections = 0;
        long subscriptions = 0;
        long memory = 0;
        long slow = 0;
        int jetStream = 0;
        java.util.Set<String> clusters = new java.util.TreeSet<>();
        String versionsDiffer = "";
        String gatewaysDiffer = "";
        String first = answers.get(0).server().path("ver").asText();
        int firstGateways = answers.get(0).stats().path("gateways").size();
        for (int i = 0; i < answers.size(); i++) {
            JsonNode server = answers.get(i).server();
            JsonNode stats = answers.get(i).stats();
            connections += stats.path("connections").asLong();
            subscriptions += stats.path("subscriptions").asLong();
            memory += stats.path("mem").asLong();
            slow += stats.path("slow_consumers").asLong();
            String cluster = server.path("cluster").asText("");
            if (!cluster.isEmpty()) {
                clusters.add(cluster);
            }
            String js = "no";
            if (server.path("jetstream").asBoolean()) {
                jetStream++;
                js = server.path("domain").asText("").isEmpty() ? "yes" : server.path("domain").asText();
            }
            if (!server.path("ver").asText().equals(first)) {
                versionsDiffer = "X";
            }
            if (stats.path("gateways").size() != firstGateways) {
                gatewaysDiffer = "X";
            }
            ZonedDateTime started = Fmt.time(stats.path("start").asText());
            ZonedDateTime now = Fmt.time(server.path("time").asText());
            String uptime = started == null || now == null ? "" : Fmt.duration(Duration.between(started, now));
            table.row(names.get(i), cluster, hosts.get(i), server.path("ver").asText(), js,
                    Fmt.count(stats.path("connections").asLong()), Fmt.count(stats.path("subscriptions").asLong()),
                    stats.path("routes").size(), stats.path("gateways").size(), Human.bytes(stats.path("mem").asLong()),
                    String.format(Locale.ROOT, "%.0f", stats.path("cpu").asDouble()), stats.path("cores").asInt(),
                    Fmt.count(stats.path("slow_consumers").asLong()), uptime,
                    Fmt.duration(roundMillis(answers.get(i).rtt())));
        }
        table.row("", clusters.size(), answers.size(), versionsDiffer, jetStream, Fmt.count(connections),
                Fmt.count(subscriptions), "", gatewaysDiffer, Human.bytes(memory), "", "", Fmt.count(slow), "", "");
        table.print(out());
    }

    private static Duration roundMillis(Duration d) {
        return Duration.ofMillis(Math.round(d.toNanos() / 1_000_000.0));
    }
}
