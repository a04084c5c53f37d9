package io.natrix.cli.kv;

import com.fasterxml.jackson.databind.JsonNode;
import io.natrix.cli.CliException;
import io.natrix.cli.Globals;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.time.Duration;

/**
 * The raw {@code STREAM.INFO} document of a bucket's stream, for {@code --json} output: what the server
 * answered, not jnats's model of it, as natscli prints API documents. Used by {@code kv info} and
 * {@code object info}.
 */
public final class StreamInfoJson {

    private StreamInfoJson() {
    }

    /**
     * Asks for the stream's info; an API error becomes one line, "stream not found" naming {@code bucket}.
     */
    public static JsonNode fetch(Connection conn, Globals globals, String stream, String bucket) {
        Duration timeout = globals.timeout();
        Message reply;
        try {
            reply = conn.request(globals.jetStreamApiPrefix() + "STREAM.INFO." + stream, new byte[0], timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
        if (reply == null) {
            throw new CliException("timeout: no response to STREAM.INFO in " + timeout.toMillis() + " ms");
        }
        JsonNode doc = Json.parse(reply.getData(), "the STREAM.INFO response");
        JsonNode error = doc.get("error");
        if (error != null) {
            if (error.path("err_code").asInt() == KvBuckets.STREAM_NOT_FOUND) {
                throw new CliException("bucket \"" + bucket + "\" not found");
            }
            throw new CliException(error.path("description").asText() + " (" + error.path("err_code").asInt() + ")");
        }
        return doc;
    }
}
