package io.natrix.cli.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.natrix.cli.CliException;
import io.natrix.cli.Globals;
import io.natrix.cli.output.Json;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.ApiResponse;
import io.nats.client.support.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JetStream API as natscli's management commands use it: JSON requests on {@code $JS.API.*} subjects over a
 * jnats connection, answered with the API's own JSON. The commands keep the documents as JSON trees so that
 * {@code --json} prints exactly what the server said and {@code --config} files pass every field through, known
 * to jnats or not.
 *
 * <p>An answer carrying an {@code error} becomes jnats's {@link JetStreamApiException}, which the command line
 * prints as {@code description (code)}. Not thread-safe beyond what the connection is; one command uses one.
 */
public final class JsApi {

    /** Most pages a paged list ({@code STREAM.LIST}, {@code CONSUMER.NAMES}, ...) is followed for. */
    private static final int PAGES_MAX = 10_000;

    private final Connection connection;
    private final String prefix;
    private final Duration timeout;

    public JsApi(Connection connection, Globals globals) {
        this.connection = connection;
        this.prefix = globals.jetStreamApiPrefix();
        this.timeout = globals.timeout();
    }

    public Connection connection() {
        return connection;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The full subject of an API call: {@code STREAM.INFO.X} becomes {@code $JS.API.STREAM.INFO.X}. */
    public String subject(String call) {
        return prefix + call;
    }

    /** Sends {@code body} (a JSON tree, or null for an empty request) and returns the answer's JSON. */
    public ObjectNode request(String call, JsonNode body) throws JetStreamApiException {
        byte[] data;
        try {
            data = body == null ? new byte[0] : Json.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new CliException("cannot write request: " + e.getOriginalMessage());
        }
        return requestRaw(call, data);
    }

    /** Sends raw bytes to an API call and returns the answer's JSON. */
    public ObjectNode requestRaw(String call, byte[] data) throws JetStreamApiException {
        String subject = subject(call);
        Message reply;
        try {
            reply = connection.requestWithTimeout(subject, data, timeout).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted waiting for " + subject);
        } catch (CancellationException e) {
            // jnats cancels a request that the server answered with "503 No Responders".
            throw new CliException("no responders for " + subject + ": JetStream is not enabled for this account");
        } catch (TimeoutException e) {
            throw new CliException("timeout waiting for a JetStream API response on " + subject);
        } catch (ExecutionException e) {
            throw new CliException("request on " + subject + " failed: " + Globals.rootMessage(e));
        }
        return answer(reply.getData(), subject);
    }

    /** Parses an API answer; an {@code error} in it is thrown as jnats's exception. */
    public static ObjectNode answer(byte[] data, String what) throws JetStreamApiException {
        JsonNode tree = Json.parse(data, "the response to " + what);
        if (!(tree instanceof ObjectNode object)) {
            throw new CliException("unexpected response to " + what + ": " + new String(data,
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        if (object.hasNonNull("error")) {
            throw new JetStreamApiException(new ApiResponse<Object>(JsonParser.parseUnchecked(data)) { });
        }
        return object;
    }

    /** Every stream's info ({@code STREAM.LIST}), optionally only those with subjects matching {@code subject}. */
    public List<JsonNode> streams(String subject) throws JetStreamApiException {
        return paged("STREAM.LIST", "streams", subject);
    }

    /** Every stream's name ({@code STREAM.NAMES}), optionally filtered by subject. */
    public List<String> streamNames(String subject) throws JetStreamApiException {
        List<String> names = new ArrayList<>();
        paged("STREAM.NAMES", "streams", subject).forEach(n -> names.add(n.asText()));
        return names;
    }

    /** Every consumer's info of a stream ({@code CONSUMER.LIST.<stream>}). */
    public List<JsonNode> consumers(String stream) throws JetStreamApiException {
        return paged("CONSUMER.LIST." + stream, "consumers", null);
    }

    /** Every consumer's name of a stream ({@code CONSUMER.NAMES.<stream>}). */
    public List<String> consumerNames(String stream) throws JetStreamApiException {
        List<String> names = new ArrayList<>();
        paged("CONSUMER.NAMES." + stream, "consumers", null).forEach(n -> names.add(n.asText()));
        return names;
    }

    public ObjectNode streamInfo(String stream) throws JetStreamApiException {
        return request("STREAM.INFO." + stream, null);
    }

    public ObjectNode consumerInfo(String stream, String consumer) throws JetStreamApiException {
        return request("CONSUMER.INFO." + stream + "." + consumer, null);
    }

    private List<JsonNode> paged(String call, String field, String subject) throws JetStreamApiException {
        List<JsonNode> all = new ArrayList<>();
        for (int page = 0; page < PAGES_MAX; page++) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("offset", all.size());
            if (subject != null && !subject.isEmpty()) {
                body.put("subject", subject);
            }
            ObjectNode answer = request(call, body);
            JsonNode items = answer.path(field);
            int before = all.size();
            items.forEach(all::add);
            long total = answer.path("total").asLong(0);
            if (all.size() == before || all.size() >= total) {
                break;
            }
        }
        return all;
    }
}
