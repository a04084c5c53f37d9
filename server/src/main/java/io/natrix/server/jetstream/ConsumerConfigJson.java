package io.natrix.server.jetstream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Reads a {@link ConsumerConfig} from JSON as nats-server does: strictly (unknown fields refused), with Go's names in
 * errors. The field table below is the JSON side of {@link ConsumerConfig}'s components; the Go type names are
 * nats-server's ({@code time.Duration} for durations, {@code uint64} for sequences and the rate limit, {@code int}
 * for counts), because they appear in its error texts: {@code json: cannot unmarshal string into Go struct field
 * ConsumerConfig.config.ack_wait of type time.Duration}.
 *
 * <p>The policies decode themselves in nats-server and word their own errors: {@code can not unmarshal "\"x\""} for
 * the deliver, ack and replay policies, {@code unknown priority policy: "x"}, {@code unknown consumer action: "x"}
 * (JSON {@code null} included: these are not pointers in nats-server, so null reaches their decoders).
 *
 * <p>Stateless; safe on any thread.
 */
final class ConsumerConfigJson {
    private ConsumerConfigJson() {
    }

    /**
     * Decodes a create request as nats-server's {@code CreateConsumerRequest}; every JSON value in the body is
     * decoded in turn into the same request, and an empty body is an empty request.
     *
     * @throws JsApiException {@code invalid JSON} with Go's description of the first problem
     */
    static ConsumerApi.CreateConsumerRequest request(byte[] json) throws JsApiException {
        ConsumerConfig.Builder config = new ConsumerConfig.Builder();
        String[] stream = {""};
        ConsumerAction[] action = {ConsumerAction.CREATE_OR_UPDATE};
        boolean[] pedantic = {false};
        String error = GoBinder.decode(json, "CreateConsumerRequest", b -> new GoBinder.Fields()
                .with("stream_name", v -> set(b.string(v), x -> stream[0] = x))
                .with("config", v -> b.object(v, "ConsumerConfig", "server.ConsumerConfig", fields(b, config)))
                .with("action", v -> set(action(b, v), x -> action[0] = x))
                .with("pedantic", v -> set(b.bool(v), x -> pedantic[0] = x)));
        if (error != null) {
            throw new JsApiException(JsErrors.invalidJSON(error));
        }
        return new ConsumerApi.CreateConsumerRequest(stream[0], config.build(), action[0], pedantic[0]);
    }

