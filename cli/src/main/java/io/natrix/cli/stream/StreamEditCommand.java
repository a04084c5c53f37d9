package io.natrix.cli.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stream edit STREAM}: changes a stream's configuration by the flags given (or replaces it with a
 * {@code --config} file), shows the differences, asks (or {@code --force}), updates and prints the info, as
 * natscli does. {@code --dry-run} only shows the differences and exits 1 when there are some.
 */
@Command(name = "edit", aliases = "update", description = "Edits an existing stream")
final class StreamEditCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream to edit")
    String stream;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON file to read configuration from")
    String configFile;

    @Option(names = {"-f", "--force"}, description = "Force edit without prompting")
    boolean force;

    @Option(names = "--dry-run", description = "Only shows differences, do not edit the stream")
    boolean dryRun;

    @Option(names = "--no-transform", description = "Removes current subject transform configuration")
    boolean noTransform;

    @Option(names = "--no-republish", description = "Removes current republish configuration")
    boolean noRepublish;

    @Mixin
    StreamFlags flags;

    @Override
    public Integer call() throws Exception {
        try (Connection nc = connect()) {
            JsApi api = new JsApi(nc, globals());
            ObjectNode current = (ObjectNode) api.streamInfo(stream).path("config").deepCopy();
            if (current.get("metadata") instanceof ObjectNode meta) {
                meta.properties().removeIf(e -> e.getKey().startsWith("_nats."));
            }
            ObjectNode next;
            if (configFile != null) {
                next = ConfigFiles.load(configFile);
                if (next.path("name").asText("").isEmpty()) {
                    next.put("name", stream);
                }
            } else {
                next = flags.applyTo(current, null);
                if (noTransform) {
                    next.remove("subject_transform");
                }
                if (noRepublish) {
                    next.remove("republish");
                }
            }
            boolean differs = ConfigDiff.show(out(), current, next, dryRun);
            if (!differs || dryRun) {
                return differs ? 1 : 0; // a dry run that finds differences exits 1, as natscli's does
            }
            if (!new Prompter(globals(), out(), false).confirm("edit Stream " + stream, force)) {
                return 0;
            }
            ObjectNode info = api.request("STREAM.UPDATE." + stream, next);
            if (flags.json()) {
                Json.print(out(), info);
                return 0;
            }
            out().printf("Stream %s was updated%n%n", stream);
            StreamView.print(out(), info, false);
            return 0;
        }
    }
}
