package io.natrix.server.jetstream;

import io.natrix.server.subject.Subjects;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Consumer configuration checks, as nats-server makes them: what a create request's configuration must satisfy, the
 * defaults filled in, what an update may change, and the exact {@link JsApiError} each refusal returns, in
 * nats-server's order (the first problem found is the one reported, so the order is part of the behaviour).
 *
 * <p>{@link #checkAndDefault} is nats-server's {@code setConsumerConfigDefaults} followed by
 * {@code checkConsumerCfg}, as of nats-server 2.12 for the fields of 2.11 (2.12 refuses names with path separators,
 * negative ack waits and back-offs, priority groups without a policy, and turns negative limits into their zero or
 * -1 defaults; those are kept, as {@link StreamConfigs} keeps 2.12's stream checks). {@link #checkNew} adds what
 * nats-server checks only when the consumer does not exist yet, {@link #checkUpdate} what an update may not
 * change. Checks against live state (the stream's consumer count, other work-queue consumers' filters, the named
 * consumer's existence) belong to whoever holds that state.
 *
 * <p>Natrix is a single server: {@code num_replicas} above 1 is refused with nats-server's {@code replicas > 1 not
 * supported in non-clustered mode} (500 10074), which its API returns before looking at anything else.
 *
 * <p>Stateless; safe on any thread.
 */
public final class ConsumerConfigs {
    /** Longest durable name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 255;
    /** Longest description, in UTF-8 bytes. */
    public static final int MAX_DESCRIPTION_BYTES = 4 * 1024;
    /** Most metadata, keys and values together, in UTF-8 bytes. */
    public static final int MAX_METADATA_BYTES = 128 * 1024;
    /** The ack wait of consumers that acknowledge and set none. */
    public static final long DEFAULT_ACK_WAIT_NANOS = 30_000_000_000L;
    /** The most waiting pull requests of pull consumers that set none. */
    public static final long DEFAULT_MAX_WAITING = 512;
    /** The most unacknowledged messages of consumers that acknowledge and set none (unless a limit is lower). */
    public static final long DEFAULT_MAX_ACK_PENDING = 1000;
    /** How long a pinned client keeps its pin without pulling, unless set. */
    public static final long DEFAULT_PINNED_TTL_NANOS = 120_000_000_000L;
    /** How long an ephemeral consumer lives without interest, unless set. */
    public static final long DEFAULT_EPHEMERAL_INACTIVE_THRESHOLD_NANOS = 5_000_000_000L;

    private static final long MIN_HEARTBEAT_NANOS = 100_000_000L;
    private static final long MIN_MAX_EXPIRES_NANOS = 1_000_000L;
    /** nats-server's {@code validGroupName}. */
    private static final Pattern GROUP_NAME = Pattern.compile("[a-zA-Z0-9/_=-]{1,16}");

    private ConsumerConfigs() {
    }

    /** The part of nats-server's work-queue checks that looks at the stream's other consumers. */
    @FunctionalInterface
    public interface WorkQueueFilters {
        /** Nothing to check. */
        WorkQueueFilters NONE = filters -> { };

        /**
         * Refuses a new work-queue consumer whose filters ({@link ConsumerConfig#filters()}, empty meaning all)
         * overlap another consumer's: 10099 or 10100.
         */
        void check(List<String> filters) throws JsApiException;
    }

    /**
     * Checks a create request's configuration and returns it with its defaults, as a single nats-server does for
     * {@code CONSUMER.CREATE} once the request subject is checked
     * ({@link ConsumerApi.CreateConsumerRequest#checkSubject}) and the stream found. On an existing consumer,
     * nats-server keeps its {@code pause_until}; the caller sets it in {@code requested} before calling.
     * The rules, in order, each with the error it returns:
     * <ul>
     *   <li>more than one replica: 500 10074. The API level metadata is set ({@link #withStaticMetadata}).</li>
     *   <li>defaults: {@code max_deliver} 0 or below -1 becomes -1; negative {@code max_waiting},
     *       {@code max_batch}, {@code max_expires}, {@code max_bytes}, {@code idle_heartbeat},
     *       {@code inactive_threshold} and {@code priority_timeout} become 0 and {@code max_ack_pending} below -1
     *       becomes -1 (each refused in pedantic mode: 400 10157); pull consumers wait for 512 requests; ack wait
     *       30s when acknowledging; a back-off's first value is the ack wait (pedantic: must already be);
     *       {@code max_ack_pending} and {@code inactive_threshold} from the stream's {@code consumer_limits}
     *       (pedantic: must be set when those are), then {@code max_ack_pending} 1000 when acknowledging, or the
     *       server's or account's limit when lower; pull {@code max_batch} the server's {@code max_request_batch}
     *       (pedantic: refused); {@code priority_timeout} two minutes for {@code pinned_client}.</li>
     *   <li>names: {@code name} and {@code durable_name} without whitespace, {@code .}, {@code *}, {@code >},
     *       {@code \} or {@code /} (500 10052); replicas above the stream's (10126), negative (10133), or other than
     *       the stream's on interest and work-queue streams (10134); ack wait and back-off values not negative
     *       (10183, 10184); {@code max_deliver} not below the back-off count (10116); description at most 4 KiB
     *       (10107).</li>
     *   <li>push: deliver subject literal (10079) and valid (10112), not captured by the stream (10081), no
     *       {@code max_waiting} (10080), no {@code max_ack_pending} without acknowledgements (10082), heartbeat at
     *       least 100ms (10083). Pull: acknowledgements on work-queue streams (10084), no rate limit (10086),
     *       {@code max_waiting} not negative (10087), no heartbeat (10088) or flow control (10089),
     *       {@code max_batch} not negative (10114), {@code max_expires} at least 1ms (10115) and {@code max_batch}
     *       within the server's limit (10125).</li>
     *   <li>{@code max_ack_pending} within the server's, account's and stream's limits (10121),
     *       {@code inactive_threshold} within the stream's (10153); {@code direct} only for ephemeral push consumers
     *       (10090, 10091).</li>
     *   <li>filters: not both {@code filter_subject} and {@code filter_subjects} (10136), valid (10052
     *       {@code invalid subject}), none empty (10139), none a subset of another (10138).</li>
     *   <li>deliver policy against {@code opt_start_seq} and {@code opt_start_time}, and {@code last_per_subject}
     *       needing a filter (10094); {@code sample_freq} a non-negative integer with an optional {@code %} (10095);
     *       flow control needs a heartbeat (10108); {@code durable_name} and {@code name} equal when both set (10132);
     *       metadata at most 128 KiB (10135).</li>
     *   <li>priority: with a policy, a pull consumer (10178) with groups (10159), each non-empty (10161) and of up to
     *       16 of {@code A-Za-z0-9/_=-} (10162); without one, no groups (10196) and no timeout (10197); the stream's
     *       placement without a preferred server (10052).</li>
     * </ul>
     * Last, an ephemeral consumer without an inactive threshold gets five seconds, as nats-server stamps it when the
     * consumer is made.
     *
     * @param requested the configuration as requested
     * @param stream    the stream's configuration
     * @param pedantic  refuse adjustments instead of making them
     * @param server    the server's JetStream limits
     * @param account   the account's JetStream limits
     * @return the configuration with its defaults
     * @throws JsApiException with the error nats-server returns for the first problem
     */
    public static ConsumerConfig checkAndDefault(ConsumerConfig requested, StreamConfig stream, boolean pedantic,
            JsServerLimits server, JsAccountLimits account) throws JsApiException {
        Objects.requireNonNull(requested, "requested");
        Objects.requireNonNull(stream, "stream");
        if (requested.numReplicas() > 1) {
            throw new JsApiException(JsErrors.streamReplicasNotSupported());
        }
        ConsumerConfig.Builder c = withStaticMetadata(requested).toBuilder();
        setDefaults(c, stream, pedantic, server, account);
        check(c, stream, server, account);
        if (c.durableName.isEmpty() && c.inactiveThresholdNanos <= 0) {
            c.inactiveThresholdNanos = DEFAULT_EPHEMERAL_INACTIVE_THRESHOLD_NANOS;
        }
        return c.build();
    }

    /** nats-server's {@code setConsumerConfigDefaults}. */
    private static void setDefaults(ConsumerConfig.Builder c, StreamConfig stream, boolean pedantic,
            JsServerLimits server, JsAccountLimits account) throws JsApiException {
        if (c.maxDeliver == 0 || c.maxDeliver < -1) {
            if (pedantic && c.maxDeliver < -1) {
                throw pedanticError("max_deliver must be set to -1");
            }
            c.maxDeliver = -1;
        }
        c.maxWaiting = notNegative(c.maxWaiting, "max_waiting", pedantic);
        if (c.maxAckPending < -1) {
            if (pedantic) {
                throw pedanticError("max_ack_pending must be set to -1");
            }
            c.maxAckPending = -1;
        }
        c.maxBatch = notNegative(c.maxBatch, "max_batch", pedantic);
        c.maxExpiresNanos = notNegative(c.maxExpiresNanos, "max_expires", pedantic);
        c.maxBytes = notNegative(c.maxBytes, "max_bytes", pedantic);
        c.idleHeartbeatNanos = notNegative(c.idleHeartbeatNanos, "idle_heartbeat", pedantic);
        c.inactiveThresholdNanos = notNegative(c.inactiveThresholdNanos, "inactive_threshold", pedantic);
        c.priorityTimeoutNanos = notNegative(c.priorityTimeoutNanos, "priority_timeout", pedantic);

        boolean pull = c.deliverSubject.isEmpty();
        boolean acks = c.ackPolicy == AckPolicy.EXPLICIT || c.ackPolicy == AckPolicy.ALL;
        if (pull && c.maxWaiting == 0) {
            c.maxWaiting = DEFAULT_MAX_WAITING;
        }
        if (c.ackWaitNanos == 0 && acks) {
            c.ackWaitNanos = DEFAULT_ACK_WAIT_NANOS;
        }
        if (!c.backoffNanos.isEmpty()) {
            if (pedantic && c.ackWaitNanos != c.backoffNanos.get(0)) {
                throw pedanticError("first backoff value has to equal batch AckWait");
            }
            c.ackWaitNanos = c.backoffNanos.get(0);
        }
        StreamConfig.ConsumerLimits limits = stream.consumerLimits();
        if (c.maxAckPending == 0) {
            if (pedantic && limits.maxAckPending() > 0) {
                throw pedanticError("max_ack_pending must be set if it's configured in stream limits");
            }
            c.maxAckPending = limits.maxAckPending();
        }
        if (c.inactiveThresholdNanos == 0) {
            if (pedantic && limits.inactiveThresholdNanos() > 0) {
                throw pedanticError("inactive_threshold must be set if it's configured in stream limits");
            }
            c.inactiveThresholdNanos = limits.inactiveThresholdNanos();
        }
        if (acks && c.maxAckPending == 0) {
            long pending = DEFAULT_MAX_ACK_PENDING;
            if (server.maxAckPending() > 0 && server.maxAckPending() < pending) {
                pending = server.maxAckPending();
            }
            if (account.maxAckPending() > 0 && account.maxAckPending() < pending) {
                pending = account.maxAckPending();
            }
            c.maxAckPending = pending;
        }
        if (pull && c.maxBatch == 0 && server.maxRequestBatch() > 0) {
            if (pedantic) {
                throw pedanticError("max_request_batch must be set if it's JetStream limits are set");
            }
            c.maxBatch = server.maxRequestBatch();
        }
        if (c.priorityPolicy == PriorityPolicy.PINNED_CLIENT && c.priorityTimeoutNanos == 0) {
            c.priorityTimeoutNanos = DEFAULT_PINNED_TTL_NANOS;
        }
    }

    /** nats-server's {@code checkConsumerCfg}, not recovering. */
    private static void check(ConsumerConfig.Builder c, StreamConfig stream, JsServerLimits server,
            JsAccountLimits account) throws JsApiException {
        if (!c.name.isEmpty() && !isValidAssetName(c.name)) {
            throw invalid("consumer name can not contain '.', '*', '>', '\\', '/'");
        }
        if (!c.durableName.isEmpty() && !isValidAssetName(c.durableName)) {
            throw invalid("consumer durable name can not contain '.', '*', '>', '\\', '/'");
        }
        if (c.numReplicas > 0 && c.numReplicas > stream.numReplicas()) {
            throw error("JSConsumerReplicasExceedsStream");
        }
        if (c.numReplicas < 0) {
            throw new JsApiException(JsErrors.replicasCountCannotBeNegative());
        }
        if ((stream.retention() == RetentionPolicy.INTEREST || stream.retention() == RetentionPolicy.WORK_QUEUE)
                && c.numReplicas != 0 && c.numReplicas != stream.numReplicas()) {
            throw error("JSConsumerReplicasShouldMatchStream");
        }
        for (long backoff : c.backoffNanos) {
            if (backoff < 0) {
                throw error("JSConsumerBackOffNegativeErr");
            }
        }
        if (c.ackWaitNanos < 0) {
            throw error("JSConsumerAckWaitNegativeErr");
        }
        if (!c.backoffNanos.isEmpty() && c.maxDeliver != -1 && c.backoffNanos.size() > c.maxDeliver) {
            throw error("JSConsumerMaxDeliverBackoffErr");
        }
        if (utf8Length(c.description) > MAX_DESCRIPTION_BYTES) {
            throw error("JSConsumerDescriptionTooLongErrF", "max", MAX_DESCRIPTION_BYTES);
        }

        if (!c.deliverSubject.isEmpty()) {
            if (Subjects.hasWildcard(c.deliverSubject)) {
                throw error("JSConsumerDeliverToWildcardsErr");
            }
            if (!Subjects.isValidSubscribeSubject(c.deliverSubject)) {
                throw error("JSConsumerInvalidDeliverSubject");
            }
            for (String subject : stream.subjects()) {
                // Delivering into the stream's own subjects would store every delivery again.
                if (Subjects.isSubsetOf(c.deliverSubject, subject)) {
                    throw error("JSConsumerDeliverCycleErr");
                }
            }
            if (c.maxWaiting != 0) {
                throw error("JSConsumerPushMaxWaitingErr");
            }
            if (c.maxAckPending > 0 && c.ackPolicy == AckPolicy.NONE) {
                throw error("JSConsumerMaxPendingAckPolicyRequiredErr");
            }
            if (c.idleHeartbeatNanos > 0 && c.idleHeartbeatNanos < MIN_HEARTBEAT_NANOS) {
                throw error("JSConsumerSmallHeartbeatErr");
            }
        } else {
            if (c.ackPolicy == AckPolicy.NONE && stream.retention() == RetentionPolicy.WORK_QUEUE) {
                throw error("JSConsumerPullRequiresAckErr");
            }
            if (c.rateLimitBps > 0) {
                throw error("JSConsumerPullWithRateLimitErr");
            }
            if (c.maxWaiting < 0) {
                throw error("JSConsumerMaxWaitingNegativeErr");
            }
            if (c.idleHeartbeatNanos > 0) {
                throw error("JSConsumerHBRequiresPushErr");
            }
            if (c.flowControl) {
                throw error("JSConsumerFCRequiresPushErr");
            }
            if (c.maxBatch < 0) {
                throw error("JSConsumerMaxRequestBatchNegativeErr");
            }
            if (c.maxExpiresNanos != 0 && c.maxExpiresNanos < MIN_MAX_EXPIRES_NANOS) {
                throw error("JSConsumerMaxRequestExpiresTooSmall");
            }
            if (server.maxRequestBatch() > 0 && c.maxBatch > server.maxRequestBatch()) {
                throw error("JSConsumerMaxRequestBatchExceededF", "limit", server.maxRequestBatch());
            }
        }
        if (server.maxAckPending() > 0 && c.maxAckPending > server.maxAckPending()) {
            throw error("JSConsumerMaxPendingAckExcessErrF", "limit", server.maxAckPending());
        }
        if (account.maxAckPending() > 0 && c.maxAckPending > account.maxAckPending()) {
            throw error("JSConsumerMaxPendingAckExcessErrF", "limit", account.maxAckPending());
        }
        StreamConfig.ConsumerLimits limits = stream.consumerLimits();
        if (limits.maxAckPending() > 0 && c.maxAckPending > limits.maxAckPending()) {
            throw error("JSConsumerMaxPendingAckExcessErrF", "limit", limits.maxAckPending());
        }
        if (limits.inactiveThresholdNanos() > 0 && c.inactiveThresholdNanos > limits.inactiveThresholdNanos()) {
            // nats-server fills the placeholder with the duration as Go prints it ("1m0s").
            throw error("JSConsumerInactiveThresholdExcess", "limit",
                    GoTime.duration(limits.inactiveThresholdNanos()));
        }
        if (c.direct) {
            if (c.deliverSubject.isEmpty()) {
                throw error("JSConsumerDirectRequiresPushErr");
            }
            if (!c.durableName.isEmpty()) {
                throw error("JSConsumerDirectRequiresEphemeralErr");
            }
        }

        checkFilters(c);
        checkStart(c);

        if (!c.sampleFreq.isEmpty()) {
            String error = sampleFrequencyError(c.sampleFreq);
            if (error != null) {
                throw error("JSConsumerInvalidSamplingErrF", "err", error);
            }
        }
        if (c.flowControl && c.idleHeartbeatNanos == 0) {
            throw error("JSConsumerWithFlowControlNeedsHeartbeats");
        }
        if (!c.durableName.isEmpty() && !c.name.isEmpty() && !c.name.equals(c.durableName)) {
            throw error("JSConsumerCreateDurableAndNameMismatch");
        }
        long metadataBytes = 0;
        for (Map.Entry<String, String> e : c.metadata.entrySet()) {
            metadataBytes += utf8Length(e.getKey()) + utf8Length(e.getValue());
        }
        if (metadataBytes > MAX_METADATA_BYTES) {
            throw error("JSConsumerMetadataLengthErrF", "limit", MAX_METADATA_BYTES / 1024 + "KB");
        }

        if (c.priorityPolicy != PriorityPolicy.NONE) {
            if (!c.deliverSubject.isEmpty()) {
                throw error("JSConsumerPushWithPriorityGroupErr");
            }
            if (c.priorityGroups.isEmpty()) {
                throw error("JSConsumerPriorityPolicyWithoutGroup");
            }
            for (String group : c.priorityGroups) {
                if (group.isEmpty()) {
                    throw error("JSConsumerEmptyGroupName");
                }
                if (!isValidGroupName(group)) {
                    throw error("JSConsumerInvalidGroupNameErr");
                }
            }
        } else {
            if (!c.priorityGroups.isEmpty()) {
                throw error("JSConsumerPriorityGroupWithPolicyNone");
            }
            if (c.priorityTimeoutNanos > 0) {
                throw error("JSConsumerPinnedTTLWithoutPriorityPolicyNone");
            }
        }
        if (stream.placement() != null && !stream.placement().preferred().isEmpty()) {
            throw invalid("preferred server not permitted in placement");
        }
    }

    private static void checkFilters(ConsumerConfig.Builder c) throws JsApiException {
        if (!c.filterSubject.isEmpty() && !c.filterSubjects.isEmpty()) {
            throw error("JSConsumerDuplicateFilterSubjects");
        }
        if (!c.filterSubject.isEmpty() && !Subjects.isValidSubscribeSubject(c.filterSubject)) {
            throw invalid("invalid subject");
        }
        for (String filter : c.filterSubjects) {
            if (filter.isEmpty()) {
                throw error("JSConsumerEmptyFilter");
            }
        }
        List<String> filters = c.build().filters();
        for (int outer = 0; outer < filters.size(); outer++) {
            String subject = filters.get(outer);
            if (!Subjects.isValidSubscribeSubject(subject)) {
                throw invalid("invalid subject");
            }
            for (int inner = 0; inner < filters.size(); inner++) {
                if (inner != outer && Subjects.isSubsetOf(subject, filters.get(inner))) {
                    throw error("JSConsumerOverlappingSubjectFilters");
                }
            }
        }
    }

    /** The deliver policy against the optional start sequence and time. */
    private static void checkStart(ConsumerConfig.Builder c) throws JsApiException {
        boolean seq = c.optStartSeq > 0;
        boolean time = c.optStartTime != null;
        switch (c.deliverPolicy) {
            case ALL, LAST, NEW, LAST_PER_SUBJECT -> {
                String policy = c.deliverPolicy == DeliverPolicy.LAST_PER_SUBJECT ? "last per subject"
                        : c.deliverPolicy.json();
                if (seq) {
                    throw badStart(policy, "sequence");
                }
                if (time) {
                    throw badStart(policy, "time");
                }
                if (c.deliverPolicy == DeliverPolicy.LAST_PER_SUBJECT && c.filterSubject.isEmpty()
                        && c.filterSubjects.isEmpty()) {
                    throw notSet("last per subject", "filter subject");
                }
            }
            case BY_START_SEQUENCE -> {
                if (!seq) {
                    throw notSet("by start sequence", "start sequence");
                }
                if (time) {
                    throw badStart("by start sequence", "time");
                }
            }
            case BY_START_TIME -> {
                if (!time) {
                    throw notSet("by start time", "start time");
                }
                if (c.optStartSeq != 0) {
                    throw badStart("by start time", "start sequence");
                }
            }
        }
    }

    private static JsApiException badStart(String policy, String start) {
        return error("JSConsumerInvalidPolicyErrF", "err", "consumer delivery policy is deliver " + policy
                + ", but optional start " + start + " is also set");
    }

    private static JsApiException notSet(String policy, String field) {
        return error("JSConsumerInvalidPolicyErrF", "err", "consumer delivery policy is deliver " + policy
                + ", but optional " + field + " is not set");
    }

    /**
     * What nats-server says about a sample frequency that is not {@code [+-]digits} with an optional trailing
     * {@code %} and at least 0: Go's {@code strconv.Atoi} error, or {@code <nil>} for a negative number (it formats
     * the absent error). Null when it is fine.
     */
    static String sampleFrequencyError(String sampleFreq) {
        String s = sampleFreq.endsWith("%") ? sampleFreq.substring(0, sampleFreq.length() - 1) : sampleFreq;
        String digits = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
        if (digits.isEmpty() || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return "strconv.Atoi: parsing " + GoJson.quote(s) + ": invalid syntax";
        }
        long value;
        try {
            value = Long.parseLong(s);
        } catch (NumberFormatException e) {
            return "strconv.Atoi: parsing " + GoJson.quote(s) + ": value out of range";
        }
        return value < 0 ? "<nil>" : null;
    }

    /**
     * Checks what nats-server checks only when the consumer is new (not an update of an existing one), after the
     * stream's consumer count: on a work-queue stream (unless {@code direct}), explicit acknowledgement (10098),
     * then {@code workQueueFilters} (the caller's check against the other consumers), then deliver policy
     * {@code all} (10101); a durable name of at most 255 bytes (10102); a name without whitespace, {@code .},
     * {@code *} or {@code >} (10103).
     *
     * @param config           the configuration from {@link #checkAndDefault}
     * @param stream           the stream's configuration
     * @param workQueueFilters the check of the filters against the stream's other consumers
     * @throws JsApiException with the error nats-server returns for the first problem
     */
    public static void checkNew(ConsumerConfig config, StreamConfig stream, WorkQueueFilters workQueueFilters)
            throws JsApiException {
        if (stream.retention() == RetentionPolicy.WORK_QUEUE && !config.direct()) {
            if (config.ackPolicy() != AckPolicy.EXPLICIT) {
                throw error("JSConsumerWQRequiresExplicitAckErr");
            }
            workQueueFilters.check(config.filters());
            if (config.deliverPolicy() != DeliverPolicy.ALL) {
                throw error("JSConsumerWQConsumerNotDeliverAllErr");
            }
        }
        if (config.isDurable() && utf8Length(config.durableName()) > MAX_NAME_BYTES) {
            throw error("JSConsumerNameTooLongErrF", "max", MAX_NAME_BYTES);
        }
        String name = config.isDurable() ? config.durableName() : config.name();
        if (!name.isEmpty() && !isValidName(name)) {
            throw error("JSConsumerBadDurableNameErr");
        }
    }

    /** {@link #checkNew} without the check against other consumers. */
    public static void checkNew(ConsumerConfig config, StreamConfig stream) throws JsApiException {
        checkNew(config, stream, WorkQueueFilters.NONE);
    }

    /**
     * Checks an update of an existing consumer to {@code next} (both as {@link #checkAndDefault} returned them), as
     * nats-server's {@code checkNewConsumerConfig} does, taking the old deliver subject to have no interest. See
     * {@link #checkUpdate(ConsumerConfig, ConsumerConfig, boolean)}.
     */
    public static void checkUpdate(ConsumerConfig existing, ConsumerConfig next) throws JsApiException {
        checkUpdate(existing, next, false);
    }

    /**
     * Checks an update of an existing consumer to {@code next}, as nats-server's {@code checkNewConsumerConfig}
     * does. The same configuration is always fine; otherwise the deliver policy, start sequence and time, ack and
     * replay policies, heartbeat, flow control and {@code max_waiting} stay as they are, a pull consumer stays pull
     * and a push consumer push (each 500 10012 with nats-server's text, e.g. {@code deliver policy can not be
     * updated}); the deliver subject changes only while nobody listens on the old one (10013); {@code max_deliver}
     * stays above the back-off count (10116).
     *
     * @param deliverSubjectHasInterest whether anyone subscribes to the existing deliver subject
     * @throws JsApiException with the error nats-server returns for the first problem
     */
    public static void checkUpdate(ConsumerConfig existing, ConsumerConfig next, boolean deliverSubjectHasInterest)
            throws JsApiException {
        if (existing.equals(next)) {
            return;
        }
        if (existing.deliverPolicy() != next.deliverPolicy()) {
            throw createError("deliver policy can not be updated");
        }
        if (existing.optStartSeq() != next.optStartSeq()) {
            throw createError("start sequence can not be updated");
        }
        if (!Objects.equals(existing.optStartTime(), next.optStartTime())) {
            throw createError("start time can not be updated");
        }
        if (existing.ackPolicy() != next.ackPolicy()) {
            throw createError("ack policy can not be updated");
        }
        if (existing.replayPolicy() != next.replayPolicy()) {
            throw createError("replay policy can not be updated");
        }
        if (existing.idleHeartbeatNanos() != next.idleHeartbeatNanos()) {
            throw createError("heart beats can not be updated");
        }
        if (existing.flowControl() != next.flowControl()) {
            throw createError("flow control can not be updated");
        }
        if (!existing.deliverSubject().equals(next.deliverSubject())) {
            if (existing.isPull()) {
                throw createError("can not update pull consumer to push based");
            }
            if (next.isPull()) {
                throw createError("can not update push consumer to pull based");
            }
            if (deliverSubjectHasInterest) {
                throw error("JSConsumerNameExistErr");
            }
        }
        if (existing.maxWaiting() != next.maxWaiting()) {
            throw createError("max waiting can not be updated");
        }
        if (!next.backoffNanos().isEmpty() && next.maxDeliver() != -1
                && next.backoffNanos().size() > next.maxDeliver()) {
            throw error("JSConsumerMaxDeliverBackoffErr");
        }
    }

    /**
     * Whether a create request with action {@code create} matches the existing consumer, as nats-server decides it:
     * equal configurations once the required API level is taken from the existing one.
     */
    public static boolean sameForCreate(ConsumerConfig requested, ConsumerConfig existing) {
        Map<String, String> metadata = new LinkedHashMap<>(requested.metadata());
        metadata.remove(JsVersioning.SERVER_VERSION_KEY);
        metadata.remove(JsVersioning.SERVER_LEVEL_KEY);
        String level = existing.metadata().get(JsVersioning.REQUIRED_LEVEL_KEY);
        if (level == null) {
            metadata.remove(JsVersioning.REQUIRED_LEVEL_KEY);
        } else {
            metadata.put(JsVersioning.REQUIRED_LEVEL_KEY, level);
        }
        return requested.toBuilder().metadata(metadata).build().equals(existing);
    }

    /** The API level a configuration needs: 1 when it pauses or uses priority groups (nats-server 2.11), else 0. */
    public static int requiredLevel(ConsumerConfig config) {
        boolean paused = config.pauseUntil() != null && !config.pauseUntil().equals(GoTime.ZERO);
        boolean priority = config.priorityPolicy() != PriorityPolicy.NONE || config.priorityTimeoutNanos() != 0
                || !config.priorityGroups().isEmpty();
        return paused || priority ? 1 : 0;
    }

    /** The configuration as stored: the answering server's keys removed, the required level set. */
    public static ConsumerConfig withStaticMetadata(ConsumerConfig config) {
        Map<String, String> metadata = new LinkedHashMap<>(config.metadata());
        metadata.remove(JsVersioning.SERVER_VERSION_KEY);
        metadata.remove(JsVersioning.SERVER_LEVEL_KEY);
        metadata.put(JsVersioning.REQUIRED_LEVEL_KEY, Integer.toString(requiredLevel(config)));
        return config.toBuilder().metadata(metadata).build();
    }

    /** The configuration as a response shows it: with the answering server's version and level added. */
    public static ConsumerConfig withDynamicMetadata(ConsumerConfig config, String serverVersion) {
        Map<String, String> metadata = new LinkedHashMap<>(config.metadata());
        metadata.put(JsVersioning.SERVER_VERSION_KEY, serverVersion);
        metadata.put(JsVersioning.SERVER_LEVEL_KEY, Integer.toString(JsVersioning.API_LEVEL));
        return config.toBuilder().metadata(metadata).build();
    }

    /** nats-server's {@code isValidName}: not empty, no whitespace, {@code .}, {@code *} or {@code >}. */
    static boolean isValidName(String name) {
        return !name.isEmpty() && name.chars().noneMatch(ch -> " \t\r\n\f.*>".indexOf(ch) >= 0);
    }

    /** nats-server's {@code isValidAssetName}: {@link #isValidName} without path separators either. */
    static boolean isValidAssetName(String name) {
        return isValidName(name) && name.indexOf('\\') < 0 && name.indexOf('/') < 0;
    }

    /** nats-server's {@code validGroupName}: 1 to 16 of {@code A-Za-z0-9/_=-}. */
    static boolean isValidGroupName(String group) {
        return GROUP_NAME.matcher(group).matches();
    }

    private static long notNegative(long value, String field, boolean pedantic) throws JsApiException {
        if (value < 0) {
            if (pedantic) {
                throw pedanticError(field + " must not be negative");
            }
            return 0;
        }
        return value;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static JsApiException error(String constant) {
        return new JsApiException(JsErrors.get(constant));
    }

    private static JsApiException error(String constant, String placeholder, Object value) {
        return new JsApiException(JsErrors.get(constant, Map.of(placeholder, value)));
    }

    /** A plain error from a consumer create or update: nats-server wraps it as 500 10012 with its text. */
    private static JsApiException createError(String text) {
        return error("JSConsumerCreateErrF", "err", text);
    }

    private static JsApiException invalid(String detail) {
        return new JsApiException(JsErrors.streamInvalidConfig(detail));
    }

    private static JsApiException pedanticError(String detail) {
        return new JsApiException(JsErrors.pedantic(detail));
    }
}
