package io.natrix.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.output.Json;
import io.natrix.cli.output.Table;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code server report health}: each server's healthz and its errors, as natscli's "Health Report".
 */
@Command(name = "health", description = "Report on Server health")
final class HealthReport extends Report {
    /** Errors shown per server before the rest are summed up in one row, as natscli does. */
    private static final int ERRORS_SHOWN_MAX = 10;

    @Parameters(index = "0", arity = "0..1", paramLabel = "LIMIT",
            description = "Limit the responses to a certain amount of servers")
    int waitFor;

    @Mixin
    HealthFilter health;

    @Override
    public Integer call() throws InterruptedException {
        ObjectNode body = filter();
        health.addTo(body);
        body.put("details", true);
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
