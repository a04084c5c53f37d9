package io.natrix.cli.consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.ClientCommand;
import io.natrix.cli.output.Json;
import io.natrix.cli.stream.ConfigFiles;
import io.natrix.cli.stream.JsApi;
import io.natrix.cli.stream.Prompter;
import io.nats.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code consumer add STREAM [CONSUMER]}: creates a consumer from flags ({@link ConsumerFlags#newConfig}) or a
 * {@code --config} JSON file and prints its info as natscli does.
 */
@Command(name = "add", aliases = {"create", "new"}, description = "Creates a new consumer")
final class ConsumerAddCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "STREAM", description = "Stream name")
    String stream;

    @Parameters(index = "1", arity = "0..1", paramLabel = "CONSUMER", description = "Consumer name")
    String consumer;

    @Option(names = "--config", paramLabel = "FILE", description = "JSON file to read configuration from")
    String configFile;

    @Option(names = "--output", paramLabel = "FILE", description = "Save configuration instead of creating")
    String outputFile;

    @Option(names = "--defaults", description = "Accept default values for all prompts")
    boolean defaults;

    @Mixin
    ConsumerFlags flags;

    @Mixin
    ConsumerFlags.Create create;

    @Override
    public Integer call() throws Exception {
        ObjectNode cfg;
        if (configFile != null) {
            cfg = ConfigFiles.load(configFile);
            if (consumer != null) {
                if (!cfg.path("durable_name").asText("").isEmpty()) {
                    cfg.put("durable_name", consumer);
                }
                cfg.put("name", consumer);
            }
            if (flags.target != null && !cfg.path("deliver_subject").asText("").isEmpty()) {
                cfg.put("deliver_subject", flags.target);
            }
        } else {
            cfg = flags.newConfig(consumer, create, new Prompter(globals(), out(), defaults), defaults);
        }
        if (outputFile != null) {
            ConfigFiles.save(outputFile, cfg);
            return 0;
        }
        try (Connection nc = connect()) {
            JsApi api = new JsApi(nc, globals());
            String name = cfg.path("name").asText(cfg.path("durable_name").asText(""));
            ObjectNode request = Json.MAPPER.createObjectNode().put("stream_name", stream);
            request.set("config", cfg);
            request.put("action", "create");
            ObjectNode info = api.request("CONSUMER.CREATE." + stream + (name.isEmpty() ? "" : "." + name), request);
            ConsumerView.print(out(), info);
            return 0;
        }
    }
}
