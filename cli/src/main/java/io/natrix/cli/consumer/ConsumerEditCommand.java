package io.natrix.cli.consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Json;
import io.natrix.cli.stream.ConfigDiff;
import io.natrix.cli.stream.ConfigFiles;
import io.natrix.cli.stream.JsApi;
import io.natrix.cli.stream.Prompter;
import io.nats.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code consumer edit STREAM CONSUMER}: changes a durable consumer by the flags given (or to a {@code --config}
 * file), shows the differences, asks (or {@code --force}) and updates it, as natscli does; {@code --dry-run} only
 * shows the differences and exits 1 when there are some.
 */
@Command(name = "edit", aliases = "update", description = "Edits the configuration of a consumer")
final class ConsumerEditCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
    String stream;

    @Parameters(index = "1", paramLabel = "CONSUMER", description = "Consumer name")
    String consumer;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON file to read configuration from")
    String configFile;

    @Option(names = {"-f", "--force"}, description = "Force edit without prompting")
    boolean force;

    @Option(names = "--dry-run", description = "Only shows differences, do not edit the consumer")
    boolean dryRun;

    @Mixin
    ConsumerFlags flags;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connect()) {
            JsApi api = new JsApi(nc, globals());
            ObjectNode current = (ObjectNode) api.consumerInfo(stream, consumer).path("config").deepCopy();
            if (current.path("durable_name").asText("").isEmpty()) {
                throw new CliException("only durable consumers can be edited");
            }
            if (current.get("metadata") instanceof ObjectNode meta) {
                meta.properties().removeIf(e -> e.getKey().startsWith("_nats."));
                if (meta.isEmpty()) {
                    current.remove("metadata");
                }
            }
            ObjectNode next = configFile != null ? ConfigFiles.load(configFile) : flags.applyTo(current);
            if (next.path("backoff").size() > 0 && !next.path("ack_wait").equals(current.path("ack_wait"))) {
                throw new CliException("consumers with backoff policies do not support editing Ack Wait");
            }
            boolean differs = ConfigDiff.show(out(), current, next, dryRun);
            if (!differs || dryRun) {
                return differs ? 1 : 0; // a dry run that finds differences exits 1, as natscli's does
            }
            if (!new Prompter(globals(), out(), false).confirm("edit Consumer " + stream + " > " + consumer, force)) {
                return 0;
            }
            ObjectNode request = Json.MAPPER.createObjectNode().put("stream_name", stream);
            request.set("config", next);
            request.put("action", "update");
            ObjectNode info = api.request("CONSUMER.CREATE." + stream + "." + consumer, request);
            ConsumerView.print(out(), info);
            return 0;
        }
    }
}
