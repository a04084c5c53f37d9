package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The JetStream API's envelopes for consumers: the request bodies the server reads and the responses it writes,
 * with nats-server 2.11's {@code type} strings and JSON. The conventions are {@link JsApi}'s: every response carries
 * {@code type} and, on failure, {@code error}; an embedded {@link ConsumerInfo} sits next to {@code type} and is
 * null on failure; paged responses write {@code total}, {@code offset} and {@code limit} even on failure, and
 * nats-server starts their {@code consumers} as an empty list, so a failed page writes {@code "consumers":[]}.
 *
 * <p>Requests are read as nats-server reads each of them, which is not the same way for all:
 * <ul>
 *   <li>create, names, list and pause go through nats-server's strict request reader ({@link GoBinder}): unknown
 *       fields refused, every JSON value in the body decoded in turn, errors as {@code invalid JSON} (400 10025).
 *       Names, list and pause read the body only when it {@linkplain JsApi#isJsonObjectOrArray looks like JSON};
 *       that is the caller's test, as for streams.</li>
 *   <li>the pull request ({@code CONSUMER.MSG.NEXT}) and unpin go through Go's {@code json.Unmarshal}: unknown
 *       fields ignored, one JSON value only, Go's texts without offsets ({@code unexpected end of JSON input}).</li>
 * </ul>
 *
 * <p>Every type here is immutable and safe on any thread.
 */
public final class ConsumerApi {
    public static final String CONSUMER_CREATE_RESPONSE = "io.nats.jetstream.api.v1.consumer_create_response";
    public static final String CONSUMER_INFO_RESPONSE = "io.nats.jetstream.api.v1.consumer_info_response";
    public static final String CONSUMER_DELETE_RESPONSE = "io.nats.jetstream.api.v1.consumer_delete_response";
    public static final String CONSUMER_NAMES_RESPONSE = "io.nats.jetstream.api.v1.consumer_names_response";
    public static final String CONSUMER_LIST_RESPONSE = "io.nats.jetstream.api.v1.consumer_list_response";
    public static final String CONSUMER_PAUSE_RESPONSE = "io.nats.jetstream.api.v1.consumer_pause_response";
    public static final String CONSUMER_UNPIN_RESPONSE = "io.nats.jetstream.api.v1.consumer_unpin_response";

    /** Most consumer names in one names response (nats-server's {@code JSApiNamesLimit}). */
    public static final int NAMES_LIMIT = JsApi.NAMES_LIMIT;
    /** Most consumers in one list response (nats-server's {@code JSApiListLimit}). */
    public static final int LIST_LIMIT = JsApi.LIST_LIMIT;

    private ConsumerApi() {
    }

    // Responses.

    /** {@code CONSUMER.CREATE} (all its subject forms): the consumer's info. */
    @JsonPropertyOrder({"type", "error"})
    public record ConsumerCreateResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonUnwrapped ConsumerInfo info) {
        public ConsumerCreateResponse {
            info = ConsumerInfo.present(info);
        }

        public static ConsumerCreateResponse of(ConsumerInfo info) {
            return new ConsumerCreateResponse(CONSUMER_CREATE_RESPONSE, null, info.withServerMetadata());
        }

        public static ConsumerCreateResponse failed(JsApiError error) {
            return new ConsumerCreateResponse(CONSUMER_CREATE_RESPONSE, error, null);
        }
    }

    /** nats-server 2.14's {@code CONSUMER.RESET} response type. */
    public static final String CONSUMER_RESET_RESPONSE = "io.nats.jetstream.api.v1.consumer_reset_response";

    /** {@code CONSUMER.RESET} (nats-server 2.14): the consumer's info after the reset and the sequence it restarts at. */
    @JsonPropertyOrder({"type", "error"})
    public record ConsumerResetResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonUnwrapped ConsumerInfo info,
            @JsonProperty("reset_seq") @JsonInclude(Include.NON_DEFAULT) long resetSeq) {
        public ConsumerResetResponse {
            info = ConsumerInfo.present(info);
        }

        public static ConsumerResetResponse of(ConsumerInfo info, long resetSeq) {
            return new ConsumerResetResponse(CONSUMER_RESET_RESPONSE, null, info, resetSeq);
        }

        public static ConsumerResetResponse failed(JsApiError error) {
            return new ConsumerResetResponse(CONSUMER_RESET_RESPONSE, error, null, 0);
        }
    }

    /**
     * {@code CONSUMER.RESET} options: nats-server 2.14's {@code JSApiConsumerResetRequest}; an empty body resets to
     * the ack floor.
     *
     * @param seq the stream sequence to restart at (0: just past the ack floor)
     */
    public record ResetRequest(long seq) {
        public static ResetRequest parse(byte[] json) throws JsApiException {
            if (json.length == 0) {
                return new ResetRequest(0);
            }
            long[] seq = {0};
            check(GoBinder.decode(json, "JSApiConsumerResetRequest", b -> new GoBinder.Fields()
                    .with("seq", v -> set(b.unsigned(v), x -> seq[0] = x))));
            return new ResetRequest(seq[0]);
        }
    }

    /** {@code CONSUMER.INFO}: the consumer's info. */
    @JsonPropertyOrder({"type", "error"})
    public record ConsumerInfoResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonUnwrapped ConsumerInfo info) {
        public ConsumerInfoResponse {
            info = ConsumerInfo.present(info);
        }

        public static ConsumerInfoResponse of(ConsumerInfo info) {
            return new ConsumerInfoResponse(CONSUMER_INFO_RESPONSE, null, info.withServerMetadata());
        }

        public static ConsumerInfoResponse failed(JsApiError error) {
            return new ConsumerInfoResponse(CONSUMER_INFO_RESPONSE, error, null);
        }
    }

    /** {@code CONSUMER.DELETE}. */
    @JsonPropertyOrder({"type", "error", "success"})
    public record ConsumerDeleteResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("success") @JsonInclude(Include.NON_DEFAULT) boolean success) {
        public static ConsumerDeleteResponse ok() {
            return new ConsumerDeleteResponse(CONSUMER_DELETE_RESPONSE, null, true);
        }

        public static ConsumerDeleteResponse failed(JsApiError error) {
            return new ConsumerDeleteResponse(CONSUMER_DELETE_RESPONSE, error, false);
        }
    }

    /** {@code CONSUMER.NAMES}: one page of names, in name order. */
    @JsonPropertyOrder({"type", "error", "total", "offset", "limit", "consumers"})
    public record ConsumerNamesResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("total") int total,
            @JsonProperty("offset") int offset,
            @JsonProperty("limit") int limit,
            @JsonProperty("consumers") List<String> consumers) {
        public ConsumerNamesResponse {
            consumers = consumers == null ? List.of() : List.copyOf(consumers);
        }

        public static ConsumerNamesResponse of(List<String> names, int total, int offset) {
            return new ConsumerNamesResponse(CONSUMER_NAMES_RESPONSE, null, total, offset, NAMES_LIMIT, names);
        }

        public static ConsumerNamesResponse failed(JsApiError error) {
            return new ConsumerNamesResponse(CONSUMER_NAMES_RESPONSE, error, 0, 0, 0, List.of());
        }
    }

    /**
     * {@code CONSUMER.LIST}: one page of consumer infos, in name order; {@code missing} names consumers that did not
     * answer and {@code offline} says why those that can not run are offline, both omitted when empty.
     */
    @JsonPropertyOrder({"type", "error", "total", "offset", "limit", "consumers", "missing", "offline"})
    public record ConsumerListResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("total") int total,
            @JsonProperty("offset") int offset,
            @JsonProperty("limit") int limit,
            @JsonProperty("consumers") List<ConsumerInfo> consumers,
            @JsonProperty("missing") @JsonInclude(Include.NON_EMPTY) List<String> missing,
            @JsonProperty("offline") @JsonInclude(Include.NON_EMPTY) Map<String, String> offline) {
        public ConsumerListResponse {
            consumers = consumers == null ? List.of() : List.copyOf(consumers);
            missing = missing == null ? List.of() : List.copyOf(missing);
            offline = offline == null ? Map.of() : Map.copyOf(offline);
        }

        public static ConsumerListResponse of(List<ConsumerInfo> consumers, int total, int offset) {
            return new ConsumerListResponse(CONSUMER_LIST_RESPONSE, null, total, offset, LIST_LIMIT, consumers,
                    List.of(), Map.of());
        }

        public static ConsumerListResponse failed(JsApiError error) {
            return new ConsumerListResponse(CONSUMER_LIST_RESPONSE, error, 0, 0, 0, List.of(), List.of(), Map.of());
        }
    }

    /**
     * {@code CONSUMER.PAUSE}: whether the consumer is paused now, until when (Go's zero time when resumed; written
     * even on failure, as nats-server does) and for how much longer.
     */
    @JsonPropertyOrder({"type", "error", "paused", "pause_until", "pause_remaining"})
    public record ConsumerPauseResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("paused") boolean paused,
            @JsonProperty("pause_until") Instant pauseUntil,
            @JsonProperty("pause_remaining") @JsonInclude(Include.NON_DEFAULT) long pauseRemainingNanos) {
        public ConsumerPauseResponse {
            pauseUntil = pauseUntil == null ? GoTime.ZERO : pauseUntil;
        }

        /** {@code pauseUntil} null: resumed. */
        public static ConsumerPauseResponse of(boolean paused, Instant pauseUntil, long pauseRemainingNanos) {
            return new ConsumerPauseResponse(CONSUMER_PAUSE_RESPONSE, null, paused, pauseUntil, pauseRemainingNanos);
        }

        public static ConsumerPauseResponse failed(JsApiError error) {
            return new ConsumerPauseResponse(CONSUMER_PAUSE_RESPONSE, error, false, null, 0);
        }
    }

    /** {@code CONSUMER.UNPIN}. */
    @JsonPropertyOrder({"type", "error"})
    public record ConsumerUnpinResponse(
            @JsonProperty("type") String type,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error) {
        public static ConsumerUnpinResponse ok() {
            return new ConsumerUnpinResponse(CONSUMER_UNPIN_RESPONSE, null);
        }

        public static ConsumerUnpinResponse failed(JsApiError error) {
            return new ConsumerUnpinResponse(CONSUMER_UNPIN_RESPONSE, error);
        }
    }

    // Requests.

    /**
     * A consumer create request: nats-server's {@code CreateConsumerRequest}. The same body serves the three subject
     * forms ({@code CONSUMER.CREATE.<stream>}, the legacy ephemeral;
     * {@code CONSUMER.CREATE.<stream>.<name>[.<filter>]}; {@code CONSUMER.DURABLE.CREATE.<stream>.<durable>}, the
     * legacy durable); {@link #checkSubject} checks the body
     * against the one it came on.
     *
     * @param streamName the stream (must match the subject's)
     * @param config     the configuration as requested
     * @param action     create, update, or either
     * @param pedantic   refuse adjustments instead of making them
     */
    public record CreateConsumerRequest(String streamName, ConsumerConfig config, ConsumerAction action,
            boolean pedantic) {
        public CreateConsumerRequest {
            streamName = streamName == null ? "" : streamName;
            config = config == null ? ConsumerConfig.builder().build() : config;
            action = action == null ? ConsumerAction.CREATE_OR_UPDATE : action;
        }

        /**
         * Reads a request body strictly; an empty body is an empty request.
         *
         * @throws JsApiException {@code invalid JSON} (400 10025) with Go's description of the first problem
         */
        public static CreateConsumerRequest parse(byte[] json) throws JsApiException {
            return ConsumerConfigJson.request(json);
        }

        /**
         * The checks nats-server's create handler makes between reading the body and looking up the stream, on a
         * single server, for a request that came on {@code subject}; returns the configuration to go on with. In
         * order: the legacy durable form needs exactly its seven tokens (400 10016); the stream named in the body
         * must be the subject's (400 10056); the subject's consumer name has no path separators (400 10127); the
         * legacy durable form needs {@code durable_name} (400 10018) equal to the subject's (400 10017); the new
         * form's {@code durable_name}, when set, equals the subject's name (10017), which becomes {@code name}; the
         * legacy ephemeral form has no {@code durable_name} (400 10020); a filter in the subject excludes
         * {@code filter_subjects} (400 10137) and must equal {@code filter_subject} (400 10131); more than one
         * replica is refused (500 10074).
         *
         * @param subject the request subject, {@code $JS.API.CONSUMER.CREATE.<stream>...} or
         *                {@code $JS.API.CONSUMER.DURABLE.CREATE.<stream>.<durable>}
         * @throws IllegalArgumentException when the subject is none of the create forms (nats-server does not
         *                                  subscribe to such subjects)
         * @throws JsApiException           with the error nats-server returns for the first problem
         */
        public ConsumerConfig checkSubject(String subject) throws JsApiException {
            String[] tokens = subject.split("\\.", -1);
            if (tokens.length < 5) {
                throw new IllegalArgumentException("not a consumer create subject: " + subject);
            }
            boolean legacyEphemeral = tokens.length == 5;
            boolean legacyDurable = !legacyEphemeral && tokens[3].equals("DURABLE");
            String stream;
            String consumer = "";
            String filter = "";
            if (legacyEphemeral) {
                stream = tokens[4];
            } else if (legacyDurable) {
                if (tokens.length != 7) {
                    throw new JsApiException(JsErrors.get("JSConsumerDurableNameNotInSubjectErr"));
                }
                stream = tokens[5];
                consumer = tokens[6];
            } else {
                stream = tokens[4];
                consumer = tokens[5];
                if (tokens.length > 6) {
                    filter = String.join(".", List.of(tokens).subList(6, tokens.length));
                }
            }
            if (!stream.equals(streamName)) {
                throw new JsApiException(JsErrors.streamMismatch());
            }
            if (consumer.indexOf('\\') >= 0 || consumer.indexOf('/') >= 0) {
                throw new JsApiException(JsErrors.get("JSConsumerNameContainsPathSeparatorsErr"));
            }
            ConsumerConfig result = config;
            if (legacyDurable) {
                if (config.durableName().isEmpty()) {
                    throw new JsApiException(JsErrors.get("JSConsumerDurableNameNotSetErr"));
                }
                if (!consumer.equals(config.durableName())) {
                    throw new JsApiException(JsErrors.get("JSConsumerDurableNameNotMatchSubjectErr"));
                }
            } else if (!legacyEphemeral) {
                if (!config.durableName().isEmpty() && !consumer.equals(config.durableName())) {
                    throw new JsApiException(JsErrors.get("JSConsumerDurableNameNotMatchSubjectErr"));
                }
                result = config.toBuilder().name(consumer).build();
            }
            if (legacyEphemeral && !config.durableName().isEmpty()) {
                throw new JsApiException(JsErrors.get("JSConsumerEphemeralWithDurableNameErr"));
            }
            if (!filter.isEmpty() && !config.filterSubjects().isEmpty()) {
                throw new JsApiException(JsErrors.get("JSConsumerMultipleFiltersNotAllowed"));
            }
            if (!filter.isEmpty() && !config.filterSubject().equals(filter)) {
                throw new JsApiException(JsErrors.get("JSConsumerCreateFilterSubjectMismatchErr"));
            }
            if (config.numReplicas() > 1) {
                throw new JsApiException(JsErrors.streamReplicasNotSupported());
            }
            return result;
        }
    }

    /**
     * A pull request ({@code CONSUMER.MSG.NEXT}), as nats-server's {@code nextReqFromMsg} reads it: an empty body
     * (after trimming whitespace) asks for one message; a body starting with {@code {} is a
     * {@code JSApiConsumerGetNextRequest} read with Go's {@code json.Unmarshal} (unknown fields ignored; a missing
     * {@code batch} is 0); anything else is a batch size if it is a Go integer ({@code "10"}, {@code "+3"},
     * {@code "-1"}) and one message otherwise. nats-server checks nothing else here; the limits of the consumer
     * ({@code max_batch}, {@code max_expires}, {@code max_bytes}) and the priority group are checked against the
     * request by the consumer.
     *
     * @param batch              messages asked for (any value the body gave, 0 and negatives included)
     * @param expiresNanos       how long the request waits (0: no expiry)
     * @param maxBytes           most bytes to deliver (0: no limit)
     * @param noWait             answer at once when nothing is pending
     * @param idleHeartbeatNanos heartbeat interval while waiting (0: none)
     * @param group              the priority group ("" for none)
     * @param minPending         overflow: serve only while more than this many are pending
     * @param minAckPending      overflow: serve only while at least this many are unacknowledged
     * @param id                 pinned client: the pin id the client holds
     */
    public record NextRequest(int batch, long expiresNanos, long maxBytes, boolean noWait, long idleHeartbeatNanos,
            String group, long minPending, long minAckPending, String id) {
        /** What an empty body asks for: one message, no expiry. */
        public static final NextRequest ONE = new NextRequest(1, 0, 0, false, 0, "", 0, 0, "");

        public NextRequest {
            group = group == null ? "" : group;
            id = id == null ? "" : id;
        }

        /**
         * Reads a pull request body.
         *
         * @throws BadRequest when the JSON is bad or the heartbeat is more than half the expiry; the consumer answers
         *                    with status 400 and {@link BadRequest#description()}
         */
        public static NextRequest parse(byte[] body) throws BadRequest {
            int start = 0;
            int end = body.length;
            while (start < end && isSpace(body[start])) {
                start++;
            }
            while (end > start && isSpace(body[end - 1])) {
                end--;
            }
            if (start == end) {
                return ONE;
            }
            byte[] trimmed = Arrays.copyOfRange(body, start, end);
            if (trimmed[0] != '{') {
                return new NextRequest(goAtoi(new String(trimmed, StandardCharsets.UTF_8)), 0, 0,
                        false, 0, "", 0, 0, "");
            }
            long[] expires = {0};
            long[] batch = {0};
            long[] maxBytes = {0};
            boolean[] noWait = {false};
            long[] heartbeat = {0};
            String[] group = {""};
            long[] minPending = {0};
            long[] minAckPending = {0};
            String[] id = {""};
            String error = unmarshal(trimmed, "JSApiConsumerGetNextRequest", b -> new GoBinder.Fields()
                    .with("expires", v -> set(b.signed(v, 64, "time.Duration"), x -> expires[0] = x))
                    .with("batch", v -> set(b.signed(v, 64, "int"), x -> batch[0] = x))
                    .with("max_bytes", v -> set(b.signed(v, 64, "int"), x -> maxBytes[0] = x))
                    .with("no_wait", v -> set(b.bool(v), x -> noWait[0] = x))
                    .with("idle_heartbeat", v -> set(b.signed(v, 64, "time.Duration"), x -> heartbeat[0] = x))
                    .with("group", v -> set(b.string(v), x -> group[0] = x))
                    .with("min_pending", v -> set(b.signed(v, 64, "int64"), x -> minPending[0] = x))
                    .with("min_ack_pending", v -> set(b.signed(v, 64, "int64"), x -> minAckPending[0] = x))
                    .with("id", v -> set(b.string(v), x -> id[0] = x)));
            if (error != null) {
                throw new BadRequest(error);
            }
            // Go's arithmetic, overflow included.
            if (heartbeat[0] > 0 && heartbeat[0] * 2 > expires[0]) {
                throw new BadRequest("heartbeat value too large");
            }
            return new NextRequest(clampInt(batch[0]), expires[0], maxBytes[0], noWait[0], heartbeat[0], group[0],
                    minPending[0], minAckPending[0], id[0]);
        }

        /** Go's {@code strconv.Atoi} as nats-server uses it here: the batch, or 1 when it is not an integer. */
        private static int goAtoi(String text) {
            String digits = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
            if (digits.isEmpty() || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                return 1;
            }
            try {
                return clampInt(Long.parseLong(text));
            } catch (NumberFormatException e) {
                return 1;
            }
        }

        /** Go's {@code bytes.TrimSpace}, for the ASCII whitespace clients send. */
        private static boolean isSpace(byte b) {
            return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
        }
    }

    /** A pull request nats-server refuses with status 400: {@link #description()} is the status text it sends. */
    public static final class BadRequest extends Exception {
        private static final long serialVersionUID = 1L;

        BadRequest(String reason) {
            super(reason, null, false, false);
        }

        /** {@code Bad Request - <reason>}, as in nats-server's {@code NATS/1.0 400 ...} status line. */
        public String description() {
            return "Bad Request - " + getMessage();
        }
    }

    /**
     * {@code CONSUMER.NAMES} options: nats-server 2.11's {@code JSApiConsumersRequest}, which has only
     * {@code offset} (a {@code subject} is refused as an unknown field, as 2.11 refuses it).
     *
     * @param offset the first name to return (negative reads as 0)
     */
    public record ConsumerNamesRequest(int offset) {
        public static ConsumerNamesRequest parse(byte[] json) throws JsApiException {
            return new ConsumerNamesRequest(pagedOffset(json));
        }
    }

    /**
     * {@code CONSUMER.LIST} options: nats-server 2.11's {@code JSApiConsumersRequest}.
     *
     * @param offset the first consumer to return (negative reads as 0)
     */
    public record ConsumerListRequest(int offset) {
        public static ConsumerListRequest parse(byte[] json) throws JsApiException {
            return new ConsumerListRequest(pagedOffset(json));
        }
    }

    /**
     * {@code CONSUMER.PAUSE} options: nats-server's {@code JSApiConsumerPauseRequest}.
     *
     * @param pauseUntil pause until then, in UTC (null, or Go's zero time in the request: resume)
     */
    public record PauseRequest(Instant pauseUntil) {
        public static PauseRequest parse(byte[] json) throws JsApiException {
            OffsetDateTime[] until = {null};
            check(GoBinder.decode(json, "JSApiConsumerPauseRequest", b -> new GoBinder.Fields()
                    .with("pause_until", v -> set(b.time(v), x -> until[0] = x))));
            Instant instant = until[0] == null ? null : until[0].toInstant();
            return new PauseRequest(instant == null || instant.equals(GoTime.ZERO) ? null : instant);
        }
    }

    /**
     * {@code CONSUMER.UNPIN} options: nats-server's {@code JSApiConsumerUnpinRequest}, read with Go's
     * {@code json.Unmarshal} (an empty body is {@code unexpected end of JSON input}).
     *
     * @param group the priority group to unpin
     */
    public record UnpinRequest(String group) {
        /**
         * Reads the body and checks the group as nats-server does before looking for the consumer.
         *
         * @throws JsApiException {@code invalid JSON} (400 10025) for bad JSON or a missing group ({@code consumer
         *                        group not specified}), 400 10162 for a group name nats-server does not allow
         */
        public static UnpinRequest parse(byte[] json) throws JsApiException {
            String[] group = {""};
            String error = unmarshal(json, "JSApiConsumerUnpinRequest", b -> new GoBinder.Fields()
                    .with("group", v -> set(b.string(v), x -> group[0] = x)));
            if (error != null) {
                throw new JsApiException(JsErrors.invalidJSON(error));
            }
            if (group[0].isEmpty()) {
                throw new JsApiException(JsErrors.invalidJSON("consumer group not specified"));
            }
            if (!ConsumerConfigs.isValidGroupName(group[0])) {
                throw new JsApiException(JsErrors.get("JSConsumerInvalidGroupNameErr"));
            }
            return new UnpinRequest(group[0]);
        }
    }

    private static int pagedOffset(byte[] json) throws JsApiException {
        long[] offset = {0};
        check(GoBinder.decode(json, "JSApiConsumersRequest", b -> new GoBinder.Fields()
                .with("offset", v -> set(b.signed(v, 64, "int"), x -> offset[0] = x))));
        return clampInt(Math.max(offset[0], 0));
    }

    /**
     * Go's {@code json.Unmarshal} into a struct: the whole body must be one JSON value (syntax checked first, worded
     * without offsets), then fields are filled as {@link GoBinder} fills them, except that unknown ones are ignored.
     *
     * @return Go's description of the first problem, or null
     */
    static String unmarshal(byte[] json, String goStruct, Function<GoBinder, Map<String, Consumer<Object>>> fields) {
        Object value;
        try {
            GoJson.Values values = new GoJson.Values(json);
            value = values.next();
            if (value == null) {
                return "unexpected end of JSON input";
            }
            int end = firstValueEnd(json);
            while (end < json.length && isJsonSpace(json[end])) {
                end++;
            }
            if (end < json.length) {
                return "invalid character " + GoJson.quoteChar(json[end] & 0xff) + " after top-level value";
            }
        } catch (GoJson.SyntaxException e) {
            String message = e.getMessage();
            return message.equals("unexpected EOF") ? "unexpected end of JSON input"
                    : message.replaceFirst(" at offset \\d+$", "");
        }
        GoBinder binder = new GoBinder(goStruct);
        Map<String, Consumer<Object>> table = fields.apply(binder);
        binder.object(known(value, table), goStruct, "server." + goStruct, table);
        return binder.error();
    }

    /** An object without the members no field takes (matched as Go matches them: exactly, else ignoring case). */
    private static Object known(Object value, Map<String, Consumer<Object>> table) {
        if (!(value instanceof GoJson.Obj obj)) {
            return value;
        }
        List<GoJson.Member> kept = new ArrayList<>();
        for (GoJson.Member member : obj.members()) {
            boolean takenBy = table.keySet().stream().anyMatch(name -> name.equalsIgnoreCase(member.name()));
            if (takenBy) {
                kept.add(member);
            }
        }
        return new GoJson.Obj(List.copyOf(kept));
    }

    /**
     * Where the first JSON value of a body that {@link GoJson.Values} has read without error ends: past the
     * matching bracket of an object or array, the closing quote of a string, or the last character of a literal
     * or number.
     */
    private static int firstValueEnd(byte[] json) {
        int i = 0;
        while (isJsonSpace(json[i])) {
            i++;
        }
        byte first = json[i];
        if (first == '"') {
            return stringEnd(json, i);
        }
        if (first != '{' && first != '[') {
            return scalarEnd(json, i);
        }
        int depth = 0;
        while (i < json.length) {
            byte b = json[i];
            if (b == '"') {
                i = stringEnd(json, i);
                continue;
            }
            if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            }
            i++;
        }
        return i;
    }

    /** The end of a literal or number at {@code i}: literals have fixed lengths, so {@code truex} ends at x. */
    private static int scalarEnd(byte[] json, int i) {
        return switch (json[i]) {
            case 't', 'n' -> i + 4;
            case 'f' -> i + 5;
            default -> {
                int end = i;
                while (end < json.length && (Character.isDigit(json[end]) || json[end] == '-' || json[end] == '+'
                        || json[end] == '.' || json[end] == 'e' || json[end] == 'E')) {
                    end++;
                }
                yield end;
            }
        };
    }

    /** Past the closing quote of the string opening at {@code quote}. */
    private static int stringEnd(byte[] json, int quote) {
        int i = quote + 1;
        while (i < json.length && json[i] != '"') {
            i += json[i] == '\\' ? 2 : 1;
        }
        return i + 1;
    }

    private static boolean isJsonSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    private static void check(String error) throws JsApiException {
        if (error != null) {
            throw new JsApiException(JsErrors.invalidJSON(error));
        }
    }

    private static <T> void set(T value, Consumer<T> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    /** Go's {@code int} is 64 bits; values beyond an int saturate. */
    private static int clampInt(long value) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
    }
}
