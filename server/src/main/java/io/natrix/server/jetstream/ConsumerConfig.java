package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A consumer's configuration: nats-server 2.11's {@code ConsumerConfig}, every field, with its JSON names, order and
 * omissions exactly as nats-server writes them (a field marked {@code omitempty} in nats-server is left out when
 * zero, false or empty; {@code deliver_policy}, {@code ack_policy}, {@code replay_policy} and {@code num_replicas}
 * are always written; {@code priority_policy} is left out when {@code none}). Durations are nanoseconds, as in the
 * JSON; times are UTC instants (nats-server keeps the offset a request gave; Natrix writes them back in UTC).
 *
 * <p>JSON is read by {@link ConsumerConfigJson}: strictly, unknown fields refused, with nats-server's errors. The
 * values nats-server added after 2.11 (ack policy {@code flow_control}, priority policy {@code prioritized}) are
 * refused as unknown values, as a 2.11 server refuses them. {@link JsJson#read} reads the configuration back, inside
 * consumer infos or stored state, through the same reader.
 *
 * <p>A configuration as requested is not yet usable: {@link ConsumerConfigs#checkAndDefault} validates it and fills
 * in the defaults. Strings, lists and maps are never null here: absent means empty, as with Go's zero values.
 *
 * <p>Immutable; safe on any thread. Build one with {@link #builder} or change one with {@link #toBuilder}.
 *
 * @param durableName the durable name (empty: ephemeral)
 * @param name the consumer's name (for new-style creates; equals the durable name when both are set)
 * @param description free text
 * @param deliverPolicy where delivery starts
 * @param optStartSeq the first stream sequence for {@code by_start_sequence} (0: unset)
 * @param optStartTime the start time for {@code by_start_time} (null: unset)
 * @param ackPolicy how messages are acknowledged
 * @param ackWaitNanos how long a delivered message waits for its acknowledgement before redelivery
 * @param maxDeliver most deliveries of one message (-1: unlimited)
 * @param backoffNanos redelivery delays, one per delivery (the last repeats); overrides {@code ack_wait}
 * @param filterSubject the one subject filter (empty: none)
 * @param filterSubjects several subject filters (exclusive with {@code filter_subject})
 * @param replayPolicy how fast stored messages are replayed
 * @param rateLimitBps push delivery rate limit in bits per second (0: none)
 * @param sampleFreq percentage of acknowledgements sampled as metrics ({@code "50%"} or {@code "50"})
 * @param maxWaiting most waiting pull requests
 * @param maxAckPending most unacknowledged messages (-1: unlimited)
 * @param flowControl push flow control
 * @param idleHeartbeatNanos push idle heartbeat interval (0: none)
 * @param headersOnly deliver headers and size, not payloads
 * @param maxBatch largest batch one pull request may ask for (0: any)
 * @param maxExpiresNanos longest expiry of one pull request (0: any)
 * @param maxBytes most bytes one pull request may ask for (0: any)
 * @param deliverSubject where a push consumer delivers (empty: a pull consumer)
 * @param deliverGroup the queue group a push consumer delivers to
 * @param inactiveThresholdNanos how long it may go without interest before it is removed (0: never, for durables)
 * @param numReplicas copies in a cluster (0: as the stream)
 * @param memStorage keep its state in memory whatever the stream's storage
 * @param direct an internal consumer (sourcing, mirroring) not listed to clients
 * @param metadata free key-value pairs (and the {@code _nats.*} versioning keys)
 * @param pauseUntil no deliveries until then (null: not paused)
 * @param priorityGroups the priority groups pull requests name
 * @param priorityPolicy how the groups' requests are served
 * @param priorityTimeoutNanos how long a pinned client keeps the pin without pulling
 */
@JsonPropertyOrder({"durable_name", "name", "description", "deliver_policy", "opt_start_seq", "opt_start_time",
        "ack_policy", "ack_wait", "max_deliver", "backoff", "filter_subject", "filter_subjects", "replay_policy",
        "rate_limit_bps", "sample_freq", "max_waiting", "max_ack_pending", "flow_control", "headers_only",
        "max_batch", "max_expires", "max_bytes", "deliver_subject", "deliver_group", "idle_heartbeat",
        "inactive_threshold", "num_replicas", "mem_storage", "direct", "metadata", "pause_until", "priority_groups",
        "priority_policy", "priority_timeout"})
@JsonDeserialize(using = ConsumerConfigJson.Deserializer.class)
public record ConsumerConfig(
        @JsonProperty("durable_name") @JsonInclude(Include.NON_EMPTY) String durableName,
        @JsonProperty("name") @JsonInclude(Include.NON_EMPTY) String name,
        @JsonProperty("description") @JsonInclude(Include.NON_EMPTY) String description,
        @JsonProperty("deliver_policy") DeliverPolicy deliverPolicy,
        @JsonProperty("opt_start_seq") @JsonInclude(Include.NON_DEFAULT) long optStartSeq,
        @JsonProperty("opt_start_time") @JsonInclude(Include.NON_NULL) Instant optStartTime,
        @JsonProperty("ack_policy") AckPolicy ackPolicy,
        @JsonProperty("ack_wait") @JsonInclude(Include.NON_DEFAULT) long ackWaitNanos,
        @JsonProperty("max_deliver") @JsonInclude(Include.NON_DEFAULT) long maxDeliver,
        @JsonProperty("backoff") @JsonInclude(Include.NON_EMPTY) List<Long> backoffNanos,
        @JsonProperty("filter_subject") @JsonInclude(Include.NON_EMPTY) String filterSubject,
        @JsonProperty("filter_subjects") @JsonInclude(Include.NON_EMPTY) List<String> filterSubjects,
        @JsonProperty("replay_policy") ReplayPolicy replayPolicy,
        @JsonProperty("rate_limit_bps") @JsonInclude(Include.NON_DEFAULT) long rateLimitBps,
        @JsonProperty("sample_freq") @JsonInclude(Include.NON_EMPTY) String sampleFreq,
        @JsonProperty("max_waiting") @JsonInclude(Include.NON_DEFAULT) long maxWaiting,
        @JsonProperty("max_ack_pending") @JsonInclude(Include.NON_DEFAULT) long maxAckPending,
        @JsonProperty("flow_control") @JsonInclude(Include.NON_DEFAULT) boolean flowControl,
        @JsonProperty("idle_heartbeat") @JsonInclude(Include.NON_DEFAULT) long idleHeartbeatNanos,
        @JsonProperty("headers_only") @JsonInclude(Include.NON_DEFAULT) boolean headersOnly,
        @JsonProperty("max_batch") @JsonInclude(Include.NON_DEFAULT) long maxBatch,
        @JsonProperty("max_expires") @JsonInclude(Include.NON_DEFAULT) long maxExpiresNanos,
        @JsonProperty("max_bytes") @JsonInclude(Include.NON_DEFAULT) long maxBytes,
        @JsonProperty("deliver_subject") @JsonInclude(Include.NON_EMPTY) String deliverSubject,
        @JsonProperty("deliver_group") @JsonInclude(Include.NON_EMPTY) String deliverGroup,
        @JsonProperty("inactive_threshold") @JsonInclude(Include.NON_DEFAULT) long inactiveThresholdNanos,
        @JsonProperty("num_replicas") long numReplicas,
        @JsonProperty("mem_storage") @JsonInclude(Include.NON_DEFAULT) boolean memStorage,
        @JsonProperty("direct") @JsonInclude(Include.NON_DEFAULT) boolean direct,
        @JsonProperty("metadata") @JsonInclude(Include.NON_EMPTY) Map<String, String> metadata,
        @JsonProperty("pause_until") @JsonInclude(Include.NON_NULL) Instant pauseUntil,
        @JsonProperty("priority_groups") @JsonInclude(Include.NON_EMPTY) List<String> priorityGroups,
        @JsonProperty("priority_policy")
        @JsonInclude(value = Include.CUSTOM, valueFilter = PriorityPolicy.OmitNone.class)
        PriorityPolicy priorityPolicy,
        @JsonProperty("priority_timeout") @JsonInclude(Include.NON_DEFAULT) long priorityTimeoutNanos) {

    public ConsumerConfig {
        durableName = durableName == null ? "" : durableName;
        name = name == null ? "" : name;
        description = description == null ? "" : description;
        deliverPolicy = deliverPolicy == null ? DeliverPolicy.ALL : deliverPolicy;
        ackPolicy = ackPolicy == null ? AckPolicy.NONE : ackPolicy;
        backoffNanos = backoffNanos == null ? List.of() : List.copyOf(backoffNanos);
        filterSubject = filterSubject == null ? "" : filterSubject;
        filterSubjects = filterSubjects == null ? List.of() : List.copyOf(filterSubjects);
        replayPolicy = replayPolicy == null ? ReplayPolicy.INSTANT : replayPolicy;
        sampleFreq = sampleFreq == null ? "" : sampleFreq;
        deliverSubject = deliverSubject == null ? "" : deliverSubject;
        deliverGroup = deliverGroup == null ? "" : deliverGroup;
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        priorityGroups = priorityGroups == null ? List.of() : List.copyOf(priorityGroups);
        priorityPolicy = priorityPolicy == null ? PriorityPolicy.NONE : priorityPolicy;
    }

    /** A builder with every field at its zero value. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The subject filters, {@code filter_subjects} followed by {@code filter_subject} (nats-server's
     * {@code gatherSubjectFilters}); empty means every subject of the stream.
     */
    @JsonIgnore
    public List<String> filters() {
        if (filterSubject.isEmpty()) {
            return filterSubjects;
        }
        List<String> all = new ArrayList<>(filterSubjects.size() + 1);
        all.addAll(filterSubjects);
        all.add(filterSubject);
        return Collections.unmodifiableList(all);
    }

    /** Whether clients pull messages (no deliver subject) rather than have them pushed. */
    @JsonIgnore
    public boolean isPull() {
        return deliverSubject.isEmpty();
    }

    /** Whether it has a durable name. */
    @JsonIgnore
    public boolean isDurable() {
        return !durableName.isEmpty();
    }

    /**
     * Builds a {@link ConsumerConfig}; every field starts at its zero value, as in a Go struct. The fields are
     * package-private so that {@link ConsumerConfigs} and {@link ConsumerConfigJson} can fill them in place. Not
     * thread-safe.
     */
    public static final class Builder {
        String durableName = "";
        String name = "";
        String description = "";
        DeliverPolicy deliverPolicy = DeliverPolicy.ALL;
        long optStartSeq;
        Instant optStartTime;
        AckPolicy ackPolicy = AckPolicy.NONE;
        long ackWaitNanos;
        long maxDeliver;
        List<Long> backoffNanos = List.of();
        String filterSubject = "";
        List<String> filterSubjects = List.of();
        ReplayPolicy replayPolicy = ReplayPolicy.INSTANT;
        long rateLimitBps;
        String sampleFreq = "";
        long maxWaiting;
        long maxAckPending;
        boolean flowControl;
        long idleHeartbeatNanos;
        boolean headersOnly;
        long maxBatch;
        long maxExpiresNanos;
        long maxBytes;
        String deliverSubject = "";
        String deliverGroup = "";
        long inactiveThresholdNanos;
        long numReplicas;
        boolean memStorage;
        boolean direct;
        Map<String, String> metadata = Map.of();
        Instant pauseUntil;
        List<String> priorityGroups = List.of();
        PriorityPolicy priorityPolicy = PriorityPolicy.NONE;
        long priorityTimeoutNanos;

        Builder() {
        }

        Builder(ConsumerConfig c) {
            durableName = c.durableName;
            name = c.name;
            description = c.description;
            deliverPolicy = c.deliverPolicy;
            optStartSeq = c.optStartSeq;
            optStartTime = c.optStartTime;
            ackPolicy = c.ackPolicy;
            ackWaitNanos = c.ackWaitNanos;
            maxDeliver = c.maxDeliver;
            backoffNanos = c.backoffNanos;
            filterSubject = c.filterSubject;
            filterSubjects = c.filterSubjects;
            replayPolicy = c.replayPolicy;
            rateLimitBps = c.rateLimitBps;
            sampleFreq = c.sampleFreq;
            maxWaiting = c.maxWaiting;
            maxAckPending = c.maxAckPending;
            flowControl = c.flowControl;
            idleHeartbeatNanos = c.idleHeartbeatNanos;
            headersOnly = c.headersOnly;
            maxBatch = c.maxBatch;
            maxExpiresNanos = c.maxExpiresNanos;
            maxBytes = c.maxBytes;
            deliverSubject = c.deliverSubject;
            deliverGroup = c.deliverGroup;
            inactiveThresholdNanos = c.inactiveThresholdNanos;
            numReplicas = c.numReplicas;
            memStorage = c.memStorage;
            direct = c.direct;
            metadata = c.metadata;
            pauseUntil = c.pauseUntil;
            priorityGroups = c.priorityGroups;
            priorityPolicy = c.priorityPolicy;
            priorityTimeoutNanos = c.priorityTimeoutNanos;
        }

        public ConsumerConfig build() {
            return new ConsumerConfig(durableName, name, description, deliverPolicy, optStartSeq, optStartTime,
                    ackPolicy, ackWaitNanos, maxDeliver, backoffNanos, filterSubject, filterSubjects, replayPolicy,
                    rateLimitBps, sampleFreq, maxWaiting, maxAckPending, flowControl, idleHeartbeatNanos,
                    headersOnly, maxBatch, maxExpiresNanos, maxBytes, deliverSubject, deliverGroup,
                    inactiveThresholdNanos, numReplicas, memStorage, direct, metadata, pauseUntil,
                    priorityGroups, priorityPolicy, priorityTimeoutNanos);
        }

        public Builder durableName(String value) {
            durableName = value;
            return this;
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder description(String value) {
            description = value;
            return this;
        }

        public Builder deliverPolicy(DeliverPolicy value) {
            deliverPolicy = value;
            return this;
        }

        public Builder optStartSeq(long value) {
            optStartSeq = value;
            return this;
        }

        public Builder optStartTime(Instant value) {
            optStartTime = value;
            return this;
        }

        public Builder ackPolicy(AckPolicy value) {
            ackPolicy = value;
            return this;
        }

        public Builder ackWaitNanos(long value) {
            ackWaitNanos = value;
            return this;
        }

        public Builder maxDeliver(long value) {
            maxDeliver = value;
            return this;
        }

        public Builder backoffNanos(List<Long> value) {
            backoffNanos = value;
            return this;
        }

        public Builder filterSubject(String value) {
            filterSubject = value;
            return this;
        }

        public Builder filterSubjects(List<String> value) {
            filterSubjects = value;
            return this;
        }

        public Builder filterSubjects(String... values) {
            filterSubjects = List.of(values);
            return this;
        }

        public Builder replayPolicy(ReplayPolicy value) {
            replayPolicy = value;
            return this;
        }

        public Builder rateLimitBps(long value) {
            rateLimitBps = value;
            return this;
        }

        public Builder sampleFreq(String value) {
            sampleFreq = value;
            return this;
        }

        public Builder maxWaiting(long value) {
            maxWaiting = value;
            return this;
        }

        public Builder maxAckPending(long value) {
            maxAckPending = value;
            return this;
        }

        public Builder flowControl(boolean value) {
            flowControl = value;
            return this;
        }

        public Builder idleHeartbeatNanos(long value) {
            idleHeartbeatNanos = value;
            return this;
        }

        public Builder headersOnly(boolean value) {
            headersOnly = value;
            return this;
        }

        public Builder maxBatch(long value) {
            maxBatch = value;
            return this;
        }

        public Builder maxExpiresNanos(long value) {
            maxExpiresNanos = value;
            return this;
        }

        public Builder maxBytes(long value) {
            maxBytes = value;
            return this;
        }

        public Builder deliverSubject(String value) {
            deliverSubject = value;
            return this;
        }

        public Builder deliverGroup(String value) {
            deliverGroup = value;
            return this;
        }

        public Builder inactiveThresholdNanos(long value) {
            inactiveThresholdNanos = value;
            return this;
        }

        public Builder numReplicas(long value) {
            numReplicas = value;
            return this;
        }

        public Builder memStorage(boolean value) {
            memStorage = value;
            return this;
        }

        public Builder direct(boolean value) {
            direct = value;
            return this;
        }

        public Builder metadata(Map<String, String> value) {
            metadata = value;
            return this;
        }

        public Builder pauseUntil(Instant value) {
            pauseUntil = value;
            return this;
        }

        public Builder priorityGroups(List<String> value) {
            priorityGroups = value;
            return this;
        }

        public Builder priorityGroups(String... values) {
            priorityGroups = List.of(values);
            return this;
        }

        public Builder priorityPolicy(PriorityPolicy value) {
            priorityPolicy = value;
            return this;
        }

        public Builder priorityTimeoutNanos(long value) {
            priorityTimeoutNanos = value;
            return this;
        }
    }
}
