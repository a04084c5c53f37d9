package io.natrix.server.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Consumer configurations and infos in nats-server 2.11's JSON, and the strict reading of create requests. */
class ConsumerJsonTest {
    private static final Instant T = Instant.parse("2024-01-02T03:04:05.5Z");

    private static ConsumerConfig full() {
        return ConsumerConfig.builder().durableName("D").name("D").description("all of it")
                .deliverPolicy(DeliverPolicy.BY_START_TIME).optStartTime(T).ackPolicy(AckPolicy.EXPLICIT)
                .ackWaitNanos(1_000_000_000L).maxDeliver(5).backoffNanos(List.of(1_000_000_000L, 2_000_000_000L))
                .filterSubjects("a.>", "b.*").replayPolicy(ReplayPolicy.ORIGINAL).rateLimitBps(8).sampleFreq("10%")
                .maxWaiting(3).maxAckPending(4).flowControl(true).idleHeartbeatNanos(5).headersOnly(true)
                .maxBatch(6).maxExpiresNanos(7).maxBytes(8).deliverSubject("d.x").deliverGroup("q")
                .inactiveThresholdNanos(9).numReplicas(1).memStorage(true).direct(true)
                .metadata(Map.of("z", "1", "a", "<&>")).pauseUntil(T).priorityGroups("g")
                .priorityPolicy(PriorityPolicy.PINNED_CLIENT).priorityTimeoutNanos(10).build();
    }

    @Test
    void consumerConfigWritesEveryFieldInNatsServersOrder() throws IOException {
        String json = JsJson.writeString(full());
        assertThat(json).isEqualTo("{\"durable_name\":\"D\",\"name\":\"D\",\"description\":\"all of it\","
                + "\"deliver_policy\":\"by_start_time\",\"opt_start_time\":\"2024-01-02T03:04:05.5Z\","
                + "\"ack_policy\":\"explicit\",\"ack_wait\":1000000000,\"max_deliver\":5,"
                + "\"backoff\":[1000000000,2000000000],\"filter_subjects\":[\"a.\\u003e\",\"b.*\"],"
                + "\"replay_policy\":\"original\",\"rate_limit_bps\":8,\"sample_freq\":\"10%\",\"max_waiting\":3,"
                + "\"max_ack_pending\":4,\"flow_control\":true,\"headers_only\":true,\"max_batch\":6,"
                + "\"max_expires\":7,\"max_bytes\":8,\"deliver_subject\":\"d.x\",\"deliver_group\":\"q\","
                + "\"idle_heartbeat\":5,\"inactive_threshold\":9,\"num_replicas\":1,\"mem_storage\":true,"
                + "\"direct\":true,\"metadata\":{\"a\":\"\\u003c\\u0026\\u003e\",\"z\":\"1\"},"
                + "\"pause_until\":\"2024-01-02T03:04:05.5Z\",\"priority_groups\":[\"g\"],"
                + "\"priority_policy\":\"pinned_client\",\"priority_timeout\":10}");
        assertThat(JsJson.read(json.getBytes(StandardCharsets.UTF_8), ConsumerConfig.class)).isEqualTo(full());
    }

    @Test
    void consumerConfigLeavesOutWhatNatsServerOmits() {
        assertThat(JsJson.writeString(ConsumerConfig.builder().build())).isEqualTo("{\"deliver_policy\":\"all\","
                + "\"ack_policy\":\"none\",\"replay_policy\":\"instant\",\"num_replicas\":0}");
        ConsumerConfig c = ConsumerConfig.builder().filterSubject("x").build();
        assertThat(c.filters()).containsExactly("x");
        assertThat(c.isPull()).isTrue();
        assertThat(c.isDurable()).isFalse();
        assertThat(ConsumerConfig.builder().build().filters()).isEmpty();
    }

    @Test
    void consumerInfoWritesNatsServer211Fields() throws IOException {
        ConsumerInfo info = new ConsumerInfo("ORDERS", "D", T, ConsumerConfig.builder().durableName("D").build(),
                new ConsumerInfo.SequenceInfo(3, 7, T), ConsumerInfo.SequenceInfo.NONE, 1, 2, 3, 4, true, true,
                1_500_000_000L, List.of(new ConsumerInfo.PriorityGroupState("g", "", null)), T);
        String json = JsJson.writeString(ConsumerApi.ConsumerInfoResponse.of(info));
        assertThat(json).isEqualTo("{\"type\":\"io.nats.jetstream.api.v1.consumer_info_response\","
                + "\"stream_name\":\"ORDERS\",\"name\":\"D\",\"created\":\"2024-01-02T03:04:05.5Z\","
                + "\"config\":{\"durable_name\":\"D\",\"deliver_policy\":\"all\",\"ack_policy\":\"none\","
                + "\"replay_policy\":\"instant\",\"num_replicas\":0,"
                + "\"metadata\":{\"_nats.level\":\"1\",\"_nats.ver\":\"2.11.0\"}},"
                + "\"delivered\":{\"consumer_seq\":3,\"stream_seq\":7,\"last_active\":\"2024-01-02T03:04:05.5Z\"},"
                + "\"ack_floor\":{\"consumer_seq\":0,\"stream_seq\":0},\"num_ack_pending\":1,\"num_redelivered\":2,"
                + "\"num_waiting\":3,\"num_pending\":4,\"push_bound\":true,\"paused\":true,"
                + "\"pause_remaining\":1500000000,\"ts\":\"2024-01-02T03:04:05.5Z\","
                + "\"priority_groups\":[{\"group\":\"g\",\"pinned_ts\":\"0001-01-01T00:00:00Z\"}]}");
        // The answering server's version and level are added to the configuration's metadata, as nats-server adds them.
        assertThat(JsJson.read(json.getBytes(StandardCharsets.UTF_8), ConsumerApi.ConsumerInfoResponse.class).info())
                .isEqualTo(info.withServerMetadata());
    }

