package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A stream configuration reads and writes nats-server's JSON: every field, its name, order and omission. */
class StreamConfigJsonTest {

    /** Every field set, in nats-server 2.11's order, as its encoder writes them. */
    private static final String EVERY_FIELD = "{\"name\":\"ORDERS\",\"description\":\"all \\u003c\\u003e\\u0026\","
            + "\"subjects\":[\"orders.*\",\"returns.\\u003e\"],\"retention\":\"interest\",\"max_consumers\":10,"
            + "\"max_msgs\":1000,\"max_bytes\":1048576,\"max_age\":3600000000000,\"max_msgs_per_subject\":5,"
            + "\"max_msg_size\":4096,\"discard\":\"new\",\"storage\":\"memory\",\"num_replicas\":1,\"no_ack\":true,"
            + "\"template_owner\":\"T\",\"duplicate_window\":60000000000,"
            + "\"placement\":{\"cluster\":\"c1\",\"tags\":[\"ssd\"],\"preferred\":\"n1\"},"
            + "\"mirror\":{\"name\":\"M\",\"opt_start_seq\":3,\"opt_start_time\":\"2024-01-02T03:04:05.123456789+02:00\","
            + "\"filter_subject\":\"m.\\u003e\",\"external\":{\"api\":\"$JS.hub.API\",\"deliver\":\"dlv\"}},"
            + "\"sources\":[{\"name\":\"S1\",\"subject_transforms\":[{\"src\":\"a.*\",\"dest\":\"b.{{wildcard(1)}}\"}]},"
            + "{\"name\":\"S2\"}],\"compression\":\"s2\",\"first_seq\":100,"
            + "\"subject_transform\":{\"src\":\"orders.*\",\"dest\":\"o.{{wildcard(1)}}\"},"
            + "\"republish\":{\"src\":\"orders.\\u003e\",\"dest\":\"rp.\\u003e\",\"headers_only\":true},"
            + "\"allow_direct\":true,\"mirror_direct\":true,\"discard_new_per_subject\":true,\"sealed\":true,"
            + "\"deny_delete\":true,\"deny_purge\":true,\"allow_rollup_hdrs\":true,"
            + "\"consumer_limits\":{\"inactive_threshold\":30000000000,\"max_ack_pending\":100},"
            + "\"allow_msg_ttl\":true,\"subject_delete_marker_ttl\":5000000000,"
            + "\"metadata\":{\"a\":\"1\",\"b\":\"2\"}}";

    /** A configuration of zero values: what nats-server's encoder writes for its fields without omitempty. */
    private static final String ZERO = "{\"name\":\"\",\"retention\":\"limits\",\"max_consumers\":0,\"max_msgs\":0,"
            + "\"max_bytes\":0,\"max_age\":0,\"max_msgs_per_subject\":0,\"discard\":\"old\",\"storage\":\"file\","
            + "\"num_replicas\":0,\"compression\":\"none\",\"allow_direct\":false,\"mirror_direct\":false,"
            + "\"sealed\":false,\"deny_delete\":false,\"deny_purge\":false,\"allow_rollup_hdrs\":false,"
            + "\"consumer_limits\":{},\"allow_msg_ttl\":false}";

