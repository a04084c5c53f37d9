package io.natrix.server.jetstream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a {@link StreamConfig} from JSON as nats-server does: strictly, with Go's names in errors. The field tables
 * below are the JSON side of {@link StreamConfig}'s components; the Go struct and type names are nats-server's,
 * because they appear in its error texts.
 *
 * <p>Stateless; safe on any thread.
 */
final class StreamConfigJson {
    private StreamConfigJson() {
    }

    /**
     * Decodes a create or update request (a stream configuration plus {@code pedantic}) as nats-server's
     * {@code StreamConfigRequest}; every JSON value in the body is decoded in turn into the same request.
     *
     * @throws JsApiException {@code invalid JSON} with Go's description of the first problem
     */
    static StreamConfigRequest request(byte[] json) throws JsApiException {
        StreamConfig.Builder config = new StreamConfig.Builder();
        boolean[] pedantic = {false};
        String error = GoBinder.decode(json, "StreamConfigRequest", binder -> {
            Map<String, Consumer<Object>> fields = configFields(binder, config);
            fields.put("pedantic", v -> set(binder.bool(v), b -> pedantic[0] = b));
            return fields;
        });
        if (error != null) {
            throw new JsApiException(JsErrors.invalidJSON(error));
        }
        return new StreamConfigRequest(config.build(), pedantic[0]);
    }

