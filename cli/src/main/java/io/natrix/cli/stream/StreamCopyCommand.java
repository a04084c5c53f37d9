package io.natrix.cli.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code stream copy SOURCE DESTINATION}: creates a new stream with the configuration of another, changed by the
 * flags given (subjects usually must change: two streams cannot take the same subjects). Copies no messages.
 */
@Command(name = "copy", aliases = "cp",
        description = "Creates a new stream based on the configuration of another, does not copy data")
final class StreamCopyCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "SOURCE", description = "Source stream to copy")
    String source;

    @Parameters(index = "1", paramLabel = "DESTINATION", description = "New stream to create")
    String destination;

    @Mixin
    StreamFlags flags;

    @Mixin
    StreamFlags.Create create;

    @Override
    public Integer call() throws Exception {
        if (source.equals(destination)) {
            throw new CliException("source and destination Stream names cannot be the same");
        }
        try (Connection nc = connect()) {
            JsApi api = new JsApi(nc, globals());
            ObjectNode cfg = (ObjectNode) api.streamInfo(source).path("config").deepCopy();
            cfg = flags.applyTo(cfg, create);
            cfg.put("name", destination);
            if (cfg.get("metadata") instanceof ObjectNode meta) {
                meta.properties().removeIf(e -> e.getKey().startsWith("_nats."));
            }
            ObjectNode info = api.request("STREAM.CREATE." + destination, cfg);
            if (flags.json()) {
                Json.print(out(), info);
                return 0;
            }
            out().printf("Stream %s was created%n%n", destination);
            StreamView.print(out(), info, false);
            return 0;
        }
    }
}
