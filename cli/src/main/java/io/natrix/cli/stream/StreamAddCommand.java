package io.natrix.cli.stream;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stream add [STREAM]}: creates a stream from flags (see {@link StreamFlags#newConfig}: flags, then
 * {@code --defaults}, then prompts on a terminal) or from a {@code --config} JSON file, then prints its info as
 * natscli does ("Stream X was created" and the info page), or the API's answer with {@code --json}.
 */
@Command(name = "add", aliases = {"create", "new"}, description = "Create a new stream")
final class StreamAddCommand extends ClientCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "STREAM", description = "Stream name")
    String stream;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON file to read configuration from")
    String configFile;

    @Option(names = "--output", paramLabel = "FILE", description = "Save configuration instead of creating")
    String outputFile;

    @Option(names = "--defaults", description = "Accept default values for all prompts")
    boolean defaults;

    @Mixin
    StreamFlags flags;

    @Mixin
    StreamFlags.Create create;

    @Override
    public Integer call() throws Exception {
        Prompter prompter = new Prompter(globals(), out(), defaults);
        try (Connection nc = connect()) {
            JsApi api = new JsApi(nc, globals());
            ObjectNode cfg;
            if (configFile != null) {
                cfg = fromFile();
            } else {
                String name = stream != null ? stream : prompter.ask("Stream Name", null, "the STREAM argument");
                cfg = flags.newConfig(name, create, prompter, maxBytesRequired(api));
            }
            String name = cfg.path("name").asText("");
            if (name.isEmpty()) {
                throw new CliException("a stream name is required (the STREAM argument or \"name\" in --config)");
            }
            if (outputFile != null) {
                ConfigFiles.save(outputFile, cfg);
                return 0;
            }
            ObjectNode info = api.request("STREAM.CREATE." + name, cfg);
            if (flags.json()) {
                Json.print(out(), info);
                return 0;
            }
            out().printf("Stream %s was created%n%n", name);
            StreamView.print(out(), info, false);
            return 0;
        }
    }

    /** natscli applies the name, subjects, description and replicas flags over a {@code --config} file. */
    private ObjectNode fromFile() {
        ObjectNode cfg = ConfigFiles.load(configFile);
        if (stream != null) {
            cfg.put("name", stream);
        }
        List<String> subjects = StreamFlags.splitSubjects(flags.subjects);
        if (!subjects.isEmpty()) {
            ArrayNode array = cfg.putArray("subjects");
            subjects.forEach(array::add);
        }
        if (flags.description != null) {
            cfg.put("description", flags.description);
        }
        if (flags.replicas != null && flags.replicas > 0) {
            cfg.put("num_replicas", flags.replicas);
        }
        return cfg;
    }

    /** Whether the account demands a {@code max_bytes} on every stream (then the default is 256 MiB). */
    private static boolean maxBytesRequired(JsApi api) {
        try {
            return api.request("INFO", null).path("limits").path("max_bytes_required").asBoolean(false);
        } catch (io.nats.client.JetStreamApiException e) {
            return false;
        }
    }
}