    /** Decodes a stream configuration on its own (inside snapshots, stored state, recorded responses). */
    static StreamConfig config(byte[] json) throws JsApiException {
        StreamConfig.Builder config = new StreamConfig.Builder();
        String error = GoBinder.decode(json, "StreamConfig", binder -> configFields(binder, config));
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

    /** The JSON fields of {@code StreamConfig}, in nats-server's order, each filling the builder. */
    private static Map<String, Consumer<Object>> configFields(GoBinder b, StreamConfig.Builder c) {
        Map<String, Consumer<Object>> f = new LinkedHashMap<>();
        f.put("name", v -> set(b.string(v), x -> c.name = x));
        f.put("description", v -> set(b.string(v), x -> c.description = x));
        f.put("subjects", v -> c.subjects = orEmpty(b.strings(v)));
        f.put("retention", v -> set(retention(b, v), x -> c.retention = x));
        f.put("max_consumers", v -> set(b.signed(v, 64, "int"), x -> c.maxConsumers = x));
        f.put("max_msgs", v -> set(b.signed(v, 64, "int64"), x -> c.maxMsgs = x));
        f.put("max_bytes", v -> set(b.signed(v, 64, "int64"), x -> c.maxBytes = x));
        f.put("max_age", v -> set(b.signed(v, 64, "time.Duration"), x -> c.maxAgeNanos = x));
        f.put("max_msgs_per_subject", v -> set(b.signed(v, 64, "int64"), x -> c.maxMsgsPerSubject = x));
        f.put("max_msg_size", v -> set(b.signed(v, 32, "int32"), x -> c.maxMsgSize = x.intValue()));
        f.put("discard", v -> set(discard(b, v), x -> c.discard = x));
        f.put("storage", v -> set(storage(b, v), x -> c.storage = x));
        f.put("num_replicas", v -> set(b.signed(v, 64, "int"), x -> c.numReplicas = saturate(x)));
        f.put("no_ack", v -> set(b.bool(v), x -> c.noAck = x));
        f.put("template_owner", v -> set(b.string(v), x -> c.templateOwner = x));
        f.put("duplicate_window", v -> set(b.signed(v, 64, "time.Duration"), x -> c.duplicateWindowNanos = x));
        f.put("placement", v -> c.placement = placement(b, v));
        f.put("mirror", v -> c.mirror = source(b, v, "server.StreamSource"));
        f.put("sources", v -> c.sources = orEmpty(
                b.list(v, "[]*server.StreamSource", e -> source(b, e, "server.StreamSource"))));
        f.put("compression", v -> set(compression(b, v), x -> c.compression = x));
        f.put("first_seq", v -> set(b.unsigned(v), x -> c.firstSeq = x));
        f.put("subject_transform", v -> c.subjectTransform = transform(b, v, "server.SubjectTransformConfig"));
        f.put("republish", v -> c.republish = republish(b, v));
        f.put("allow_direct", v -> set(b.bool(v), x -> c.allowDirect = x));
        f.put("mirror_direct", v -> set(b.bool(v), x -> c.mirrorDirect = x));
        f.put("discard_new_per_subject", v -> set(b.bool(v), x -> c.discardNewPerSubject = x));
        f.put("sealed", v -> set(b.bool(v), x -> c.sealed = x));
        f.put("deny_delete", v -> set(b.bool(v), x -> c.denyDelete = x));
        f.put("deny_purge", v -> set(b.bool(v), x -> c.denyPurge = x));
        f.put("allow_rollup_hdrs", v -> set(b.bool(v), x -> c.allowRollupHdrs = x));
        f.put("consumer_limits", v -> set(consumerLimits(b, v, c.consumerLimits), x -> c.consumerLimits = x));
        f.put("allow_msg_ttl", v -> set(b.bool(v), x -> c.allowMsgTtl = x));
        f.put("subject_delete_marker_ttl",
                v -> set(b.signed(v, 64, "time.Duration"), x -> c.subjectDeleteMarkerTtlNanos = x));
        f.put("metadata", v -> c.metadata = orEmpty(b.stringMap(v)));
        return f;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    /** Replica counts outside an int are all invalid; saturating keeps the error the check gives for them. */
    private static int saturate(long value) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
    }

    // nats-server's policies decode themselves and word their own errors, quoting the raw JSON.

    private static RetentionPolicy retention(GoBinder b, Object v) {
        RetentionPolicy p = v instanceof String s ? RetentionPolicy.fromJson(s) : null;
        if (p == null) {
            b.fail("can not unmarshal " + GoJson.quote(GoJson.raw(v)));
        }
        return p;
    }

    private static DiscardPolicy discard(GoBinder b, Object v) {
        DiscardPolicy p = v instanceof String s ? DiscardPolicy.fromJson(s.toLowerCase(Locale.ROOT)) : null;
        if (p == null) {
            b.fail("can not unmarshal " + GoJson.quote(GoJson.raw(v)));
        }
        return p;
    }

    private static StorageType storage(GoBinder b, Object v) {
        StorageType p = v instanceof String s ? StorageType.fromJson(s) : null;
        if (p == null) {
            b.fail("can not unmarshal " + GoJson.quote(GoJson.raw(v)));
        }
        return p;
    }

    private static Compression compression(GoBinder b, Object v) {
        if (!(v instanceof String) && v != GoJson.NULL) {
            b.string(v);
            return null;
        }
        Compression p = v instanceof String s ? Compression.fromJson(s) : null;
        if (p == null) {
            b.fail("unknown compression algorithm");
        }
        return p;
    }

    private static StreamConfig.Placement placement(GoBinder b, Object v) {
        String[] cluster = {""};
        String[] preferred = {""};
        @SuppressWarnings("unchecked")
        List<String>[] tags = new List[] {List.of()};
        Map<String, Consumer<Object>> f = new LinkedHashMap<>();
        f.put("cluster", x -> set(b.string(x), s -> cluster[0] = s));
        f.put("tags", x -> tags[0] = orEmpty(b.strings(x)));
        f.put("preferred", x -> set(b.string(x), s -> preferred[0] = s));
        if (!b.object(v, "Placement", "server.Placement", f)) {
            return null;
        }
        return new StreamConfig.Placement(cluster[0], tags[0], preferred[0]);
    }

    private static StreamSource source(GoBinder b, Object v, String goType) {
        String[] name = {""};
        long[] startSeq = {0};
        OffsetDateTime[] startTime = {null};
        String[] filter = {""};
        @SuppressWarnings("unchecked")
        List<StreamConfig.SubjectTransformConfig>[] transforms = new List[] {List.of()};
        StreamSource.External[] external = {null};
        Map<String, Consumer<Object>> f = new LinkedHashMap<>();
        f.put("name", x -> set(b.string(x), s -> name[0] = s));
        f.put("opt_start_seq", x -> set(b.unsigned(x), s -> startSeq[0] = s));
        f.put("opt_start_time", x -> startTime[0] = b.time(x));
        f.put("filter_subject", x -> set(b.string(x), s -> filter[0] = s));
        f.put("subject_transforms", x -> transforms[0] = orEmpty(b.list(x, "[]server.SubjectTransformConfig",
                e -> orZero(transform(b, e, "server.SubjectTransformConfig")))));
        f.put("external", x -> external[0] = external(b, x));
        if (!b.object(v, "StreamSource", goType, f)) {
            return null;
        }
        return new StreamSource(name[0], startSeq[0], startTime[0], filter[0], transforms[0], external[0]);
    }

    /** A transform element that was null or wrong is Go's zero struct. */
    private static StreamConfig.SubjectTransformConfig orZero(StreamConfig.SubjectTransformConfig t) {
        return t == null ? new StreamConfig.SubjectTransformConfig("", "") : t;
    }

    private static StreamSource.External external(GoBinder b, Object v) {
        String[] api = {""};
        String[] deliver = {""};
        Map<String, Consumer<Object>> f = new LinkedHashMap<>();
        f.put("api", x -> set(b.string(x), s -> api[0] = s));
        f.put("deliver", x -> set(b.string(x), s -> deliver[0] = s));
        if (!b.object(v, "ExternalStream", "server.ExternalStream", f)) {
            return null;
        }
        return new StreamSource.External(api[0], deliver[0]);
    }

    private static StreamConfig.SubjectTransformConfig transform(GoBinder b, Object v, String goType) {
        String[] src = {""};
        String[] dest = {""};
        Map<String, Consumer<Object>> f = new LinkedHashMap<>();
        f.put("src", x -> set(b.string(x), s -> src[0] = s));
        f.put("dest", x -> set(b.string(x), s -> dest[0] = s));
        if (!b.object(v, "SubjectTransformConfig", goType, f)) {
            return null;
        }
        return new StreamConfig.SubjectTransformConfig(src[0], dest[0]);
    }

    private static StreamConfig.RePublish republish(GoBinder b, Object v) {
        String[] src = {""};
        String[] dest = {""};
        boolean[] headersOnly = {false};
        Map<String, Consumer<Object>> f = new LinkedHashMap<>();
        f.put("src", x -> set(b.string(x), s -> src[0] = s));
        f.put("dest", x -> set(b.string(x), s -> dest[0] = s));
        f.put("headers_only", x -> set(b.bool(x), s -> headersOnly[0] = s));
        if (!b.object(v, "RePublish", "server.RePublish", f)) {
            return null;
        }
        return new StreamConfig.RePublish(src[0], dest[0], headersOnly[0]);
    }

    /** A struct, not a pointer, in nats-server: null keeps what was there. */
    private static StreamConfig.ConsumerLimits consumerLimits(GoBinder b, Object v,
            StreamConfig.ConsumerLimits current) {
        long[] inactive = {current.inactiveThresholdNanos()};
        long[] maxAckPending = {current.maxAckPending()};
        Map<String, Consumer<Object>> f = new LinkedHashMap<>();
        f.put("inactive_threshold", x -> set(b.signed(x, 64, "time.Duration"), s -> inactive[0] = s));
        f.put("max_ack_pending", x -> set(b.signed(x, 64, "int"), s -> maxAckPending[0] = s));
        if (!b.object(v, "StreamConsumerLimits", "server.StreamConsumerLimits", f)) {
            return null;
        }
        return new StreamConfig.ConsumerLimits(inactive[0], maxAckPending[0]);
    }

    /** Lets Jackson read a {@link StreamConfig} inside a larger document with the same strict reader. */
    static final class Deserializer extends StdDeserializer<StreamConfig> {
        private static final long serialVersionUID = 1L;

        Deserializer() {
            super(StreamConfig.class);
        }

        @Override
        public StreamConfig deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode node = parser.readValueAsTree();
            try {
                return config(node.toString().getBytes(StandardCharsets.UTF_8));
            } catch (JsApiException e) {
                return context.reportInputMismatch(StreamConfig.class, "%s", e.error().description());
            }
        }
    }
}
