package io.natrix.cli.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.output.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads {@code --config FILE}: a JSON stream or consumer configuration as the API takes it, or the output of
 * {@code info --json} (then its {@code config} is used), as natscli accepts both. Reserved {@code _nats.}
 * metadata is dropped: the server sets it.
 */
public final class ConfigFiles {

    private ConfigFiles() {
    }

    /** The configuration in {@code file}; a missing file or bad JSON is a one-line error. */
    public static ObjectNode load(String file) {
        String text;
        try {
            text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        JsonNode tree = Json.parse(text, file);
        if (!(tree instanceof ObjectNode object)) {
            throw new CliException("invalid configuration in " + file + ": not a JSON object");
        }
        JsonNode cfg = object.has("config") ? object.get("config") : object;
        if (!(cfg instanceof ObjectNode config)) {
            throw new CliException("invalid configuration in " + file + ": \"config\" is not a JSON object");
        }
        ObjectNode copy = config.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode meta) {
            meta.properties().removeIf(e -> e.getKey().startsWith("_nats."));
            if (meta.isEmpty()) {
                copy.remove("metadata");
            }
        }
        return copy;
    }

    /** Writes a configuration as indented JSON ({@code --output}). */
    public static void save(String file, JsonNode config) {
        try {
            Files.writeString(Path.of(file), Json.pretty(config) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