    @Test
    void consumerCreateRequestReadsEveryField() throws JsApiException {
        String body = "{\"stream_name\":\"S\",\"config\":" + JsJson.writeString(full())
                + ",\"action\":\"create\",\"pedantic\":true}";
        ConsumerApi.CreateConsumerRequest request = parse(body);
        assertThat(request).isEqualTo(new ConsumerApi.CreateConsumerRequest("S", full(), ConsumerAction.CREATE,
                true));
        assertThat(parse("").config()).isEqualTo(ConsumerConfig.builder().build());
        assertThat(parse("{\"action\":\"\"}").action()).isEqualTo(ConsumerAction.CREATE_OR_UPDATE);
        assertThat(parse("{\"action\":\"update\"}").action()).isEqualTo(ConsumerAction.UPDATE);
        // Go matches field names ignoring case, and reads "undefined" as deliver all.
        assertThat(parse("{\"Config\":{\"Durable_Name\":\"X\",\"deliver_policy\":\"undefined\"}}").config())
                .isEqualTo(ConsumerConfig.builder().durableName("X").build());
        // A null pointer field is unset.
        assertThat(parse("{\"config\":{\"opt_start_time\":null,\"backoff\":null}}").config())
                .isEqualTo(ConsumerConfig.builder().build());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"config\":{\"bogus\":1}}|json: unknown field \"bogus\"",
            "{\"bogus\":1}|json: unknown field \"bogus\"",
            "{\"config\":{\"max_deliver\":\"x\"}}"
                    + "|json: cannot unmarshal string into Go struct field ConsumerConfig.config.max_deliver of type "
                    + "int",
            "{\"config\":{\"opt_start_seq\":-1}}"
                    + "|json: cannot unmarshal number -1 into Go struct field ConsumerConfig.config.opt_start_seq of "
                    + "type uint64",
            "{\"config\":{\"backoff\":[\"1s\"]}}"
                    + "|json: cannot unmarshal string into Go struct field ConsumerConfig.config.backoff of type "
                    + "time.Duration",
            "{\"config\":{\"filter_subjects\":\"a\"}}"
                    + "|json: cannot unmarshal string into Go struct field ConsumerConfig.config.filter_subjects of "
                    + "type []string",
            "{\"config\":{\"opt_start_time\":5}}|Time.UnmarshalJSON: input is not a JSON string",
            "{\"config\":{\"deliver_policy\":\"first\"}}|can not unmarshal \"\\\"first\\\"\"",
            "{\"config\":{\"ack_policy\":\"flow_control\"}}|can not unmarshal \"\\\"flow_control\\\"\"",
            "{\"config\":{\"replay_policy\":null}}|can not unmarshal \"null\"",
            "{\"config\":{\"priority_policy\":\"prioritized\"}}|unknown priority policy: \"prioritized\"",
            "{\"config\":{\"priority_policy\":\"\"}}|unknown priority policy: \"\"",
            "{\"action\":\"bogus\"}|unknown consumer action: \"bogus\"",
            "{\"action\":null}|unknown consumer action: null",
            "{\"config\":[]}|json: cannot unmarshal array into Go struct field CreateConsumerRequest.config of type "
                    + "server.ConsumerConfig",
            "{\"stream_name\":|unexpected EOF"})
    void consumerCreateRequestRefusesWhatNatsServerRefuses(String body, String error) {
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(JsApiException.class,
                e -> assertThat(e.error()).isEqualTo(JsErrors.invalidJSON(error)));
    }

    @Test
    void consumerPoliciesParseTheirJson() {
        assertThat(DeliverPolicy.parse("last_per_subject")).isEqualTo(DeliverPolicy.LAST_PER_SUBJECT);
        assertThat(AckPolicy.parse("all")).isEqualTo(AckPolicy.ALL);
        assertThat(ReplayPolicy.parse("original")).isEqualTo(ReplayPolicy.ORIGINAL);
        assertThat(PriorityPolicy.parse("overflow")).isEqualTo(PriorityPolicy.OVERFLOW);
        assertThat(ConsumerAction.parse("")).isEqualTo(ConsumerAction.CREATE_OR_UPDATE);
        assertThatThrownBy(() -> DeliverPolicy.parse("x")).hasMessage("can not unmarshal \"\\\"x\\\"\"");
        assertThatThrownBy(() -> ReplayPolicy.parse("x")).hasMessage("can not unmarshal \"\\\"x\\\"\"");
        assertThatThrownBy(() -> PriorityPolicy.parse("prioritized"))
                .hasMessage("unknown priority policy: \"prioritized\"");
        assertThatThrownBy(() -> ConsumerAction.parse("x")).hasMessage("unknown consumer action: \"x\"");
    }

    private static ConsumerApi.CreateConsumerRequest parse(String body) throws JsApiException {
        return ConsumerApi.CreateConsumerRequest.parse(body.getBytes(StandardCharsets.UTF_8));
    }
}
