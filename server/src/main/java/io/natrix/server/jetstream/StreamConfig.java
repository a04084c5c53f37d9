package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stream's configuration: nats-server 2.11's {@code StreamConfig}, every field, with its JSON names, order and
 * omissions exactly as nats-server writes them (a field marked {@code omitempty} in nats-server is left out when
 * zero, false or empty; the others are always written). Durations are nanoseconds, as in the JSON.
 *
 * <p>JSON is read by {@link StreamConfigRequest#parse} (a create or update request) or, inside other documents, by
 * the same strict reader: unknown fields are refused, as nats-server 2.12 does. The fields nats-server added after
 * 2.11 ({@code allow_msg_counter}, {@code allow_atomic}, {@code allow_msg_schedules}, {@code persist_mode}, and
 * {@code allow_batched} in 2.14) are not part of this model, so a request using them is refused as a 2.11 server in
 * strict mode refuses it, rather than accepted and silently ignored. Natrix reports API level 1, which tells clients
 * the same.
 *
 * <p>A configuration as requested is not yet usable: {@link StreamConfigs#checkAndDefault} validates it and fills
 * in the defaults (limits -1, storage file, one replica, a two-minute duplicate window, subjects defaulting to the
 * name...). Strings, lists and maps are never null here: absent means empty, as with Go's zero values.
 *
 * <p>Immutable; safe on any thread. Build one with {@link #builder} or change one with {@link #toBuilder}.
 *
 * @param name                        the stream's name
 * @param description                 free text
 * @param subjects                    the subjects it captures (wildcards allowed)
 * @param retention                   when messages may go
 * @param maxConsumers                most consumers (-1 unlimited)
 * @param maxMsgs                     most messages (-1 unlimited)
 * @param maxBytes                    most bytes (-1 unlimited)
 * @param maxAgeNanos                 oldest message age (0 unlimited)
 * @param maxMsgsPerSubject           most messages per subject (-1 unlimited)
 * @param maxMsgSize                  largest message (-1 unlimited)
 * @param discard                     what happens at a limit
 * @param storage                     file or memory; null until defaulted
 * @param numReplicas                 copies in a cluster; 1 on a single server
 * @param noAck                       publishers get no acknowledgement
 * @param templateOwner               the stream template that made it (deprecated in nats-server)
 * @param duplicateWindowNanos        how long {@code Nats-Msg-Id}s are remembered
 * @param placement                   where a cluster should put it (null: anywhere)
 * @param mirror                      the stream it mirrors (null: not a mirror)
 * @param sources                     the streams it sources from; an element may be null, as in a request
 * @param compression                 how file blocks are compressed
 * @param firstSeq                    the sequence of its first message
 * @param subjectTransform            how subjects are rewritten as messages arrive (null: not)
 * @param republish                   where stored messages are republished (null: not)
 * @param allowDirect                 direct get allowed
 * @param mirrorDirect                direct get served for the mirrored stream too
 * @param discardNewPerSubject        {@code discard new} applies per subject
 * @param sealed                      no messages in or out, no limit changes
 * @param denyDelete                  messages can not be deleted
 * @param denyPurge                   the stream can not be purged
 * @param allowRollupHdrs             {@code Nats-Rollup} headers allowed
 * @param consumerLimits              defaults and limits for its consumers
 * @param allowMsgTtl                 {@code Nats-TTL} headers honoured
 * @param subjectDeleteMarkerTtlNanos how long the markers left when a subject's last message ages out live
 * @param metadata                    free key-value pairs (and nats-server's {@code _nats.*} versioning keys)
 */
@JsonPropertyOrder({"name", "description", "subjects", "retention", "max_consumers", "max_msgs", "max_bytes", "max_age",
        "max_msgs_per_subject", "max_msg_size", "discard", "storage", "num_replicas", "no_ack", "template_owner",
        "duplicate_window", "placement", "mirror", "sources", "compression", "first_seq", "subject_transform",
        "republish", "allow_direct", "mirror_direct", "discard_new_per_subject", "sealed", "deny_delete", "deny_purge",
        "allow_rollup_hdrs", "consumer_limits", "allow_msg_ttl", "subject_delete_marker_ttl", "metadata"})
@JsonDeserialize(using = StreamConfigJson.Deserializer.class)
public record StreamConfig(
        @JsonProperty("name") String name,
        @JsonProperty("description") @JsonInclude(Include.NON_EMPTY) String description,
        @JsonProperty("subjects") @JsonInclude(Include.NON_EMPTY) List<String> subjects,
        @JsonProperty("retention") RetentionPolicy retention,
        @JsonProperty("max_consumers") long maxConsumers,
        @JsonProperty("max_msgs") long maxMsgs,
        @JsonProperty("max_bytes") long maxBytes,
        @JsonProperty("max_age") long maxAgeNanos,
        @JsonProperty("max_msgs_per_subject") long maxMsgsPerSubject,
        @JsonProperty("max_msg_size") @JsonInclude(Include.NON_DEFAULT) int maxMsgSize,
        @JsonProperty("discard") DiscardPolicy discard,
        @JsonProperty("storage") StorageType storage,
        @JsonProperty("num_replicas") int numReplicas,
        @JsonProperty("no_ack") @JsonInclude(Include.NON_DEFAULT) boolean noAck,
        @JsonProperty("template_owner") @JsonInclude(Include.NON_EMPTY) String templateOwner,
        @JsonProperty("duplicate_window") @JsonInclude(Include.NON_DEFAULT) long duplicateWindowNanos,
        @JsonProperty("placement") @JsonInclude(Include.NON_NULL) Placement placement,
        @JsonProperty("mirror") @JsonInclude(Include.NON_NULL) StreamSource mirror,
        @JsonProperty("sources") @JsonInclude(Include.NON_EMPTY) List<StreamSource> sources,
        @JsonProperty("compression") Compression compression,
        @JsonProperty("first_seq") @JsonInclude(Include.NON_DEFAULT) long firstSeq,
        @JsonProperty("subject_transform") @JsonInclude(Include.NON_NULL) SubjectTransformConfig subjectTransform,
        @JsonProperty("republish") @JsonInclude(Include.NON_NULL) RePublish republish,
        @JsonProperty("allow_direct") boolean allowDirect,
        @JsonProperty("mirror_direct") boolean mirrorDirect,
        @JsonProperty("discard_new_per_subject") @JsonInclude(Include.NON_DEFAULT) boolean discardNewPerSubject,
        @JsonProperty("sealed") boolean sealed,
        @JsonProperty("deny_delete") boolean denyDelete,
        @JsonProperty("deny_purge") boolean denyPurge,
        @JsonProperty("allow_rollup_hdrs") boolean allowRollupHdrs,
        @JsonProperty("consumer_limits") ConsumerLimits consumerLimits,
        @JsonProperty("allow_msg_ttl") boolean allowMsgTtl,
        @JsonProperty("subject_delete_marker_ttl") @JsonInclude(Include.NON_DEFAULT) long subjectDeleteMarkerTtlNanos,
        @JsonProperty("metadata") @JsonInclude(Include.NON_EMPTY) Map<String, String> metadata) {

    public StreamConfig {
        name = name == null ? "" : name;
        description = description == null ? "" : description;
        subjects = subjects == null ? List.of() : List.copyOf(subjects);
        retention = retention == null ? RetentionPolicy.LIMITS : retention;
        discard = discard == null ? DiscardPolicy.OLD : discard;
        templateOwner = templateOwner == null ? "" : templateOwner;
        sources = sources == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(sources));
        compression = compression == null ? Compression.NONE : compression;
        consumerLimits = consumerLimits == null ? ConsumerLimits.NONE : consumerLimits;
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A builder for a stream named {@code name}, every other field at its zero value. */
    public static Builder builder(String name) {
        return new Builder().name(name);
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Where in a cluster a stream should be placed: nats-server's {@code Placement}, all fields omitted when empty.
     *
     * @param cluster   the cluster's name
     * @param tags      server tags every chosen server must have
     * @param preferred the preferred leader (refused: nats-server does not permit it in stream placement)
     */
    @JsonPropertyOrder({"cluster", "tags", "preferred"})
    public record Placement(
            @JsonProperty("cluster") @JsonInclude(Include.NON_EMPTY) String cluster,
            @JsonProperty("tags") @JsonInclude(Include.NON_EMPTY) List<String> tags,
            @JsonProperty("preferred") @JsonInclude(Include.NON_EMPTY) String preferred) {
        public Placement {
            cluster = cluster == null ? "" : cluster;
            tags = tags == null ? List.of() : List.copyOf(tags);
            preferred = preferred == null ? "" : preferred;
        }

        /** Whether nothing is set, which nats-server treats as no placement. */
        @JsonIgnore
        public boolean isEmpty() {
            return cluster.isEmpty() && tags.isEmpty() && preferred.isEmpty();
        }
    }

    /**
     * A subject transform: subjects matching {@code src} become {@code dest} (mapping functions allowed). Both
     * fields are always written.
     *
     * @param src  the subjects it applies to ("" for all)
     * @param dest what they become
     */
    @JsonPropertyOrder({"src", "dest"})
    public record SubjectTransformConfig(@JsonProperty("src") String src, @JsonProperty("dest") String dest) {
        public SubjectTransformConfig {
            src = src == null ? "" : src;
            dest = dest == null ? "" : dest;
        }
    }

    /**
     * Republishing of stored messages: those on subjects matching {@code src} are published again to {@code dest}
     * (a transform), with their payload or, with {@code headersOnly}, without it.
     *
     * @param src         the stored subjects to republish ("" for all; defaulted to {@code >})
     * @param dest        the destination transform
     * @param headersOnly republish headers and size only
     */
    @JsonPropertyOrder({"src", "dest", "headers_only"})
    public record RePublish(
            @JsonProperty("src") @JsonInclude(Include.NON_EMPTY) String src,
            @JsonProperty("dest") String dest,
            @JsonProperty("headers_only") @JsonInclude(Include.NON_DEFAULT) boolean headersOnly) {
        public RePublish {
            src = src == null ? "" : src;
            dest = dest == null ? "" : dest;
        }
    }

    /**
     * Defaults and ceilings for the stream's consumers; always written, its fields only when set.
     *
     * @param inactiveThresholdNanos how long an idle consumer lives (0: the consumer decides)
     * @param maxAckPending          most unacknowledged messages per consumer (0: the consumer decides)
     */
    @JsonPropertyOrder({"inactive_threshold", "max_ack_pending"})
    public record ConsumerLimits(
            @JsonProperty("inactive_threshold") @JsonInclude(Include.NON_DEFAULT) long inactiveThresholdNanos,
            @JsonProperty("max_ack_pending") @JsonInclude(Include.NON_DEFAULT) long maxAckPending) {
        /** No limits. */
        public static final ConsumerLimits NONE = new ConsumerLimits(0, 0);
    }

    /**
     * Builds a {@link StreamConfig}; every field starts at its zero value, as in a Go struct. The fields are
     * package-private so that {@link StreamConfigs} can default and check them in place. Not thread-safe.
     */
    public static final class Builder {
        String name = "";
        String description = "";
        List<String> subjects = List.of();
        RetentionPolicy retention = RetentionPolicy.LIMITS;
        long maxConsumers;
        long maxMsgs;
        long maxBytes;
        long maxAgeNanos;
        long maxMsgsPerSubject;
        int maxMsgSize;
        DiscardPolicy discard = DiscardPolicy.OLD;
        StorageType storage;
        int numReplicas;
        boolean noAck;
        String templateOwner = "";
        long duplicateWindowNanos;
        Placement placement;
        StreamSource mirror;
        List<StreamSource> sources = List.of();
        Compression compression = Compression.NONE;
        long firstSeq;
        SubjectTransformConfig subjectTransform;
        RePublish republish;
        boolean allowDirect;
        boolean mirrorDirect;
        boolean discardNewPerSubject;
        boolean sealed;
        boolean denyDelete;
        boolean denyPurge;
        boolean allowRollupHdrs;
        ConsumerLimits consumerLimits = ConsumerLimits.NONE;
        boolean allowMsgTtl;
        long subjectDeleteMarkerTtlNanos;
        Map<String, String> metadata = Map.of();

        Builder() {
        }

        Builder(StreamConfig c) {
            name = c.name;
            description = c.description;
            subjects = c.subjects;
            retention = c.retention;
            maxConsumers = c.maxConsumers;
            maxMsgs = c.maxMsgs;
            maxBytes = c.maxBytes;
            maxAgeNanos = c.maxAgeNanos;
            maxMsgsPerSubject = c.maxMsgsPerSubject;
            maxMsgSize = c.maxMsgSize;
            discard = c.discard;
            storage = c.storage;
            numReplicas = c.numReplicas;
            noAck = c.noAck;
            templateOwner = c.templateOwner;
            duplicateWindowNanos = c.duplicateWindowNanos;
            placement = c.placement;
            mirror = c.mirror;
            sources = c.sources;
            compression = c.compression;
            firstSeq = c.firstSeq;
            subjectTransform = c.subjectTransform;
            republish = c.republish;
            allowDirect = c.allowDirect;
            mirrorDirect = c.mirrorDirect;
            discardNewPerSubject = c.discardNewPerSubject;
            sealed = c.sealed;
            denyDelete = c.denyDelete;
            denyPurge = c.denyPurge;
            allowRollupHdrs = c.allowRollupHdrs;
            consumerLimits = c.consumerLimits;
            allowMsgTtl = c.allowMsgTtl;
            subjectDeleteMarkerTtlNanos = c.subjectDeleteMarkerTtlNanos;
            metadata = c.metadata;
        }

        public StreamConfig build() {
            return new StreamConfig(name, description, subjects, retention, maxConsumers, maxMsgs, maxBytes,
                    maxAgeNanos, maxMsgsPerSubject, maxMsgSize, discard, storage, numReplicas, noAck, templateOwner,
                    duplicateWindowNanos, placement, mirror, sources, compression, firstSeq, subjectTransform,
                    republish, allowDirect, mirrorDirect, discardNewPerSubject, sealed, denyDelete, denyPurge,
                    allowRollupHdrs, consumerLimits, allowMsgTtl, subjectDeleteMarkerTtlNanos, metadata);
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder description(String value) {
            description = value;
            return this;
        }

        public Builder subjects(List<String> value) {
            subjects = value;
            return this;
        }

        public Builder subjects(String... value) {
            subjects = List.of(value);
            return this;
        }

        public Builder retention(RetentionPolicy value) {
            retention = value;
            return this;
        }

        public Builder maxConsumers(long value) {
            maxConsumers = value;
            return this;
        }

        public Builder maxMsgs(long value) {
            maxMsgs = value;
            return this;
        }

        public Builder maxBytes(long value) {
            maxBytes = value;
            return this;
        }

        public Builder maxAgeNanos(long value) {
            maxAgeNanos = value;
            return this;
        }

        public Builder maxMsgsPerSubject(long value) {
            maxMsgsPerSubject = value;
            return this;
        }

        public Builder maxMsgSize(int value) {
            maxMsgSize = value;
            return this;
        }

        public Builder discard(DiscardPolicy value) {
            discard = value;
            return this;
        }

        public Builder storage(StorageType value) {
            storage = value;
            return this;
        }

        public Builder numReplicas(int value) {
            numReplicas = value;
            return this;
        }

        public Builder noAck(boolean value) {
            noAck = value;
            return this;
        }

        public Builder templateOwner(String value) {
            templateOwner = value;
            return this;
        }

        public Builder duplicateWindowNanos(long value) {
            duplicateWindowNanos = value;
            return this;
        }

        public Builder placement(Placement value) {
            placement = value;
            return this;
        }

        public Builder mirror(StreamSource value) {
            mirror = value;
            return this;
        }

        public Builder sources(List<StreamSource> value) {
            sources = value;
            return this;
        }

        public Builder compression(Compression value) {
            compression = value;
            return this;
        }

        public Builder firstSeq(long value) {
            firstSeq = value;
            return this;
        }

        public Builder subjectTransform(SubjectTransformConfig value) {
            subjectTransform = value;
            return this;
        }

        public Builder republish(RePublish value) {
            republish = value;
            return this;
        }

        public Builder allowDirect(boolean value) {
            allowDirect = value;
            return this;
        }

        public Builder mirrorDirect(boolean value) {
            mirrorDirect = value;
            return this;
        }

        public Builder discardNewPerSubject(boolean value) {
            discardNewPerSubject = value;
            return this;
        }

        public Builder sealed(boolean value) {
            sealed = value;
            return this;
        }

        public Builder denyDelete(boolean value) {
            denyDelete = value;
            return this;
        }

        public Builder denyPurge(boolean value) {
            denyPurge = value;
            return this;
        }

        public Builder allowRollupHdrs(boolean value) {
            allowRollupHdrs = value;
            return this;
        }

        public Builder consumerLimits(ConsumerLimits value) {
            consumerLimits = value;
            return this;
        }

        public Builder allowMsgTtl(boolean value) {
            allowMsgTtl = value;
            return this;
        }

        public Builder subjectDeleteMarkerTtlNanos(long value) {
            subjectDeleteMarkerTtlNanos = value;
            return this;
        }

        public Builder metadata(Map<String, String> value) {
            metadata = value;
            return this;
        }
    }
}