    /** Decodes a consumer configuration on its own (inside consumer infos, stored state, recorded responses). */
    static ConsumerConfig config(byte[] json) throws JsApiException {
        ConsumerConfig.Builder config = new ConsumerConfig.Builder();
        String error = GoBinder.decode(json, "ConsumerConfig", b -> fields(b, config));
        if (error != null) {
            throw new JsApiException(JsErrors.invalidJSON(error));
        }
        return config.build();
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** The JSON fields of {@code ConsumerConfig}, in nats-server's order, each filling the builder. */
    static Map<String, Consumer<Object>> fields(GoBinder b, ConsumerConfig.Builder c) {
        Map<String, Consumer<Object>> f = new LinkedHashMap<>();
        f.put("durable_name", v -> set(b.string(v), x -> c.durableName = x));
        f.put("name", v -> set(b.string(v), x -> c.name = x));
        f.put("description", v -> set(b.string(v), x -> c.description = x));
        f.put("deliver_policy", v -> set(policy(b, v, DeliverPolicy::fromJson, DeliverPolicy::unmarshalError),
                x -> c.deliverPolicy = x));
        f.put("opt_start_seq", v -> set(b.unsigned(v), x -> c.optStartSeq = x));
        f.put("opt_start_time", v -> c.optStartTime = instant(b.time(v)));
        f.put("ack_policy", v -> set(policy(b, v, AckPolicy::fromJson, AckPolicy::unmarshalError),
                x -> c.ackPolicy = x));
        f.put("ack_wait", v -> set(b.signed(v, 64, "time.Duration"), x -> c.ackWaitNanos = x));
        f.put("max_deliver", v -> set(b.signed(v, 64, "int"), x -> c.maxDeliver = x));
        f.put("backoff", v -> c.backoffNanos = orEmpty(b.list(v, "[]time.Duration", e -> {
            Long d = b.signed(e, 64, "time.Duration");
            return d == null ? 0L : d;
        })));
        f.put("filter_subject", v -> set(b.string(v), x -> c.filterSubject = x));
        f.put("filter_subjects", v -> c.filterSubjects = orEmpty(b.strings(v)));
        f.put("replay_policy", v -> set(policy(b, v, ReplayPolicy::fromJson, ReplayPolicy::unmarshalError),
                x -> c.replayPolicy = x));
        f.put("rate_limit_bps", v -> set(b.unsigned(v), x -> c.rateLimitBps = x));
        f.put("sample_freq", v -> set(b.string(v), x -> c.sampleFreq = x));
        f.put("max_waiting", v -> set(b.signed(v, 64, "int"), x -> c.maxWaiting = x));
        f.put("max_ack_pending", v -> set(b.signed(v, 64, "int"), x -> c.maxAckPending = x));
        f.put("flow_control", v -> set(b.bool(v), x -> c.flowControl = x));
        f.put("headers_only", v -> set(b.bool(v), x -> c.headersOnly = x));
        f.put("max_batch", v -> set(b.signed(v, 64, "int"), x -> c.maxBatch = x));
        f.put("max_expires", v -> set(b.signed(v, 64, "time.Duration"), x -> c.maxExpiresNanos = x));
        f.put("max_bytes", v -> set(b.signed(v, 64, "int"), x -> c.maxBytes = x));
        f.put("deliver_subject", v -> set(b.string(v), x -> c.deliverSubject = x));
        f.put("deliver_group", v -> set(b.string(v), x -> c.deliverGroup = x));
        f.put("idle_heartbeat", v -> set(b.signed(v, 64, "time.Duration"), x -> c.idleHeartbeatNanos = x));
        f.put("inactive_threshold", v -> set(b.signed(v, 64, "time.Duration"), x -> c.inactiveThresholdNanos = x));
        f.put("num_replicas", v -> set(b.signed(v, 64, "int"), x -> c.numReplicas = x));
        f.put("mem_storage", v -> set(b.bool(v), x -> c.memStorage = x));
        f.put("direct", v -> set(b.bool(v), x -> c.direct = x));
        f.put("metadata", v -> c.metadata = orEmpty(b.stringMap(v)));
        f.put("pause_until", v -> c.pauseUntil = instant(b.time(v)));
        f.put("priority_groups", v -> c.priorityGroups = orEmpty(b.strings(v)));
        f.put("priority_policy", v -> set(policy(b, v, PriorityPolicy::fromJson, PriorityPolicy::unmarshalError),
                x -> c.priorityPolicy = x));
        f.put("priority_timeout", v -> set(b.signed(v, 64, "time.Duration"), x -> c.priorityTimeoutNanos = x));
        return f;
    }

    /** A policy from its JSON string; anything else (null too) is refused with the policy's own error. */
    private static <T> T policy(GoBinder b, Object v, Function<String, T> fromJson, Function<String, String> error) {
        T value = v instanceof String s ? fromJson.apply(s) : null;
        if (value == null) {
            b.fail(error.apply(GoJson.raw(v)));
        }
        return value;
    }

    private static ConsumerAction action(GoBinder b, Object v) {
        return policy(b, v, ConsumerAction::fromJson, ConsumerAction::unmarshalError);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    /** Lets Jackson read a {@link ConsumerConfig} inside a larger document with the same strict reader. */
    static final class Deserializer extends StdDeserializer<ConsumerConfig> {
        private static final long serialVersionUID = 1L;

        Deserializer() {
            super(ConsumerConfig.class);
        }

        @Override
        public ConsumerConfig deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode node = parser.readValueAsTree();
            try {
                return config(node.toString().getBytes(StandardCharsets.UTF_8));
            } catch (JsApiException e) {
                return context.reportInputMismatch(ConsumerConfig.class, "%s", e.error().description());
            }
        }
    }
}
