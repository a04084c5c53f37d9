package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The consumer API envelopes against JSON recorded from nats-server 2.9.10
 * ({@code src/test/resources/jetstream/reference/consumers}: each response as received, {@code requests.tsv} with
 * what was sent for it, and {@code record.py}, the raw-protocol script that recorded them).
 *
 * <p>Every recorded response reads into its record and writes back byte for byte, except that nats-server 2.11
 * moved {@code idle_heartbeat} in the consumer configuration to after {@code deliver_group}. (2.11 also adds
 * {@code ts} to consumer infos; reading a 2.9 document leaves it out.)
 *
 * <p>The create requests are replayed through {@link ConsumerApi.CreateConsumerRequest#checkSubject} and
 * {@link ConsumerConfigs}: the defaults and errors must be 2.9.10's, apart from {@link #DIFFERENCES}, where Natrix
 * follows nats-server 2.11/2.12.
 */
class ConsumerApiReferenceTest {
    private static final Path DIR = Path.of("src/test/resources/jetstream/reference/consumers");
    private static final ObjectMapper TREE = new ObjectMapper();
    private static final List<String> CONFIG_ORDER =
            List.of(ConsumerConfig.class.getAnnotation(JsonPropertyOrder.class).value());
    /** Natrix creates the consumer where 2.9.10 refused it. */
    private static final JsApiError CREATED = new JsApiError(0, 0, "created");

    /** Requests Natrix answers differently from nats-server 2.9.10, each with Natrix's answer and why. */
    private static final Map<String, JsApiError> DIFFERENCES = Map.ofEntries(
            // 2.11+ say what is wrong with the JSON, and refuse unknown fields.
            Map.entry("error_consumer_invalid_json", JsErrors.invalidJSON("unexpected EOF")),
            Map.entry("error_consumer_wrong_type", JsErrors.invalidJSON(
                    "json: cannot unmarshal string into Go struct field ConsumerConfig.config.ack_wait of type "
                            + "time.Duration")),
            Map.entry("error_consumer_bad_policy", JsErrors.invalidJSON("can not unmarshal \"\\\"bogus\\\"\"")),
            Map.entry("error_consumer_unknown_field", JsErrors.invalidJSON("json: unknown field \"bogus\"")),
            // 2.10+ no longer require filters to be within the stream's subjects; the filter is still invalid.
            Map.entry("error_consumer_bad_filter", JsErrors.streamInvalidConfig("invalid subject")),
            // 2.12 checks names before anything else, with its own text.
            Map.entry("error_consumer_bad_durable",
                    JsErrors.streamInvalidConfig("consumer name can not contain '.', '*', '>', '\\', '/'")),
            // 2.12 turns negative limits into their defaults instead of refusing them.
            Map.entry("error_consumer_max_batch_negative", CREATED),
            Map.entry("error_consumer_pull_max_waiting_negative", CREATED),
            // 2.10+ check the deliver subject before max_waiting on update.
            Map.entry("error_consumer_update_to_push",
                    JsErrors.get("JSConsumerCreateErrF", Map.of("err", "can not update pull consumer to push based"))),
            // 2.10+ word this error so that it names the work queue.
            Map.entry("error_consumer_wq_pull_ack_none", JsErrors.get("JSConsumerPullRequiresAckErr")));

    /** The streams of the recording, as 2.9.10 had them (it ignored LIMITED's 2.10 {@code consumer_limits}). */
    private static final Map<String, StreamConfig> STREAMS = Map.of(
            "ORDERS", stream(StreamConfig.builder("ORDERS").subjects(List.of("orders.>"))),
            "JOBS", stream(StreamConfig.builder("JOBS").subjects(List.of("jobs.>"))
                    .retention(RetentionPolicy.WORK_QUEUE)),
            "LIMITED", stream(StreamConfig.builder("LIMITED").subjects(List.of("limited.>"))));

    static Stream<String> responses() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void consumerApiResponsesRoundTripAsNatsServerWritesThem(String name) throws IOException {
        byte[] recorded = Files.readAllBytes(DIR.resolve(name + ".json"));
        JsonNode tree = TREE.readTree(recorded);
        Object response = JsJson.read(recorded, typeOf(tree));
        assertThat(JsJson.writeString(tree)).isEqualTo(new String(recorded, StandardCharsets.UTF_8));
        assertThat(JsJson.writeString(response)).isEqualTo(JsJson.writeString(in211Order(tree)));
    }

    @Test
    void consumerCreateRequestsReplayWithNatsServersDefaultsAndErrors() throws IOException {
        Map<String, Map<String, ConsumerConfig>> consumers = new LinkedHashMap<>();
        int replayed = 0;
        for (String line : Files.readAllLines(DIR.resolve("requests.tsv"))) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            String name = f[0];
            String subject = f[1];
            if (!subject.contains(".CREATE.")) {
                continue;
            }
            JsonNode recorded = TREE.readTree(Files.readAllBytes(DIR.resolve(name + ".json")));
            Object outcome = replay(subject, f[3].getBytes(StandardCharsets.UTF_8), consumers);
            if (DIFFERENCES.containsKey(name)) {
                JsApiError expected = DIFFERENCES.get(name);
                if (expected == CREATED) {
                    assertThat(outcome).as(name).isInstanceOf(ConsumerConfig.class);
                } else {
                    assertThat(outcome).as(name).isEqualTo(expected);
                }
            } else if (recorded.has("error")) {
                assertThat(outcome).as(name).isEqualTo(TREE.treeToValue(recorded.get("error"), JsApiError.class));
            } else {
                assertThat(outcome).as(name).isInstanceOf(ConsumerConfig.class);
                ConsumerConfig ours = (ConsumerConfig) outcome;
                assertThat(ours.metadata()).as(name).containsEntry(JsVersioning.REQUIRED_LEVEL_KEY, "0");
                ConsumerConfig theirs = JsJson.read(TREE.writeValueAsBytes(recorded.get("config")),
                        ConsumerConfig.class);
                assertThat(ours.toBuilder().metadata(Map.of()).build()).as(name).isEqualTo(theirs);
                String consumerName = recorded.get("name").asText();
                consumers.computeIfAbsent(recorded.get("stream_name").asText(), s -> new LinkedHashMap<>())
                        .put(consumerName, ours);
            }
            replayed++;
        }
        assertThat(replayed).isEqualTo(54);
    }

    /**
     * What the API layer and the consumer engine do around the checks on a single server, as nats-server does it:
     * the subject checks, the stream lookup, the defaults and checks, then either the update rules (the consumer
     * exists) or the new-consumer rules, with the work-queue filter check against the stream's other consumers.
     */
    private static Object replay(String subject, byte[] body, Map<String, Map<String, ConsumerConfig>> consumers) {
        try {
            ConsumerApi.CreateConsumerRequest request = ConsumerApi.CreateConsumerRequest.parse(body);
            ConsumerConfig config = request.checkSubject(subject);
            StreamConfig stream = STREAMS.get(request.streamName());
            if (stream == null) {
                return JsErrors.streamNotFound();
            }
            ConsumerConfig checked = ConsumerConfigs.checkAndDefault(config, stream, request.pedantic(),
                    JsServerLimits.NONE, JsAccountLimits.UNLIMITED);
            Map<String, ConsumerConfig> others = consumers.getOrDefault(stream.name(), Map.of());
            String name = checked.isDurable() ? checked.durableName() : checked.name();
            ConsumerConfig existing = others.get(name);
            if (existing != null) {
                ConsumerConfigs.checkUpdate(existing, checked);
            } else {
                ConsumerConfigs.checkNew(checked, stream, filters -> {
                    if (others.isEmpty()) {
                        return;
                    }
                    if (filters.isEmpty()) {
                        throw new JsApiException(JsErrors.get("JSConsumerWQMultipleUnfilteredErr"));
                    }
                    for (ConsumerConfig other : others.values()) {
                        if (other.filters().isEmpty() || other.filters().stream().anyMatch(o -> filters.stream()
                                .anyMatch(n -> StreamConfigs.collide(o, n)))) {
                            throw new JsApiException(JsErrors.get("JSConsumerWQConsumerNotUniqueErr"));
                        }
                    }
                });
            }
            return checked;
        } catch (JsApiException e) {
            return e.error();
        }
    }

    private static StreamConfig stream(StreamConfig.Builder builder) {
        try {
            return StreamConfigs.checkCreate(builder.build(), false, JsServerLimits.NONE, JsAccountLimits.UNLIMITED,
                    StreamConfigs.Lookup.NONE);
        } catch (JsApiException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> typeOf(JsonNode tree) {
        return switch (tree.get("type").asText()) {
            case ConsumerApi.CONSUMER_CREATE_RESPONSE -> ConsumerApi.ConsumerCreateResponse.class;
            case ConsumerApi.CONSUMER_INFO_RESPONSE -> ConsumerApi.ConsumerInfoResponse.class;
            case ConsumerApi.CONSUMER_DELETE_RESPONSE -> ConsumerApi.ConsumerDeleteResponse.class;
            case ConsumerApi.CONSUMER_NAMES_RESPONSE -> ConsumerApi.ConsumerNamesResponse.class;
            case ConsumerApi.CONSUMER_LIST_RESPONSE -> ConsumerApi.ConsumerListResponse.class;
            default -> throw new IllegalArgumentException("unknown type " + tree.get("type"));
        };
    }

    /** The recorded document with its consumer configurations' fields in nats-server 2.11's order. */
    private static JsonNode in211Order(JsonNode tree) {
        ObjectNode copy = tree.deepCopy();
        if (copy.has("config")) {
            copy.set("config", configIn211Order(copy.get("config")));
        }
        if (copy.has("consumers") && copy.get("consumers").isArray()) {
            ArrayNode list = (ArrayNode) copy.get("consumers");
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).isObject()) {
                    ((ObjectNode) list.get(i)).set("config", configIn211Order(list.get(i).get("config")));
                }
            }
        }
        return copy;
    }

    private static ObjectNode configIn211Order(JsonNode config) {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = config.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!CONFIG_ORDER.contains(field)) {
                unknown.add(field);
            }
        }
        assertThat(unknown).as("fields 2.9.10 wrote that the model lacks").isEmpty();
        ObjectNode out = TREE.createObjectNode();
        for (String field : CONFIG_ORDER) {
            if (config.has(field)) {
                out.set(field, config.get(field));
            }
        }
        return out;
    }
}
