package io.natrix.server.jetstream;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The consumer create request a mirror or source sends to an origin's JetStream API when it reads the origin
 * through a consumer ({@link ExternalSource}), and what it reads from the answer; nats-server's
 * {@code setupMirrorConsumer} / {@code trySetupSourceConsumer} request, as 2.9 sends it (no {@code sourcing} flag,
 * no API-level header, so any server answers it).
 *
 * <p>Request, sent on {@code <api>.CONSUMER.CREATE.<origin>} (or {@code <api>.CONSUMER.CREATE.<origin>.<name>.<filter>}
 * with one filter), where {@code <api>} is the {@code external.api} prefix standing for {@code $JS.API}:
 * <pre>
 *   {"stream_name": origin,
 *    "config": {"name", "deliver_subject", "deliver_policy": all | by_start_sequence | by_start_time,
 *               "opt_start_seq" | "opt_start_time", "ack_policy": "none", "ack_wait": 22h, "max_deliver": 1,
 *               "filter_subject" | "filter_subjects", "flow_control": true, "idle_heartbeat": 1s,
 *               "direct": true, "inactive_threshold": 10s}}
 * </pre>
 * Durations are nanoseconds, times RFC 3339. The consumer is an ephemeral push consumer delivering without acks,
 * with flow control and idle heartbeats, as nats-server's mirror and source consumers are.
 *
 * <p>Stateless; thread-safe.
 */
final class SourceConsumerRequest {
    /** nats-server's sourceHealthHB: the consumer's idle heartbeat. */
    static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** nats-server's sourceHealthCheckInterval, also the consumer's inactive threshold. */
    static final long INACTIVE_THRESHOLD_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long ACK_WAIT_NANOS = TimeUnit.HOURS.toNanos(22);

    private SourceConsumerRequest() {
    }

    /** A request to send: its subject and body. */
    record Request(String subject, byte[] body) {
    }

    /** A successful answer: the consumer's name and deliver subject. */
    record Created(String name, String deliverSubject) {
    }

    /**
     * The create request for a consumer named {@code name} of {@code source}'s origin delivering on
     * {@code deliverSubject}, starting at {@code startSeq} (0: not by sequence) or else {@code startTimeNanos} (0:
     * from the start).
     */
    static Request create(StreamSource source, String name, String deliverSubject, long startSeq,
                          long startTimeNanos) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", name);
        config.put("deliver_subject", deliverSubject);
        if (startSeq > 0) {
            config.put("deliver_policy", "by_start_sequence");
            config.put("opt_start_seq", startSeq);
        } else if (startTimeNanos > 0) {
            config.put("deliver_policy", "by_start_time");
            Instant t = Instant.ofEpochSecond(startTimeNanos / 1_000_000_000L, startTimeNanos % 1_000_000_000L);
            config.put("opt_start_time", t.toString());
        } else {
            config.put("deliver_policy", "all");
        }
        config.put("ack_policy", "none");
        config.put("ack_wait", ACK_WAIT_NANOS);
        config.put("max_deliver", 1);
        String filter = source.filterSubject();
        List<String> filters = new ArrayList<>();
        for (StreamConfig.SubjectTransformConfig t : source.subjectTransforms()) {
            filters.add(t.src().isEmpty() ? ">" : t.src());
        }
        if (filter.isEmpty() && filters.size() == 1) {
            // One filter goes on the extended create subject, which checks it, as nats-server sends it.
            filter = filters.get(0);
            filters.clear();
        }
        if (!filter.isEmpty()) {
            config.put("filter_subject", filter);
        } else if (!filters.isEmpty()) {
            config.put("filter_subjects", filters);
        }
        config.put("flow_control", true);
        config.put("idle_heartbeat", HEARTBEAT_NANOS);
        config.put("direct", true);
        config.put("inactive_threshold", INACTIVE_THRESHOLD_NANOS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("stream_name", source.name());
        body.put("config", config);
        String op = filter.isEmpty() ? "CONSUMER.CREATE." + source.name()
                : "CONSUMER.CREATE." + source.name() + "." + name + "." + filter;
        return new Request(apiSubject(source.external(), op), JsJson.write(body));
    }

    /** The request that deletes consumer {@code name} of {@code source}'s origin. */
    static String deleteSubject(StreamSource source, String name) {
        return apiSubject(source.external(), "CONSUMER.DELETE." + source.name() + "." + name);
    }

    /** {@code op} under the external API prefix (nats-server replaces {@code $JS.API} and collapses "..").  */
    private static String apiSubject(StreamSource.External external, String op) {
        return (external.api() + "." + op).replace("..", ".");
    }

    /**
     * Reads a create answer.
     *
     * @throws JsApiException with the answer's error, or with a setup failure when the answer is not a consumer
     */
    static Created read(byte[] answer, boolean mirror) throws JsApiException {
        JsonNode n;
        try {
            n = JsJson.read(answer, JsonNode.class);
        } catch (IOException e) {
            throw new JsApiException(setupFailed(mirror, "invalid consumer create response"));
        }
        JsonNode error = n.get("error");
        if (error != null && error.isObject()) {
            throw new JsApiException(new JsApiError(error.path("code").asInt(500), error.path("err_code").asInt(0),
                    error.path("description").asText("")));
        }
        String name = n.path("name").asText("");
        String deliver = n.path("config").path("deliver_subject").asText("");
        if (name.isEmpty() || deliver.isEmpty()) {
            throw new JsApiException(setupFailed(mirror, "invalid consumer create response"));
        }
        return new Created(name, deliver);
    }

    /** The setup failure of a mirror or a source, with {@code why} as its text. */
    static JsApiError setupFailed(boolean mirror, String why) {
        return JsErrors.get(mirror ? "JSMirrorConsumerSetupFailedErrF" : "JSSourceConsumerSetupFailedErrF",
                Map.of("err", why));
    }
}
