package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
 * The API envelopes against JSON recorded from nats-server 2.9.10 ({@code src/test/resources/jetstream/reference}:
 * each response as received, and {@code requests.tsv} with what was sent for it).
 *
 * <p>Every recorded response reads into its record and writes back byte for byte, except for what nats-server
 * 2.11 writes that 2.9 did not: in a stream configuration, {@code compression}, {@code consumer_limits} and
 * {@code allow_msg_ttl} are always written. (2.11 also adds {@code ts} and {@code cluster} to stream info and
 * {@code reserved_memory}, {@code reserved_storage} and {@code api.level} to account info; reading a 2.9 document
 * leaves those out, so they do not appear here, and {@link #jsApiWritesWhatNatsServer211Adds} shows them.)
 *
 * <p>The create and update requests are replayed through {@link StreamConfigs}: the defaults and errors must be
 * 2.9.10's, apart from the differences listed in {@link #DIFFERENCES}, where Natrix follows nats-server 2.11/2.12.
 */
class JsApiReferenceTest {
    private static final Path DIR = Path.of("src/test/resources/jetstream/reference");
    private static final ObjectMapper TREE = new ObjectMapper();

    /** Fields a 2.11 stream configuration always has, with the values a 2.9 stream has for them. */
    private static final Map<String, JsonNode> ADDED_IN_211 = Map.of(
            "compression", TREE.getNodeFactory().textNode("none"),
            "consumer_limits", TREE.createObjectNode(),
            "allow_msg_ttl", TREE.getNodeFactory().booleanNode(false));

    /** Stream configuration fields in nats-server 2.11's order. */
    private static final List<String> CONFIG_ORDER = List.of(
            StreamConfig.class.getAnnotation(com.fasterxml.jackson.annotation.JsonPropertyOrder.class).value());

    /**
     * Requests Natrix answers differently from nats-server 2.9.10, each with Natrix's answer and why: the stricter
     * reading and checks of nats-server 2.12, and one deliberate choice.
     */
    private static final Map<String, JsApiError> DIFFERENCES = Map.ofEntries(
            // 2.11+ say what is wrong with the JSON.
            Map.entry("error_invalid_json", JsErrors.invalidJSON("unexpected EOF")),
            Map.entry("error_wrong_type", JsErrors.invalidJSON(
                    "json: cannot unmarshal string into Go struct field StreamConfigRequest.max_msgs of type int64")),
            // 2.12 reads an empty body as an empty configuration, whose name then does not match.
            Map.entry("error_create_empty_body", JsErrors.streamMismatch()),
            // 2.12 refuses unknown fields; 2.9 ignored them and created the stream.
            Map.entry("error_unknown_field", JsErrors.invalidJSON("json: unknown field \"bogus\"")),
            // 2.12 refuses a negative age before defaulting the duplicate window from it.
            Map.entry("error_create_negative_limits", JsErrors.streamInvalidConfig("max age can not be negative")),
            // 2.10+ word the API-subject rule so that it names the way out.
            Map.entry("error_create_api_subjects",
                    JsErrors.streamInvalidConfig("subjects that overlap with jetstream api require no-ack to be true")),
            // 2.10+ check capturing everything before looking at other streams.
            Map.entry("error_create_all_subjects",
                    JsErrors.streamInvalidConfig("capturing all subjects requires no-ack to be true")),
            // 2.10+ detect a source given twice; 2.9 created the stream.
            Map.entry("error_source_duplicate", JsErrors.sourceDuplicateDetected()),
            // Natrix's choice: a single server refuses replicas on update as on create (2.9 stored R3).
            Map.entry("stream_update_replicas", JsErrors.streamReplicasNotSupported()));

    static Stream<String> responses() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responses")
    void jsApiResponsesRoundTripAsNatsServerWritesThem(String name) throws IOException {
        byte[] recorded = Files.readAllBytes(DIR.resolve(name + ".json"));
        JsonNode tree = TREE.readTree(recorded);
        Object response = JsJson.read(recorded, typeOf(tree));
        String written = JsJson.writeString(response);
        if (!tree.has("type") && !tree.has("error")) {
            // A successful PubAck: nats-server 2.9-2.11 write it from a template with a space after the stream
            // ("ORDERS", "seq"); 2.12 writes it compactly, as here.
            assertThat(TREE.readTree(written)).isEqualTo(tree);
            assertThat(written).doesNotContain(" ");
            return;
        }
        // Writing the recorded tree reproduces the recorded bytes: Go's escaping and number forms are matched.
        assertThat(JsJson.writeString(tree)).isEqualTo(new String(recorded, StandardCharsets.UTF_8));
        assertThat(written).isEqualTo(JsJson.writeString(with211Fields(tree)));
    }

    @Test
    void jsApiRequestsReplayWithNatsServersDefaultsAndErrors() throws IOException {
        Map<String, StreamConfig> streams = new LinkedHashMap<>();
        int replayed = 0;
        for (String line : Files.readAllLines(DIR.resolve("requests.tsv"))) {
            if (line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            String name = f[0];
            String subject = f[1];
            if (!subject.startsWith("$JS.API.STREAM.CREATE.") && !subject.startsWith("$JS.API.STREAM.UPDATE.")) {
                continue;
            }
            JsonNode recorded = TREE.readTree(Files.readAllBytes(DIR.resolve(name + ".json")));
            boolean create = subject.startsWith("$JS.API.STREAM.CREATE.");
            String streamName = subject.substring(subject.lastIndexOf('.') + 1);
            Object outcome = replay(create, streamName, f[3].getBytes(StandardCharsets.UTF_8), streams);

            if (DIFFERENCES.containsKey(name)) {
                assertThat(outcome).as(name).isEqualTo(DIFFERENCES.get(name));
                if (recorded.has("config")) {
                    // 2.9 went on; later requests see its stream as it had it.
                    streams.put(streamName, config(recorded.get("config")));
                }
            } else if (recorded.has("error")) {
                assertThat(outcome).as(name).isEqualTo(TREE.treeToValue(recorded.get("error"), JsApiError.class));
            } else {
                assertThat(outcome).as(name).isInstanceOf(StreamConfig.class);
                StreamConfig ours = (StreamConfig) outcome;
                assertThat(ours.metadata()).as(name).containsKey(JsVersioning.REQUIRED_LEVEL_KEY);
                StreamConfig comparable = ours.toBuilder().metadata(Map.of()).build();
                StreamConfig theirs = config(recorded.get("config"));
                if (theirs.placement() != null && theirs.placement().isEmpty()) {
                    // 2.10+ drop an empty placement.
                    theirs = theirs.toBuilder().placement(null).build();
                }
                assertThat(comparable).as(name).isEqualTo(theirs);
                streams.put(streamName, ours);
            }
            replayed++;
        }
        assertThat(replayed).isEqualTo(35);
    }

    @Test
    void jsApiWritesWhatNatsServer211Adds() throws Exception {
        StreamConfig config = StreamConfigs.checkCreate(StreamConfig.builder("ORDERS").subjects("orders.>").build(),
                false, JsServerLimits.NONE, JsAccountLimits.UNLIMITED, StreamConfigs.Lookup.NONE);
        StreamInfo info = new StreamInfo(JsVersioning.withDynamicMetadata(config, "2.11.0"),
                Instant.parse("2024-01-02T03:04:05.1Z"), StreamInfo.StreamState.empty(), "",
                StreamInfo.ClusterInfo.singleServer("NATRIX"), null, List.of(), List.of(),
                Instant.parse("2024-01-02T03:04:06Z"));
        assertThat(JsJson.writeString(JsApi.StreamCreateResponse.of(info, true))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.stream_create_response\",\"config\":{\"name\":\"ORDERS\","
                        + "\"subjects\":[\"orders.\\u003e\"],\"retention\":\"limits\",\"max_consumers\":-1,"
                        + "\"max_msgs\":-1,\"max_bytes\":-1,\"max_age\":0,\"max_msgs_per_subject\":-1,"
                        + "\"max_msg_size\":-1,\"discard\":\"old\",\"storage\":\"file\",\"num_replicas\":1,"
                        + "\"duplicate_window\":120000000000,\"compression\":\"none\",\"allow_direct\":false,"
                        + "\"mirror_direct\":false,\"sealed\":false,\"deny_delete\":false,\"deny_purge\":false,"
                        + "\"allow_rollup_hdrs\":false,\"consumer_limits\":{},\"allow_msg_ttl\":false,"
                        + "\"metadata\":{\"_nats.level\":\"1\",\"_nats.req.level\":\"0\",\"_nats.ver\":\"2.11.0\"}},"
                        + "\"created\":\"2024-01-02T03:04:05.1Z\",\"state\":{\"messages\":0,\"bytes\":0,"
                        + "\"first_seq\":0,\"first_ts\":\"0001-01-01T00:00:00Z\",\"last_seq\":0,"
                        + "\"last_ts\":\"0001-01-01T00:00:00Z\",\"consumer_count\":0},"
                        + "\"cluster\":{\"leader\":\"NATRIX\"},\"ts\":\"2024-01-02T03:04:06Z\",\"did_create\":true}");

        AccountInfo account = new AccountInfo(10, 20, 0L, 1024L, 1, 0, JsAccountLimits.UNLIMITED, "",
                new AccountInfo.ApiStats(JsVersioning.API_LEVEL, 5, 1, 0), Map.of());
        assertThat(JsJson.writeString(JsApi.AccountInfoResponse.of(account))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.account_info_response\",\"memory\":10,\"storage\":20,"
                        + "\"reserved_memory\":0,\"reserved_storage\":1024,\"streams\":1,\"consumers\":0,"
                        + "\"limits\":{\"max_memory\":-1,\"max_storage\":-1,\"max_streams\":-1,\"max_consumers\":-1,"
                        + "\"max_ack_pending\":-1,\"memory_max_stream_bytes\":-1,\"storage_max_stream_bytes\":-1,"
                        + "\"max_bytes_required\":false},\"api\":{\"level\":1,\"total\":5,\"errors\":1}}");
    }

    @Test
    void jsApiFailuresCarryOnlyWhatNatsServerWrites() {
        JsApiError notFound = JsErrors.streamNotFound();
        String error = "\"error\":{\"code\":404,\"err_code\":10059,\"description\":\"stream not found\"}";
        assertThat(JsJson.writeString(JsApi.StreamInfoResponse.failed(notFound))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.stream_info_response\"," + error
                        + ",\"total\":0,\"offset\":0,\"limit\":0}");
        assertThat(JsJson.writeString(JsApi.StreamCreateResponse.failed(notFound))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.stream_create_response\"," + error + "}");
        assertThat(JsJson.writeString(JsApi.StreamNamesResponse.failed(notFound))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.stream_names_response\"," + error
                        + ",\"total\":0,\"offset\":0,\"limit\":0,\"streams\":null}");
        assertThat(JsJson.writeString(JsApi.StreamPurgeResponse.failed(notFound))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.stream_purge_response\"," + error + ",\"purged\":0}");
        assertThat(JsJson.writeString(JsApi.PubAckResponse.failed("ORDERS", JsErrors.streamNotMatch()))).isEqualTo(
                "{\"error\":{\"code\":400,\"err_code\":10060,\"description\":\"expected stream does not match\"},"
                        + "\"stream\":\"ORDERS\",\"seq\":0}");
        assertThat(JsJson.writeString(JsApi.PubAckResponse.of(new PubAck("ORDERS", 7, "hub", true)))).isEqualTo(
                "{\"stream\":\"ORDERS\",\"seq\":7,\"domain\":\"hub\",\"duplicate\":true}");
        assertThat(JsJson.writeString(JsApi.StreamDeleteResponse.ok())).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.stream_delete_response\",\"success\":true}");
        assertThat(JsJson.writeString(JsApi.MsgDeleteResponse.ok())).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.stream_msg_delete_response\",\"success\":true}");
        assertThat(JsJson.writeString(JsApi.StreamListResponse.of(List.of(), 0, 0))).isEqualTo(
                "{\"type\":\"io.nats.jetstream.api.v1.stream_list_response\",\"total\":0,\"offset\":0,"
                        + "\"limit\":256,\"streams\":[]}");
    }

    /**
     * What the API layer does around the checks, as nats-server does it on a single server: the name in the
     * subject must match; a name already in use must come with the same configuration; subjects must not overlap
     * another stream's; updates need the stream to exist. Returns the resulting configuration or the error.
     */
    private static Object replay(boolean create, String streamName, byte[] body, Map<String, StreamConfig> streams) {
        try {
            StreamConfigRequest request = StreamConfigRequest.parse(body);
            if (!request.config().name().equals(streamName)) {
                return JsErrors.streamMismatch();
            }
            Map<String, StreamConfig> others = new LinkedHashMap<>(streams);
            others.remove(streamName);
            StreamConfig result;
            if (create) {
                result = StreamConfigs.checkCreate(request.config(), request.pedantic(), JsServerLimits.NONE,
                        JsAccountLimits.UNLIMITED, streams::get);
                StreamConfig existing = streams.get(streamName);
                if (existing != null) {
                    return existing.equals(result) ? result : JsErrors.streamNameInUse();
                }
            } else {
                StreamConfig old = streams.get(streamName);
                if (old == null) {
                    return JsErrors.streamNotFound();
                }
                result = StreamConfigs.checkUpdate(old, request.config(), request.pedantic(), JsServerLimits.NONE,
                        JsAccountLimits.UNLIMITED, streams::get);
            }
            StreamConfigs.checkNoOverlap(result, others.values());
            return result;
        } catch (JsApiException e) {
            return e.error();
        }
    }

    private static StreamConfig config(JsonNode json) {
        try {
            return StreamConfigRequest.parse(TREE.writeValueAsBytes(json)).config();
        } catch (JsApiException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> typeOf(JsonNode tree) {
        if (!tree.has("type")) {
            return JsApi.PubAckResponse.class;
        }
        return switch (tree.get("type").asText()) {
            case JsApi.ACCOUNT_INFO_RESPONSE -> JsApi.AccountInfoResponse.class;
            case JsApi.STREAM_CREATE_RESPONSE -> JsApi.StreamCreateResponse.class;
            case JsApi.STREAM_UPDATE_RESPONSE -> JsApi.StreamUpdateResponse.class;
            case JsApi.STREAM_INFO_RESPONSE -> JsApi.StreamInfoResponse.class;
            case JsApi.STREAM_NAMES_RESPONSE -> JsApi.StreamNamesResponse.class;
            case JsApi.STREAM_LIST_RESPONSE -> JsApi.StreamListResponse.class;
            case JsApi.STREAM_DELETE_RESPONSE -> JsApi.StreamDeleteResponse.class;
            case JsApi.STREAM_PURGE_RESPONSE -> JsApi.StreamPurgeResponse.class;
            case JsApi.STREAM_MSG_GET_RESPONSE -> JsApi.MsgGetResponse.class;
            case JsApi.STREAM_MSG_DELETE_RESPONSE -> JsApi.MsgDeleteResponse.class;
            default -> throw new IllegalArgumentException("unknown type " + tree.get("type"));
        };
    }

    /** The recorded document with the fields 2.11 always writes in a stream configuration, in its order. */
    private static JsonNode with211Fields(JsonNode tree) {
        ObjectNode copy = tree.deepCopy();
        if (copy.has("config")) {
            copy.set("config", configWith211Fields(copy.get("config")));
        }
        if (copy.has("streams") && copy.get("streams").isArray()) {
            ArrayNode streams = (ArrayNode) copy.get("streams");
            for (int i = 0; i < streams.size(); i++) {
                if (streams.get(i).isObject()) {
                    ((ObjectNode) streams.get(i)).set("config", configWith211Fields(streams.get(i).get("config")));
                }
            }
        }
        return copy;
    }

    private static ObjectNode configWith211Fields(JsonNode config) {
        ObjectNode out = TREE.createObjectNode();
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> names = config.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!CONFIG_ORDER.contains(field)) {
                unknown.add(field);
            }
        }
        assertThat(unknown).as("fields 2.9.10 wrote that the model lacks").isEmpty();
        for (String field : CONFIG_ORDER) {
            if (config.has(field)) {
                out.set(field, config.get(field));
            } else if (ADDED_IN_211.containsKey(field)) {
                out.set(field, ADDED_IN_211.get(field));
            }
        }
        return out;
    }

    static {
        // The reference files are read relative to the server module, as Maven runs the tests.
        if (!Files.isDirectory(DIR)) {
            throw new UncheckedIOException(new IOException("no reference JSON at " + DIR.toAbsolutePath()));
        }
    }
}
