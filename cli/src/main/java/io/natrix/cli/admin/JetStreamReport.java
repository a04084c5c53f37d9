package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Human;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code server report jetstream}: "JetStream Summary" per server from jsz (streams, consumers, messages, storage,
 * API requests), the meta leader marked, totals last, as natscli's JetStream report.
 */
@Command(name = "jetstream", aliases = {"jsz", "js"}, description = "Report on JetStream activity")
final class JetStreamReport extends Report {
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
