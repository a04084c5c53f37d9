package io.natrix.cli.micro;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.admin.Columns;
import io.natrix.cli.admin.Fmt;
import io.natrix.cli.support.ScatterGather;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.nats.client.Connection;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code natrix service} (alias {@code micro}): discovery of NATS micro services, as natscli's {@code service}
 * command. Every service instance answers the discovery subjects {@code $SRV.PING|INFO|STATS[.NAME[.ID]]}; these
 * commands send one request there with an inbox and gather the answers ({@link ScatterGather}): {@code list} shows
 * the instances, {@code info} one instance's endpoints and statistics, {@code stats} every instance's endpoint
 * counters, {@code ping} each instance's round trip; {@code request} calls an endpoint by name
 * ({@link ServiceRequestCommand}) and {@code serve} runs natscli's demo echo service
 * ({@link ServiceServeCommand}). Answers of another type than the verb's are ignored, as natscli ignores them, so
 * a misbehaving responder cannot break the listing.
 */
@Command(name = "service", aliases = "micro", description = "Services discovery and management",
        subcommands = {ServiceCommand.ListServices.class, ServiceCommand.Info.class, ServiceCommand.Stats.class,
                ServiceCommand.Ping.class, ServiceRequestCommand.class, ServiceServeCommand.class})
public final class ServiceCommand extends ClientCommand {

    static final String PREFIX = "$SRV";

    @Override
    public Integer call() {
        throw new CliException("a service command is required: list, info, stats, ping, request or serve");
    }

    /** The discovery subject for a verb, narrowed to a service name and instance id when given. */
    static String subject(String verb, String name, String id) {
        if (name == null || name.isEmpty()) {
            return PREFIX + "." + verb;
        }
        if (id == null || id.isEmpty()) {
            return PREFIX + "." + verb + "." + name;
        }
        return PREFIX + "." + verb + "." + name + "." + id;
    }

    /** The answers of the expected type ({@code io.nats.micro.v1.<kind>_response}), sorted by name then id. */
    static List<JsonNode> answers(List<byte[]> raw, String kind) {
        List<JsonNode> parsed = new ArrayList<>();
        String type = "io.nats.micro.v1." + kind + "_response";
        for (byte[] data : raw) {
            try {
                JsonNode node = Json.MAPPER.readTree(data);
                if (node != null && type.equals(node.path("type").asText())) {
                    parsed.add(node);
                }
            } catch (java.io.IOException e) {
                // natscli skips answers it cannot read: one broken responder must not hide the others.
            }
        }
        parsed.sort(Comparator.<JsonNode, String>comparing(n -> n.path("name").asText())
                .thenComparing(n -> n.path("id").asText()));
        return parsed;
    }

    /** A discovery request's answers; no responders means no instance runs, natscli's one-line error. */
    static List<byte[]> discover(Connection nc, String subject, int expect, java.time.Duration timeout) {
        try {
            return ScatterGather.request(nc, subject, "", expect, timeout);
        } catch (ScatterGather.NoResponders e) {
            throw new CliException("no service instances found", e);
        }
    }

    /** One request, many answers, on a connection of this command line. */
    abstract static class Discovery extends ClientCommand {
        List<byte[]> request(Connection nc, String subject, int expect) {
            return discover(nc, subject, expect, globals().timeout());
        }
    }

    @Command(name = "list", aliases = {"ls", "l"}, description = "List known Services")
    static final class ListServices extends Discovery {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME",
                description = "List instances of a specific Service")
        String name;

        @Option(names = {"-j", "--json"}, description = "Show JSON output")
        boolean json;