    @Test
    void streamConfigEveryFieldRoundTripsInNatsServerOrder() throws JsApiException {
        StreamConfig config = parse(EVERY_FIELD);
        assertThat(JsJson.writeString(config)).isEqualTo(EVERY_FIELD);

        assertThat(config.retention()).isEqualTo(RetentionPolicy.INTEREST);
        assertThat(config.maxAgeNanos()).isEqualTo(3_600_000_000_000L);
        assertThat(config.discard()).isEqualTo(DiscardPolicy.NEW);
        assertThat(config.storage()).isEqualTo(StorageType.MEMORY);
        assertThat(config.compression()).isEqualTo(Compression.S2);
        assertThat(config.mirror().optStartTime()).isEqualTo(OffsetDateTime.parse("2024-01-02T03:04:05.123456789+02:00"));
        assertThat(config.mirror().external()).isEqualTo(new StreamSource.External("$JS.hub.API", "dlv"));
        assertThat(config.sources()).extracting(StreamSource::name).containsExactly("S1", "S2");
        assertThat(config.consumerLimits()).isEqualTo(new StreamConfig.ConsumerLimits(30_000_000_000L, 100));
        assertThat(config.subjectDeleteMarkerTtlNanos()).isEqualTo(5_000_000_000L);
        assertThat(config.metadata()).isEqualTo(Map.of("a", "1", "b", "2"));
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void streamConfigZeroValuesAreOmittedExactlyWhereNatsServerOmitsThem() throws JsApiException {
        StreamConfig zero = StreamConfig.builder("").storage(StorageType.FILE).build();
        assertThat(JsJson.writeString(zero)).isEqualTo(ZERO);
        assertThat(parse(ZERO)).isEqualTo(zero);
        // An empty placement is an object, not nothing; an empty republish source is left out.
        assertThat(JsJson.writeString(zero.toBuilder().placement(new StreamConfig.Placement(null, null, null))
                .republish(new StreamConfig.RePublish("", "x", false)).build()))
                .contains("\"placement\":{}", "\"republish\":{\"dest\":\"x\"}");
    }

    @Test
    void streamConfigPoliciesAreWrittenAsNatsServerStrings() {
        assertThat(List.of(RetentionPolicy.values())).extracting(RetentionPolicy::json)
                .containsExactly("limits", "interest", "workqueue");
        assertThat(List.of(DiscardPolicy.values())).extracting(DiscardPolicy::json).containsExactly("old", "new");
        assertThat(List.of(StorageType.values())).extracting(StorageType::json).containsExactly("file", "memory");
        assertThat(List.of(Compression.values())).extracting(Compression::json).containsExactly("none", "s2");
    }

    @Test
    void streamConfigDiscardIsReadIgnoringCaseAsNatsServerDoes() throws JsApiException {
        assertThat(parse("{\"discard\":\"NEW\"}").discard()).isEqualTo(DiscardPolicy.NEW);
        assertThatThrownBy(() -> parse("{\"retention\":\"WorkQueue\"}"))
                .hasMessage("invalid JSON: can not unmarshal \"\\\"WorkQueue\\\"\" (10025)");
        assertThatThrownBy(() -> parse("{\"storage\":\"any\"}"))
                .hasMessage("invalid JSON: can not unmarshal \"\\\"any\\\"\" (10025)");
    }

    /** Fields nats-server added after 2.11 are unknown to a 2.11 server, which refuses them in strict mode. */
    @ParameterizedTest
    @ValueSource(strings = {"allow_msg_counter", "allow_atomic", "allow_msg_schedules", "persist_mode",
            "allow_batched", "bogus"})
    void streamConfigFieldsAfter211AreRefusedAsUnknown(String field) {
        assertThatThrownBy(() -> parse("{\"name\":\"A\",\"" + field + "\":true}"))
                .isInstanceOfSatisfying(JsApiException.class, e -> assertThat(e.error()).isEqualTo(
                        new JsApiError(400, 10025, "invalid JSON: json: unknown field \"" + field + "\"")));
    }

    @Test
    void streamConfigRequestCarriesPedantic() throws JsApiException {
        StreamConfigRequest request = StreamConfigRequest.parse(
                "{\"name\":\"A\",\"pedantic\":true}".getBytes(StandardCharsets.UTF_8));
        assertThat(request.pedantic()).isTrue();
        assertThat(request.config().name()).isEqualTo("A");
    }

    @Test
    void streamConfigReadInsideLargerDocumentsIsStrictToo() throws Exception {
        StreamInfo info = JsJson.read(("{\"config\":" + EVERY_FIELD + ",\"created\":\"2024-01-01T00:00:00Z\","
                + "\"state\":{\"messages\":0,\"bytes\":0,\"first_seq\":0,\"first_ts\":\"0001-01-01T00:00:00Z\","
                + "\"last_seq\":0,\"last_ts\":\"0001-01-01T00:00:00Z\",\"consumer_count\":0}}")
                .getBytes(StandardCharsets.UTF_8), StreamInfo.class);
        assertThat(info.config()).isEqualTo(parse(EVERY_FIELD));
        assertThatThrownBy(() -> JsJson.read("{\"config\":{\"name\":\"A\",\"nope\":1}}".getBytes(StandardCharsets.UTF_8),
                StreamInfo.class)).hasMessageContaining("json: unknown field \"nope\"");
    }

    @Test
    void streamConfigTimesAndDurationsAreGoShaped() {
        assertThat(GoTime.format(GoTime.ZERO)).isEqualTo("0001-01-01T00:00:00Z");
        assertThat(GoTime.format(OffsetDateTime.parse("2024-05-01T10:00:00.123400Z"))).isEqualTo(
                "2024-05-01T10:00:00.1234Z");
        assertThat(GoTime.format(OffsetDateTime.parse("2024-05-01T10:00:00-05:30"))).isEqualTo(
                "2024-05-01T10:00:00-05:30");
        assertThat(GoTime.duration(120_000_000_000L)).isEqualTo("2m0s");
        assertThat(GoTime.duration(1_500_000_000L)).isEqualTo("1.5s");
        assertThat(GoTime.duration(3_723_000_000_000L)).isEqualTo("1h2m3s");
        assertThat(GoTime.duration(100_000_000L)).isEqualTo("100ms");
        assertThat(GoTime.duration(1_500L)).isEqualTo("1.5\u00b5s");
        assertThat(GoTime.duration(0)).isEqualTo("0s");
        assertThatThrownBy(() -> GoTime.parse("2024-13-01T00:00:00Z"))
                .hasMessage("parsing time \"2024-13-01T00:00:00Z\": month out of range");
        assertThatThrownBy(() -> GoTime.parse("2024-01-01T00:00:00Zjunk"))
                .hasMessage("parsing time \"2024-01-01T00:00:00Zjunk\": extra text: \"junk\"");
        assertThatThrownBy(() -> GoTime.parse("2024-01-01 00:00:00Z"))
                .hasMessage("parsing time \"2024-01-01 00:00:00Z\" as \"2006-01-02T15:04:05Z07:00\": "
                        + "cannot parse \" 00:00:00Z\" as \"T\"");
    }

    private static StreamConfig parse(String json) throws JsApiException {
        return StreamConfigRequest.parse(json.getBytes(StandardCharsets.UTF_8)).config();
    }
}
