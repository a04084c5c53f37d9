package io.natrix.cli.admin;

import io.natrix.cli.support.ScatterGather;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code server report cpu} and {@code server report mem}: one statsz figure per server as natscli's bar graph.
 */
abstract class UsageReport extends Report {
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

    @Command(name = "cpu", description = "Report on CPU usage")
    static final class Cpu extends UsageReport {
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
    static final class Memory extends UsageReport {
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
