package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * What the API says about a consumer: nats-server 2.11's {@code ConsumerInfo}, the body of consumer create and info
 * responses and an element of consumer list responses, with its JSON order and omissions.
 *
 * <p>nats-server writes {@code cluster} only for consumers with a Raft group, which a single server never has, so it
 * is not part of this model. {@code push_bound}, {@code paused}, {@code pause_remaining} and
 * {@code priority_groups} are left out when false, zero or empty, as nats-server does; {@code ts} (added in
 * nats-server 2.10) is left out only when null, so that documents from 2.9 read and write back unchanged.
 *
 * <p>Immutable; safe on any thread.
 *
 * @param streamName          the stream it reads
 * @param name                its name
 * @param created             when it was created (UTC)
 * @param config              its configuration (null only in documents that lack one)
 * @param delivered           the last delivered consumer and stream sequences, and when
 * @param ackFloor            the sequences below which everything is acknowledged, and when the floor last moved
 * @param numAckPending       delivered messages not yet acknowledged
 * @param numRedelivered      messages delivered more than once and not yet acknowledged
 * @param numWaiting          pull requests waiting
 * @param numPending          messages in the stream not yet delivered
 * @param pushBound           a push consumer with interest on its deliver subject
 * @param paused              paused now
 * @param pauseRemainingNanos how much longer it stays paused
 * @param priorityGroups      the state of its priority groups
 * @param ts                  when this information was gathered (UTC; null in documents from 2.9)
 */
@JsonPropertyOrder({"stream_name", "name", "created", "config", "delivered", "ack_floor", "num_ack_pending",
        "num_redelivered", "num_waiting", "num_pending", "push_bound", "paused", "pause_remaining", "ts",
        "priority_groups"})
public record ConsumerInfo(
        @JsonProperty("stream_name") String streamName,
        @JsonProperty("name") String name,
        @JsonProperty("created") Instant created,
        @JsonProperty("config") @JsonInclude(Include.NON_NULL) ConsumerConfig config,
        @JsonProperty("delivered") SequenceInfo delivered,
        @JsonProperty("ack_floor") SequenceInfo ackFloor,
        @JsonProperty("num_ack_pending") long numAckPending,
        @JsonProperty("num_redelivered") long numRedelivered,
        @JsonProperty("num_waiting") long numWaiting,
        @JsonProperty("num_pending") long numPending,
        @JsonProperty("push_bound") @JsonInclude(Include.NON_DEFAULT) boolean pushBound,
        @JsonProperty("paused") @JsonInclude(Include.NON_DEFAULT) boolean paused,
        @JsonProperty("pause_remaining") @JsonInclude(Include.NON_DEFAULT) long pauseRemainingNanos,
        @JsonProperty("priority_groups") @JsonInclude(Include.NON_EMPTY) List<PriorityGroupState> priorityGroups,
        @JsonProperty("ts") @JsonInclude(Include.NON_NULL) Instant ts) {

    public ConsumerInfo {
        streamName = streamName == null ? "" : streamName;
        name = name == null ? "" : name;
        delivered = delivered == null ? SequenceInfo.NONE : delivered;
        ackFloor = ackFloor == null ? SequenceInfo.NONE : ackFloor;
        priorityGroups = priorityGroups == null ? List.of() : List.copyOf(priorityGroups);
    }

    /**
     * Null for an info whose every field is missing: what reading a response that carried none (an error) yields,
     * since its fields sit next to {@code type} rather than in an object of their own.
     */
    static ConsumerInfo present(ConsumerInfo info) {
        return info == null || (info.config == null && info.created == null && info.streamName.isEmpty()) ? null
                : info;
    }

    /**
     * This info as a create or info response shows it: the configuration's metadata with the answering server's
     * {@code _nats.ver} and {@code _nats.level} (never stored), as nats-server adds them.
     */
    ConsumerInfo withServerMetadata() {
        if (config == null) {
            return this;
        }
        return new ConsumerInfo(streamName, name, created,
                ConsumerConfigs.withDynamicMetadata(config, io.natrix.server.Version.NATS_SERVER), delivered,
                ackFloor, numAckPending, numRedelivered, numWaiting, numPending, pushBound, paused,
                pauseRemainingNanos, priorityGroups, ts);
    }

    /**
     * A pair of sequences and a time: nats-server's {@code SequenceInfo}.
     *
     * @param consumerSeq the consumer sequence
     * @param streamSeq   the stream sequence
     * @param lastActive  when it last changed (null: never; then omitted)
     */
    @JsonPropertyOrder({"consumer_seq", "stream_seq", "last_active"})
    public record SequenceInfo(
            @JsonProperty("consumer_seq") long consumerSeq,
            @JsonProperty("stream_seq") long streamSeq,
            @JsonProperty("last_active") @JsonInclude(Include.NON_NULL) Instant lastActive) {

        /** Nothing delivered or acknowledged yet. */
        public static final SequenceInfo NONE = new SequenceInfo(0, 0, null);
    }

    /**
     * One priority group's state: nats-server's {@code PriorityGroupState}. {@code pinned_ts} is a Go
     * {@code time.Time}, which {@code omitempty} does not leave out: a group without a pin writes Go's zero time.
     *
     * @param group          the group's name
     * @param pinnedClientId the id of the pinned client (empty: none; then omitted)
     * @param pinnedTs       when it was pinned ({@link GoTime#ZERO} when not)
     */
    @JsonPropertyOrder({"group", "pinned_client_id", "pinned_ts"})
    public record PriorityGroupState(
            @JsonProperty("group") String group,
            @JsonProperty("pinned_client_id") @JsonInclude(Include.NON_EMPTY) String pinnedClientId,
            @JsonProperty("pinned_ts") Instant pinnedTs) {
        public PriorityGroupState {
            group = group == null ? "" : group;
            pinnedClientId = pinnedClientId == null ? "" : pinnedClientId;
            pinnedTs = pinnedTs == null ? GoTime.ZERO : pinnedTs;
        }
    }
}
