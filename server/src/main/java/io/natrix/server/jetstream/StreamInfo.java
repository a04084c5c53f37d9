package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the API says about a stream: its configuration, when it was created, its state, and (nats-server 2.11) the
 * cluster it lives in and when the answer was put together. The body of stream create, update and info responses
 * and an element of stream list responses; the JSON is nats-server's {@code StreamInfo}.
 *
 * <p>nats-server 2.11 writes {@code cluster} even on a single server ({@code {"leader":"<server name>"}}) and
 * {@code ts}; 2.9 wrote neither. Both are left out here when null, so that documents from older servers read and
 * write back unchanged.
 *
 * <p>Immutable; safe on any thread.
 *
 * @param config     the configuration in effect
 * @param created    when the stream was created (UTC)
 * @param state      messages, bytes, sequences, times, deletions, consumers
 * @param domain     the JetStream domain ("" for none)
 * @param cluster    where it lives (null: not said)
 * @param mirror     the mirror's progress (null: not a mirror)
 * @param sources    each source's progress
 * @param alternates mirrors that could serve direct gets instead
 * @param ts         when this information was gathered (UTC; null in documents from servers before 2.10)
 */
@JsonPropertyOrder({"config", "created", "state", "domain", "cluster", "mirror", "sources", "alternates", "ts"})
public record StreamInfo(
        @JsonProperty("config") StreamConfig config,
        @JsonProperty("created") Instant created,
        @JsonProperty("state") StreamState state,
        @JsonProperty("domain") @JsonInclude(Include.NON_EMPTY) String domain,
        @JsonProperty("cluster") @JsonInclude(Include.NON_NULL) ClusterInfo cluster,
        @JsonProperty("mirror") @JsonInclude(Include.NON_NULL) SourceInfo mirror,
        @JsonProperty("sources") @JsonInclude(Include.NON_EMPTY) List<SourceInfo> sources,
        @JsonProperty("alternates") @JsonInclude(Include.NON_EMPTY) List<Alternate> alternates,
        @JsonProperty("ts") @JsonInclude(Include.NON_NULL) Instant ts) {

    public StreamInfo {
        domain = domain == null ? "" : domain;
        sources = sources == null ? List.of() : List.copyOf(sources);
        alternates = alternates == null ? List.of() : List.copyOf(alternates);
    }

    /**
     * Null for an info whose every field is missing: what reading a response that carried none (an error) yields,
     * since its fields sit next to {@code type} rather than in an object of their own.
     */
    static StreamInfo present(StreamInfo info) {
        return info == null || (info.config == null && info.created == null && info.state == null) ? null : info;
    }

    /**
     * This info as a create, update, info or restore response shows it: the configuration's metadata with the
     * answering server's {@code _nats.ver} and {@code _nats.level} (never stored), as nats-server adds them.
     */
    StreamInfo withServerMetadata() {
        if (config == null) {
            return this;
        }
        return new StreamInfo(JsVersioning.withDynamicMetadata(config, io.natrix.server.Version.NATS_SERVER),
                created, state, domain, cluster, mirror, sources, alternates, ts);
    }

    /**
     * A stream's state: nats-server's {@code StreamState}. Times of an empty stream are {@link GoTime#ZERO}.
     *
     * @param messages      messages stored
     * @param bytes         their bytes as the store counts them
     * @param firstSeq      first sequence still stored (or the next one when empty)
     * @param firstTs       its time
     * @param lastSeq       last sequence stored
     * @param lastTs        its time
     * @param numSubjects   distinct subjects stored (omitted when 0)
     * @param subjects      messages per subject, when asked for with {@code subjects_filter} (omitted when empty)
     * @param numDeleted    interior deletions (omitted when 0)
     * @param deleted       the deleted sequences, when asked for with {@code deleted_details} (omitted when empty)
     * @param lost          messages lost to corruption (omitted when null)
     * @param consumerCount consumers
     */
    @JsonPropertyOrder({"messages", "bytes", "first_seq", "first_ts", "last_seq", "last_ts", "num_subjects",
            "subjects", "num_deleted", "deleted", "lost", "consumer_count"})
    public record StreamState(
            @JsonProperty("messages") long messages,
            @JsonProperty("bytes") long bytes,
            @JsonProperty("first_seq") long firstSeq,
            @JsonProperty("first_ts") Instant firstTs,
            @JsonProperty("last_seq") long lastSeq,
            @JsonProperty("last_ts") Instant lastTs,
            @JsonProperty("num_subjects") @JsonInclude(Include.NON_DEFAULT) long numSubjects,
            @JsonProperty("subjects") @JsonInclude(Include.NON_EMPTY) Map<String, Long> subjects,
            @JsonProperty("num_deleted") @JsonInclude(Include.NON_DEFAULT) long numDeleted,
            @JsonProperty("deleted") @JsonInclude(Include.NON_EMPTY) List<Long> deleted,
            @JsonProperty("lost") @JsonInclude(Include.NON_NULL) LostData lost,
            @JsonProperty("consumer_count") long consumerCount) {

        public StreamState {
            firstTs = firstTs == null ? GoTime.ZERO : firstTs;
            lastTs = lastTs == null ? GoTime.ZERO : lastTs;
            subjects = subjects == null ? Map.of() : Map.copyOf(subjects);
            deleted = deleted == null ? List.of() : List.copyOf(deleted);
        }

        /** The state of a stream that never held a message. */
        public static StreamState empty() {
            return new StreamState(0, 0, 0, GoTime.ZERO, 0, GoTime.ZERO, 0, Map.of(), 0, List.of(), null, 0);
        }
    }

    /**
     * Messages a store lost (to corruption found on recovery): nats-server's {@code LostStreamData}.
     *
     * @param msgs  the lost sequences
     * @param bytes their bytes
     */
    @JsonPropertyOrder({"msgs", "bytes"})
    public record LostData(@JsonProperty("msgs") List<Long> msgs, @JsonProperty("bytes") long bytes) {
        public LostData {
            msgs = msgs == null ? null : List.copyOf(msgs);
        }
    }

    /**
     * Where a stream lives: nats-server's {@code ClusterInfo}, every field omitted when empty. A single server
     * reports only itself as {@code leader}.
     *
     * @param name          the cluster's name
     * @param raftGroup     the stream's Raft group
     * @param leader        the server that leads it
     * @param leaderSince   since when (null: not said)
     * @param systemAccount whether the Raft traffic runs in the system account
     * @param trafficAccount the account the Raft traffic runs in
     * @param replicas      the other replicas
     */
    @JsonPropertyOrder({"name", "raft_group", "leader", "leader_since", "system_account", "traffic_account",
            "replicas"})
    public record ClusterInfo(
            @JsonProperty("name") @JsonInclude(Include.NON_EMPTY) String name,
            @JsonProperty("raft_group") @JsonInclude(Include.NON_EMPTY) String raftGroup,
            @JsonProperty("leader") @JsonInclude(Include.NON_EMPTY) String leader,
            @JsonProperty("leader_since") @JsonInclude(Include.NON_NULL) Instant leaderSince,
            @JsonProperty("system_account") @JsonInclude(Include.NON_DEFAULT) boolean systemAccount,
            @JsonProperty("traffic_account") @JsonInclude(Include.NON_EMPTY) String trafficAccount,
            @JsonProperty("replicas") @JsonInclude(Include.NON_EMPTY) List<PeerInfo> replicas) {

        public ClusterInfo {
            name = name == null ? "" : name;
            raftGroup = raftGroup == null ? "" : raftGroup;
            leader = leader == null ? "" : leader;
            trafficAccount = trafficAccount == null ? "" : trafficAccount;
            replicas = replicas == null ? List.of() : List.copyOf(replicas);
        }

        /** What a single server says: it leads. */
        public static ClusterInfo singleServer(String serverName) {
            return new ClusterInfo("", "", serverName, null, false, "", List.of());
        }
    }

    /**
     * One replica of a clustered stream: nats-server's {@code PeerInfo}.
     *
     * @param name        the server's name
     * @param current     caught up and seen recently
     * @param offline     not seen recently
     * @param activeNanos since it was last seen
     * @param lag         operations behind
     * @param peer        the Raft peer id
     */
    @JsonPropertyOrder({"name", "current", "offline", "active", "lag", "peer"})
    public record PeerInfo(
            @JsonProperty("name") String name,
            @JsonProperty("current") boolean current,
            @JsonProperty("offline") @JsonInclude(Include.NON_DEFAULT) boolean offline,
            @JsonProperty("active") long activeNanos,
            @JsonProperty("lag") @JsonInclude(Include.NON_DEFAULT) long lag,
            @JsonProperty("peer") String peer) {
    }

    /**
     * How far a mirror or source has got: nats-server's {@code StreamSourceInfo}.
     *
     * @param name              the stream read from
     * @param external          where it lives when elsewhere
     * @param lag               messages not yet taken
     * @param activeNanos       since messages last arrived (-1: never)
     * @param error             why it is not progressing (null: it is)
     * @param filterSubject     its filter
     * @param subjectTransforms its filters with transforms
     */
    @JsonPropertyOrder({"name", "external", "lag", "active", "error", "filter_subject", "subject_transforms"})
    public record SourceInfo(
            @JsonProperty("name") String name,
            @JsonProperty("external") @JsonInclude(Include.NON_NULL) StreamSource.External external,
            @JsonProperty("lag") long lag,
            @JsonProperty("active") long activeNanos,
            @JsonProperty("error") @JsonInclude(Include.NON_NULL) JsApiError error,
            @JsonProperty("filter_subject") @JsonInclude(Include.NON_EMPTY) String filterSubject,
            @JsonProperty("subject_transforms") @JsonInclude(Include.NON_EMPTY)
            List<StreamConfig.SubjectTransformConfig> subjectTransforms) {
        public SourceInfo {
            filterSubject = filterSubject == null ? "" : filterSubject;
            subjectTransforms = subjectTransforms == null ? List.of() : List.copyOf(subjectTransforms);
        }
    }

    /**
     * A mirror that can answer direct gets for the stream: nats-server's {@code StreamAlternate}.
     *
     * @param name    the mirror's name
     * @param domain  its domain
     * @param cluster its cluster
     */
    @JsonPropertyOrder({"name", "domain", "cluster"})
    public record Alternate(
            @JsonProperty("name") String name,
            @JsonProperty("domain") @JsonInclude(Include.NON_EMPTY) String domain,
            @JsonProperty("cluster") String cluster) {
        public Alternate {
            domain = domain == null ? "" : domain;
        }
    }
}