        @Override
        public Integer call() throws InterruptedException {
            List<JsonNode> infos;
            try (Connection nc = connect()) {
                infos = answers(request(nc, subject("INFO", name, null), 0), "info");
            }
            PrintWriter out = out();
            if (json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                infos.forEach(array::add);
                Json.print(out, array);
                return 0;
            }
            if (infos.isEmpty()) {
                out.println("No results received");
                out.flush();
                return 0;
            }
            Table table = name == null || name.isEmpty() ? Table.titled("All Services", "Name", "Version", "ID",
                    "Description") : Table.titled(name + " Service Instances", "Name", "Version", "ID", "Description");
            String previousName = null;
            String previousVersion = null;
            String previousDescription = null;
            for (JsonNode info : infos) {
                String n = info.path("name").asText();
                String v = info.path("version").asText();
                String d = info.path("description").asText();
                // Repeated values are left out, as natscli does, so instances of one service read as a group.
                table.row(n.equals(previousName) ? "" : n, v.equals(previousVersion) ? "" : v,
                        info.path("id").asText(), d.equals(previousDescription) ? "" : d);
                previousName = n;
                previousVersion = v;
                previousDescription = d;
            }
            table.print(out);
            return 0;
        }
    }

    @Command(name = "info", aliases = "i", description = "Show Service information")
    static final class Info extends Discovery {
        @Parameters(index = "0", paramLabel = "SERVICE", description = "Service to show")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "Show info for a specific ID")
        String id;

        @Option(names = {"-e", "--endpoint"}, paramLabel = "REGEX",
                description = "Filter shown endpoints using a regular expression")
        String endpoint;

        @Option(names = {"-j", "--json"}, description = "Show JSON output")
        boolean json;

        @Override
        public Integer call() throws InterruptedException {
            Pattern filter = null;
            if (endpoint != null) {
                try {
                    filter = Pattern.compile(endpoint);
                } catch (PatternSyntaxException e) {
                    throw new CliException("invalid endpoint regular expression \"" + endpoint + "\": "
                            + e.getDescription());
                }
            }
            JsonNode info;
            JsonNode stats;
            try (Connection nc = connect()) {
                List<JsonNode> infos = answers(request(nc, subject("INFO", name, id), 1), "info");
                if (infos.isEmpty()) {
                    out().println(json ? "{}" : "No results received");
                    out().flush();
                    return 0;
                }
                info = infos.get(0);
                List<JsonNode> all = answers(request(nc, subject("STATS", info.path("name").asText(),
                        info.path("id").asText()), 1), "stats");
                if (all.isEmpty()) {
                    throw new CliException("no statistics received for " + info.path("name").asText() + " > "
                            + info.path("id").asText());
                }
                stats = all.get(0);
            }
            if (json) {
                ObjectNode both = Json.MAPPER.createObjectNode();
                both.set("info", filtered(info, filter));
                both.set("stats", filtered(stats, filter));
                Json.print(out(), both);
                return 0;
            }
            render(info, stats, filter).print(out());
            return 0;
        }

        private static JsonNode filtered(JsonNode doc, Pattern filter) {
            if (filter == null) {
                return doc;
            }
            ObjectNode copy = doc.deepCopy();
            ArrayNode kept = copy.putArray("endpoints");
            for (JsonNode e : doc.path("endpoints")) {
                if (filter.matcher(e.path("name").asText()).find()) {
                    kept.add(e);
                }
            }
            return copy;
        }

        private static Columns render(JsonNode info, JsonNode stats, Pattern filter) {
            Columns cols = new Columns("Service Information");
            cols.row("Service", info.path("name").asText() + " (" + info.path("id").asText() + ")");
            cols.row("Description", info.path("description").asText());
            cols.row("Version", info.path("version").asText());
            Map<String, String> metadata = strings(info.path("metadata"));
            if (!metadata.isEmpty()) {
                cols.mapRows("Metadata", metadata);
            }
            cols.title("Endpoints:");
            cols.indent(2);
            for (JsonNode e : info.path("endpoints")) {
                if (filter != null && !filter.matcher(e.path("name").asText()).find()) {
                    continue;
                }
                cols.line("");
                cols.row("Name", e.path("name").asText());
                cols.row("Subject", e.path("subject").asText());
                cols.rowIfNotEmpty("Queue Group", e.path("queue_group").asText());
                Map<String, String> em = strings(e.path("metadata"));
                if (!em.isEmpty()) {
                    cols.mapRows("Metadata", em);
                }
            }
            cols.indent(0);
            cols.title("Statistics for " + stats.path("endpoints").size() + " Endpoint(s)");
            ZonedDateTime started = Fmt.time(stats.path("started").asText());
            for (JsonNode e : stats.path("endpoints")) {
                String name = e.path("name").asText();
                if (filter != null && !filter.matcher(name).find()) {
                    continue;
                }
                cols.indent(2);
                cols.title((name.isEmpty() ? "default" : name) + " Endpoint Statistics");
                cols.row("Requests", Fmt.count(e.path("num_requests").asLong()) + " in group \""
                        + e.path("queue_group").asText() + "\"");
                cols.row("Processing Time", Fmt.duration(Duration.ofNanos(e.path("processing_time").asLong()))
                        + " (average " + Fmt.duration(Duration.ofNanos(e.path("average_processing_time").asLong()))
                        + ")");
                cols.row("Started", started == null ? stats.path("started").asText()
                        : Fmt.localTime(stats.path("started").asText()) + " ("
                        + Fmt.duration(Duration.between(started, ZonedDateTime.now())) + " ago)");
                cols.row("Errors", e.path("num_errors").asLong());
                cols.rowIfNotEmpty("Last Error", e.path("last_error").asText());
                JsonNode data = e.get("data");
                if (data != null && !data.isNull()) {
                    cols.title("Endpoint Specific Statistics");
                    cols.line("    " + Json.pretty(data).replace("\n", "\n    "));
                }
                cols.indent(0);
            }
            return cols;
        }

        private static Map<String, String> strings(JsonNode object) {
            Map<String, String> map = new LinkedHashMap<>();
            object.fields().forEachRemaining(f -> map.put(f.getKey(), f.getValue().asText()));
            return map;
        }
    }

    @Command(name = "stats", description = "Report Service statistics")
    static final class Stats extends Discovery {
        @Parameters(index = "0", paramLabel = "SERVICE", description = "Service to show")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "ID", description = "Show info for a specific ID")
        String id;

        @Option(names = {"-j", "--json"}, description = "Show JSON output")
        boolean json;

        @Override
        public Integer call() throws InterruptedException {
            List<JsonNode> stats;
            try (Connection nc = connect()) {
                stats = answers(request(nc, subject("STATS", name, id), 0), "stats");
            }
            PrintWriter out = out();
            if (stats.isEmpty()) {
                out.println("No responses received");
                out.flush();
                return 0;
            }
            if (json) {
                ArrayNode array = Json.MAPPER.createArrayNode();
                stats.forEach(array::add);
                Json.print(out, array);
                return 0;
            }
            Table table = Table.titled(name + " Service Statistics", "ID", "Endpoint", "Requests", "Queue Group",
                    "Errors", "Processing Time", "Average Time");
            long requests = 0;
            long errors = 0;
            long runNanos = 0;
            for (JsonNode s : stats) {
                int i = 0;
                for (JsonNode e : s.path("endpoints")) {
                    table.row(i++ == 0 ? s.path("id").asText() : "", e.path("name").asText(),
                            Fmt.count(e.path("num_requests").asLong()), e.path("queue_group").asText(),
                            Fmt.count(e.path("num_errors").asLong()),
                            Fmt.duration(Duration.ofNanos(e.path("processing_time").asLong())),
                            Fmt.duration(Duration.ofNanos(e.path("average_processing_time").asLong())));
                    requests += e.path("num_requests").asLong();
                    errors += e.path("num_errors").asLong();
                    runNanos += e.path("processing_time").asLong();
                }
            }
            long average = runNanos > 0 && requests + errors > 0 ? runNanos / (requests + errors) : 0;
            table.row("", "", Fmt.count(requests), "", Fmt.count(errors), Fmt.duration(Duration.ofNanos(runNanos)),
                    Fmt.duration(Duration.ofNanos(average)));
            table.print(out);
            return 0;
        }
    }

    @Command(name = "ping", description = "Sends a ping to all Services")
    static final class Ping extends ClientCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "SERVICE", description = "Service to ping")
        String name;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = out();
            try (Connection nc = connect()) {
                // natscli listens for the whole timeout: instances anywhere in a super cluster get their chance.
                try {
                    ScatterGather.stream(nc, subject("PING", name, null), "", 0, globals().timeout(), null,
                            reply -> {
                                List<JsonNode> pong = answers(List.of(reply.data()), "ping");
                                if (!pong.isEmpty()) {
                                    JsonNode p = pong.get(0);
                                    out.printf(Locale.ROOT, "%-50s rtt=%s%n",
                                            p.path("name").asText() + " " + p.path("id").asText(),
                                            Fmt.duration(reply.elapsed()));
                                    out.flush();
                                }
                                return true;
                            });
                } catch (ScatterGather.NoResponders e) {
                    // No instance runs: natscli prints nothing for a ping nobody answers.
                }
            }
            return 0;
        }
    }
}
