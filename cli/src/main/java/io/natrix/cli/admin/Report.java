package io.natrix.cli.admin;

import io.natrix.cli.support.ScatterGather;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The base of each {@code server report}: the server filter every report takes ({@code --host}, {@code --cluster},
 * {@code --tags}), {@code --json}, the parent's {@code --reverse}, and the gathering of one monitoring document from
 * every server, error answers turned into one-line errors.
 */
abstract class Report extends ClientCommand {
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
