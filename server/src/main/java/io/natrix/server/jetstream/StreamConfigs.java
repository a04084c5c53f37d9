package io.natrix.server.jetstream;

import io.natrix.server.subject.SubjectTransform;
import io.natrix.server.subject.SubjectTransformException;
import io.natrix.server.subject.Subjects;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Stream configuration checks, as nats-server makes them: what a create or update request must satisfy, the
 * defaults filled in, and the exact {@link JsApiError} each refusal returns, in nats-server's order (the first
 * problem found is the one reported, so the order is part of the behaviour).
 *
 * <p>{@link #checkAndDefault} is nats-server's {@code checkStreamCfg} as of 2.12 for the fields of 2.11 (2.12
 * refuses negative ages, normalises limits below -1 to -1 and refuses path separators in names; those are kept).
 * {@link #checkCreate} adds what the create request and a single server check around it, {@link #checkUpdate}
 * what an update may not change. Checks against live state (subjects overlapping another stream, the account's
 * stream count and byte reservations) belong to whoever holds that state; {@link #checkNoOverlap} is the subject
 * part.
 *
 * <p>Natrix is a single server: {@code num_replicas} above 1 is refused on create with nats-server's
 * {@code replicas > 1 not supported in non-clustered mode} (500 10074) and, unlike nats-server, which accepts and
 * stores it, on update too.
 *
 * <p>Stateless; safe on any thread. The {@link Lookup} a caller passes is read, never kept.
 */
public final class StreamConfigs {
    /** Longest stream name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 255;
    /** Longest description, in UTF-8 bytes. */
    public static final int MAX_DESCRIPTION_BYTES = 4 * 1024;
    /** Most metadata, keys and values together, in UTF-8 bytes. */
    public static final int MAX_METADATA_BYTES = 128 * 1024;
    /** Most replicas nats-server accepts in a configuration. */
    public static final int MAX_REPLICAS = 5;
    /** The duplicate window when none is given (unless the age limit is shorter). */
    public static final long DEFAULT_DUPLICATE_WINDOW_NANOS = 120_000_000_000L;

    private static final long MIN_AGE_NANOS = 100_000_000L;
    private static final long MIN_DELETE_MARKER_TTL_NANOS = 1_000_000_000L;
    private static final String JS_API_PREFIX = "$JS.API";
    private static final String ALL = ">";

    private StreamConfigs() {
    }

    /** The account's other streams, by name, for the checks that look at a mirror's or source's origin. */
    @FunctionalInterface
    public interface Lookup {
        /** No other streams. */
        Lookup NONE = name -> null;

        /** The configuration of the stream named {@code name}, or null when there is none. */
        StreamConfig find(String name);
    }

    /**
     * Checks a create request's configuration and returns it with its defaults, as a single nats-server does for {@code
     * STREAM.CREATE}: the API level metadata is set ({@link JsVersioning#withStaticMetadata}); a name with {@code /} or
     * {@code \} is refused (400 10128), a name with NUL too (500 10049), as is a sealed stream (a stream
     * is sealed by an update) and {@code mirror_direct} without a mirror; then {@link #checkAndDefault}; then more than
     * one replica (500 10074). Whether the name matches the request subject, and whether another stream already has the
     * name or overlapping subjects, are the caller's to check, before and after this.
     *
     * @throws JsApiException with the error nats-server returns for the first problem
     */
    public static StreamConfig checkCreate(StreamConfig requested, boolean pedantic, JsServerLimits server,
            JsAccountLimits account, Lookup streams) throws JsApiException {
        StreamConfig config = JsVersioning.withStaticMetadata(requested);
        if (config.name().indexOf('/') >= 0 || config.name().indexOf('\\') >= 0) {
            throw new JsApiException(JsErrors.streamNameContainsPathSeparators());
        }
        if (config.name().indexOf('\0') >= 0) {
            // nats-server fails to make a file stream's directory (500 10049, "invalid argument"); this refuses a
            // memory stream's too, whose name would reach the file system in a snapshot or a restore.
            throw new JsApiException(JsErrors.streamCreate("stream directory for "
                    + config.name().replace("\0", "\\x00") + ": invalid argument (a file name can not hold NUL)"));
        }
        if (config.sealed()) {
            throw invalid("stream configuration for create can not be sealed");
        }
        if (config.mirrorDirect() && config.mirror() == null) {
            throw invalid("stream has no mirror but does have mirror direct");
        }
        StreamConfig checked = checkAndDefault(config, pedantic, server, account, streams);
        if (checked.numReplicas() > 1) {
            throw new JsApiException(JsErrors.streamReplicasNotSupported());
        }
        return checked;
    }

    /**
     * Checks an update of {@code old} to {@code requested} and returns the configuration to apply, as nats-server's
     * update does: {@link #checkAndDefault}, then the rules of change: the name and storage type stay, retention
     * moves only between limits and interest, template-owned streams are not updated, a sealed stream stays sealed
     * and {@code deny_delete}, {@code deny_purge} and {@code allow_msg_ttl} once set stay set, a mirror's
     * configuration stays as it is (removing it promotes the mirror to a normal stream). Sealing clears the age
     * limit, sets {@code discard new} and both denials and drops roll-ups. The API level metadata is set for the new
     * configuration. More than one replica is refused (500 10074).
     *
     * @throws JsApiException with the error nats-server returns for the first problem
     */
    public static StreamConfig checkUpdate(StreamConfig old, StreamConfig requested, boolean pedantic,
            JsServerLimits server, JsAccountLimits account, Lookup streams) throws JsApiException {
        StreamConfig checked = checkAndDefault(requested, pedantic, server, account, streams);
        if (!checked.name().equals(old.name())) {
            throw invalid("stream configuration name must match original");
        }
        if (checked.storage() != old.storage()) {
            throw invalid("stream configuration update can not change storage type");
        }
        if (checked.retention() != old.retention() && (old.retention() == RetentionPolicy.WORK_QUEUE
                || checked.retention() == RetentionPolicy.WORK_QUEUE)) {
            throw invalid("stream configuration update can not change retention policy to/from workqueue");
        }
        if (!old.templateOwner().isEmpty()) {
            throw invalid("stream configuration update not allowed on template owned stream");
        }
        if (!checked.templateOwner().isEmpty()) {
            throw invalid("stream configuration update can not be owned by a template");
        }
        if (!checked.sealed() && old.sealed()) {
            throw invalid("stream configuration update can not unseal a sealed stream");
        }
        if (!checked.denyDelete() && old.denyDelete()) {
            throw invalid("stream configuration update can not cancel deny message deletes");
        }
        if (!checked.denyPurge() && old.denyPurge()) {
            throw invalid("stream configuration update can not cancel deny purge");
        }
        if (checked.mirror() != null && !checked.mirror().equals(old.mirror())) {
            throw new JsApiException(JsErrors.streamMirrorNotUpdatable());
        }
        if (checked.discardNewPerSubject()) {
            if (checked.discard() != DiscardPolicy.NEW) {
                throw invalid("discard new per subject requires discard new policy to be set");
            }
            if (checked.maxMsgsPerSubject() <= 0) {
                throw invalid("discard new per subject requires max msgs per subject > 0");
            }
        }
        if (old.allowMsgTtl() && !checked.allowMsgTtl()) {
            throw invalid("message TTL status can not be disabled");
        }
        StreamConfig.Builder b = checked.toBuilder();
        if (checked.sealed()) {
            b.maxAgeNanos(0).discard(DiscardPolicy.NEW).denyDelete(true).denyPurge(true).allowRollupHdrs(false);
        }
        if (checked.numReplicas() > 1) {
            throw new JsApiException(JsErrors.streamReplicasNotSupported());
        }
        return JsVersioning.withStaticMetadata(b.build());
    }

    /**
     * Checks a requested configuration and fills in its defaults: nats-server's {@code checkStreamCfg}. The rules,
     * in order, each with the error it returns:
     * <ul>
     *   <li>name: not empty, no whitespace, {@code .}, {@code *}, {@code >}, {@code \} or {@code /}; at most 255
     *       bytes. Description at most 4 KiB, metadata at most 128 KiB (keys and values): 500 10052.</li>
     *   <li>defaults: storage file; replicas 1 (above 5: 10052, negative: 400 10133); {@code max_msgs},
     *       {@code max_msgs_per_subject}, {@code max_bytes}, {@code max_msg_size}, {@code max_consumers} 0 or below
     *       -1 become -1 (below -1 in pedantic mode: 400 10157).</li>
     *   <li>{@code max_age}: not negative, 0 or at least 100ms. Duplicate window: when 0 and not a mirror, two
     *       minutes, or the server's {@code max_duplicate_window} when lower, or {@code max_age} when lower (in
     *       pedantic mode those two adjustments are refused: 10157); then not negative, not above {@code max_age},
     *       not above the server limit, 0 or at least 100ms: 10052.</li>
     *   <li>{@code deny_purge} with {@code allow_rollup_hdrs}; {@code discard_new_per_subject} without
     *       {@code discard new} or without {@code max_msgs_per_subject}; subject delete marker TTL below 1s or
     *       negative (set, it turns on message TTLs and roll-ups, or in pedantic mode is refused): 10052.</li>
     *   <li>mirror: no {@code first_seq} (400 10143), no subjects (400 10034), no sources (400 10031), not both a
     *       filter and transforms (10150), no delete markers (10052), transforms valid (10151, 10154) and not
     *       overlapping (10152), a valid origin name (10142), a message size limit not below the origin's (10030);
     *       {@code mirror_direct} follows the origin's {@code allow_direct} (in pedantic mode a difference is
     *       refused: 10157).</li>
     *   <li>sources: valid names (10141), no repeats (10140), not both a filter and transforms (10144), transforms
     *       valid (10145, 10146) and not overlapping (10147), a message size limit not below the origin's
     *       (10046); external delivery prefixes literal (10024) and not overlapping the origins' subjects (10022),
     *       external API prefixes literal (10052) and not overlapping {@code $JS.API} (10021); no cycle through
     *       sources and mirrors (10052 {@code detected cycle}).</li>
     *   <li>subjects: default to the name unless mirror or sources; valid, no repeats, {@code >} only with
     *       {@code no_ack} and one replica, none in {@code $JS.>}, {@code $JSC.>}, {@code $NRG.>} (except
     *       {@code $JS.EVENT.>}) or {@code $SYS.>} (except {@code $SYS.ACCOUNT.>}) without {@code no_ack}, none
     *       overlapping another: 10052; at least one subject, source or mirror: 10052.</li>
     *   <li>account: {@code max_bytes} required (400 10113), not above the account's per-stream ceiling (400
     *       10122).</li>
     *   <li>subject transform: valid source (400 10155) and destination (400 10156). Republish: empty source
     *       becomes {@code >} (pedantic: 10157), {@code >} to {@code >} with a transform of the only subject
     *       republishes the transformed subjects (pedantic: 10157), the destination must not capture the stream's
     *       own subjects, the transform must be valid: 10052.</li>
     *   <li>placement: an empty one is dropped; a preferred server is refused: 10052.</li>
     * </ul>
     *
     * @param requested the configuration as requested
     * @param pedantic  refuse adjustments instead of making them
     * @param server    the server's JetStream limits
     * @param account   the account's JetStream limits
     * @param streams   the account's other streams
     * @return the configuration with its defaults
     * @throws JsApiException with the error nats-server returns for the first problem
     */
    public static StreamConfig checkAndDefault(StreamConfig requested, boolean pedantic, JsServerLimits server,
            JsAccountLimits account, Lookup streams) throws JsApiException {
        Objects.requireNonNull(requested, "requested");
        if (!isValidName(requested.name())) {
            throw invalid("stream name is required and can not contain '.', '*', '>', '\\', '/'");
        }
        if (utf8Length(requested.name()) > MAX_NAME_BYTES) {
            throw invalid("stream name is too long, maximum allowed is " + MAX_NAME_BYTES);
        }
        if (utf8Length(requested.description()) > MAX_DESCRIPTION_BYTES) {
            throw invalid("stream description is too long, maximum allowed is " + MAX_DESCRIPTION_BYTES);
        }
        long metadataBytes = 0;
        for (Map.Entry<String, String> e : requested.metadata().entrySet()) {
            metadataBytes += utf8Length(e.getKey()) + utf8Length(e.getValue());
        }
        if (metadataBytes > MAX_METADATA_BYTES) {
            throw invalid("stream metadata exceeds maximum size of " + MAX_METADATA_BYTES + " bytes");
        }

        StreamConfig.Builder c = requested.toBuilder();
        if (c.storage == null) {
            c.storage = StorageType.FILE;
        }
        if (c.numReplicas == 0) {
            c.numReplicas = 1;
        }
        if (c.numReplicas > MAX_REPLICAS) {
            throw invalid("maximum replicas is " + MAX_REPLICAS);
        }
        if (c.numReplicas < 0) {
            throw new JsApiException(JsErrors.replicasCountCannotBeNegative());
        }
        c.maxMsgs = unlimited(c.maxMsgs, "max_msgs", pedantic);
        c.maxMsgsPerSubject = unlimited(c.maxMsgsPerSubject, "max_msgs_per_subject", pedantic);
        c.maxBytes = unlimited(c.maxBytes, "max_bytes", pedantic);
        c.maxMsgSize = (int) unlimited(c.maxMsgSize, "max_msg_size", pedantic);
        c.maxConsumers = unlimited(c.maxConsumers, "max_consumers", pedantic);
        if (c.maxAgeNanos < 0) {
            throw invalid("max age can not be negative");
        }
        if (c.maxAgeNanos != 0 && c.maxAgeNanos < MIN_AGE_NANOS) {
            throw invalid("max age needs to be >= 100ms");
        }
        long duplicatesLimit = server.maxDuplicateWindowNanos();
        if (c.duplicateWindowNanos == 0 && c.mirror == null) {
            long window = DEFAULT_DUPLICATE_WINDOW_NANOS;
            if (duplicatesLimit > 0 && window > duplicatesLimit) {
                if (pedantic) {
                    throw pedanticError("duplicate window limits are higher than current limits");
                }
                window = duplicatesLimit;
            }
            if (c.maxAgeNanos != 0 && c.maxAgeNanos < window) {
                if (pedantic) {
                    throw pedanticError("duplicate window cannot be bigger than max age");
                }
                c.duplicateWindowNanos = c.maxAgeNanos;
            } else {
                c.duplicateWindowNanos = window;
            }
        }
        if (c.duplicateWindowNanos < 0) {
            throw invalid("duplicates window can not be negative");
        }
        if (c.maxAgeNanos != 0 && c.duplicateWindowNanos > c.maxAgeNanos) {
            throw invalid("duplicates window can not be larger then max age");
        }
        if (duplicatesLimit > 0 && c.duplicateWindowNanos > duplicatesLimit) {
            throw invalid("duplicates window can not be larger then server limit of "
                    + GoTime.duration(duplicatesLimit));
        }
        if (c.duplicateWindowNanos > 0 && c.duplicateWindowNanos < MIN_AGE_NANOS) {
            throw invalid("duplicates window needs to be >= 100ms");
        }
        if (c.denyPurge && c.allowRollupHdrs) {
            throw invalid("roll-ups require the purge permission");
        }
        if (c.discardNewPerSubject) {
            if (c.discard != DiscardPolicy.NEW) {
                throw invalid("discard new per subject requires discard new policy to be set");
            }
            if (c.maxMsgsPerSubject <= 0) {
                throw invalid("discard new per subject requires max msgs per subject > 0");
            }
        }
        if (c.subjectDeleteMarkerTtlNanos > 0) {
            if (c.subjectDeleteMarkerTtlNanos < MIN_DELETE_MARKER_TTL_NANOS) {
                throw invalid("subject delete marker TTL must be at least 1 second");
            }
            if (!c.allowMsgTtl) {
                if (pedantic) {
                    throw invalid("subject delete marker cannot be set if message TTLs are disabled");
                }
                c.allowMsgTtl = true;
            }
            if (!c.allowRollupHdrs) {
                if (pedantic) {
                    throw invalid("subject delete marker cannot be set if roll-ups are disabled");
                }
                c.allowRollupHdrs = true;
                c.denyPurge = false;
            }
        } else if (c.subjectDeleteMarkerTtlNanos < 0) {
            throw invalid("subject delete marker TTL must not be negative");
        }

        List<String> originSubjects = new ArrayList<>();
        List<String> deliveryPrefixes = new ArrayList<>();
        List<String> apiPrefixes = new ArrayList<>();
        if (c.mirror != null) {
            checkMirror(c, pedantic, streams, originSubjects, deliveryPrefixes, apiPrefixes);
        }
        checkSources(c, streams, originSubjects, deliveryPrefixes, apiPrefixes);
        for (String prefix : deliveryPrefixes) {
            if (!Subjects.isValidPublishSubject(prefix)) {
                throw new JsApiException(JsErrors.streamInvalidExternalDeliverySubject(prefix));
            }
            for (String subject : originSubjects) {
                if (collide(subject, prefix + "." + subject)) {
                    throw new JsApiException(JsErrors.streamExternalDelPrefixOverlaps(prefix, subject));
                }
            }
        }
        for (String prefix : apiPrefixes) {
            if (!Subjects.isValidPublishSubject(prefix)) {
                throw invalid("stream external api prefix " + GoJson.quote(prefix)
                        + " must be a valid subject without wildcards");
            }
            if (collide(prefix, JS_API_PREFIX)) {
                throw new JsApiException(JsErrors.streamExternalApiOverlap(prefix, JS_API_PREFIX));
            }
        }
        checkCycles(c.build(), streams);
        checkSubjects(c);

        if (account.maxBytesRequired() && c.maxBytes <= 0) {
            throw new JsApiException(JsErrors.streamMaxBytesRequired());
        }
        long streamBytesLimit = account.maxStreamBytes(c.storage);
        if (streamBytesLimit > 0 && c.maxBytes > streamBytesLimit) {
            throw new JsApiException(JsErrors.streamMaxStreamBytesExceeded());
        }

        StreamConfig.SubjectTransformConfig transform = c.subjectTransform;
        if (transform != null) {
            if (!transform.src().isEmpty() && !Subjects.isValidSubscribeSubject(transform.src())) {
                throw new JsApiException(JsErrors.streamTransformInvalidSource("invalid subject " + transform.src()));
            }
            String error = validateMapping(transform.src(), transform.dest());
            if (error != null) {
                throw new JsApiException(JsErrors.streamTransformInvalidDestination(error));
            }
        }
        if (c.republish != null) {
            checkRepublish(c, pedantic);
        }
        if (c.placement != null && c.placement.isEmpty()) {
            c.placement = null;
        }
        if (c.placement != null && !c.placement.preferred().isEmpty()) {
            throw invalid("preferred server not permitted in placement");
        }
        return c.build();
    }

    /**
     * Refuses subjects that overlap those of another stream of the account (400 10065), as nats-server does when
     * it adds or updates a stream; {@code others} excludes the stream itself.
     */
    public static void checkNoOverlap(StreamConfig config, Collection<StreamConfig> others) throws JsApiException {
        for (StreamConfig other : others) {
            for (String subject : other.subjects()) {
                for (String mine : config.subjects()) {
                    if (collide(mine, subject)) {
                        throw new JsApiException(JsErrors.streamSubjectOverlap());
                    }
                }
            }
        }
    }

    /** A valid stream (or mirror or source) name: not empty; no whitespace, {@code . * >}, or path separators. */
    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            switch (name.charAt(i)) {
                case ' ', '\t', '\r', '\n', '\f', '.', '*', '>', '\\', '/' -> {
                    return false;
                }
                default -> {
                }
            }
        }
        return true;
    }

    private static void checkMirror(StreamConfig.Builder c, boolean pedantic, Lookup streams,
            List<String> originSubjects, List<String> deliveryPrefixes, List<String> apiPrefixes)
            throws JsApiException {
        StreamSource mirror = c.mirror;
        if (c.firstSeq > 0) {
            throw new JsApiException(JsErrors.mirrorWithFirstSeq());
        }
        if (!c.subjects.isEmpty()) {
            throw new JsApiException(JsErrors.mirrorWithSubjects());
        }
        if (!c.sources.isEmpty()) {
            throw new JsApiException(JsErrors.mirrorWithSources());
        }
        if (!mirror.filterSubject().isEmpty() && !mirror.subjectTransforms().isEmpty()) {
            throw new JsApiException(JsErrors.mirrorMultipleFiltersNotAllowed());
        }
        if (c.subjectDeleteMarkerTtlNanos > 0) {
            // Markers would take sequence numbers the origin does not have.
            throw invalid("subject delete markers forbidden on mirrors");
        }
        List<StreamConfig.SubjectTransformConfig> transforms = mirror.subjectTransforms();
        for (int i = 0; i < transforms.size(); i++) {
            StreamConfig.SubjectTransformConfig t = transforms.get(i);
            if (!t.src().isEmpty() && !Subjects.isValidSubscribeSubject(t.src())) {
                throw new JsApiException(JsErrors.mirrorInvalidSubjectFilter("invalid subject " + t.src()));
            }
            String error = validateMapping(t.src(), t.dest());
            if (error != null) {
                throw new JsApiException(JsErrors.mirrorInvalidTransformDestination(error));
            }
            for (int j = 0; j < transforms.size(); j++) {
                if (i != j && collide(t.src(), transforms.get(j).src())) {
                    throw new JsApiException(JsErrors.mirrorOverlappingSubjectFilters());
                }
            }
        }
        if (mirror.external() == null) {
            if (!isValidName(mirror.name())) {
                throw new JsApiException(JsErrors.mirrorInvalidStreamName());
            }
            StreamConfig origin = streams.find(mirror.name());
            if (origin != null) {
                originSubjects.addAll(origin.subjects());
                if (c.maxMsgSize > 0 && origin.maxMsgSize() > 0 && c.maxMsgSize < origin.maxMsgSize()) {
                    throw new JsApiException(JsErrors.mirrorMaxMessageSizeTooBig());
                }
                if (pedantic && c.mirrorDirect != origin.allowDirect()) {
                    throw pedanticError("origin stream has direct get set, mirror has it disabled");
                }
                c.mirrorDirect = origin.allowDirect();
            }
        } else {
            if (!mirror.external().deliver().isEmpty()) {
                deliveryPrefixes.add(mirror.external().deliver());
            }
            if (!mirror.external().api().isEmpty()) {
                apiPrefixes.add(mirror.external().api());
            }
        }
    }

    private static void checkSources(StreamConfig.Builder c, Lookup streams, List<String> originSubjects,
            List<String> deliveryPrefixes, List<String> apiPrefixes) throws JsApiException {
        Set<String> seen = new HashSet<>();
        for (StreamSource source : c.sources) {
            if (source == null || !isValidName(source.name())) {
                throw new JsApiException(JsErrors.sourceInvalidStreamName());
            }
            if (!seen.add(identity(source))) {
                throw new JsApiException(JsErrors.sourceDuplicateDetected());
            }
            if (!source.filterSubject().isEmpty() && !source.subjectTransforms().isEmpty()) {
                throw new JsApiException(JsErrors.sourceMultipleFiltersNotAllowed());
            }
            for (StreamConfig.SubjectTransformConfig t : source.subjectTransforms()) {
                if (!t.src().isEmpty() && !Subjects.isValidSubscribeSubject(t.src())) {
                    throw new JsApiException(JsErrors.sourceInvalidSubjectFilter("invalid subject " + t.src()));
                }
                String error = validateMapping(t.src(), t.dest());
                if (error != null) {
                    throw new JsApiException(JsErrors.sourceInvalidTransformDestination(error));
                }
            }
            List<StreamConfig.SubjectTransformConfig> transforms = source.subjectTransforms();
            for (int i = 0; i < transforms.size(); i++) {
                for (int j = 0; j < transforms.size(); j++) {
                    if (i != j && subsetOf(transforms.get(i).src(), transforms.get(j).src())) {
                        throw new JsApiException(JsErrors.sourceOverlappingSubjectFilters());
                    }
                }
            }
            if (source.external() == null) {
                StreamConfig origin = streams.find(source.name());
                if (origin != null) {
                    originSubjects.addAll(origin.subjects());
                    if (c.maxMsgSize > 0 && origin.maxMsgSize() > 0 && c.maxMsgSize < origin.maxMsgSize()) {
                        throw new JsApiException(JsErrors.sourceMaxMessageSizeTooBig());
                    }
                }
            } else {
                if (!source.external().deliver().isEmpty()) {
                    deliveryPrefixes.add(source.external().deliver());
                }
                if (!source.external().api().isEmpty()) {
                    apiPrefixes.add(source.external().api());
                }
            }
        }
    }

    /**
     * What makes two sources the same for nats-server: the origin (and where it lives), and the subjects taken and
     * what they become, with empty meaning everything.
     */
    private static String identity(StreamSource source) {
        StringBuilder id = new StringBuilder(source.name());
        if (source.external() != null) {
            id.append(':').append(source.external().api());
        }
        String from;
        String to;
        if (source.subjectTransforms().isEmpty()) {
            from = source.filterSubject().isEmpty() ? ALL : source.filterSubject();
            to = ALL;
        } else {
            StringBuilder f = new StringBuilder();
            StringBuilder d = new StringBuilder();
            for (StreamConfig.SubjectTransformConfig t : source.subjectTransforms()) {
                if (f.length() > 0) {
                    f.append('\f');
                    d.append('\f');
                }
                f.append(t.src().isEmpty() ? ALL : t.src());
                d.append(t.dest().isEmpty() ? ALL : t.dest());
            }
            from = f.toString();
            to = d.toString();
        }
        return id.append(' ').append(from).append(' ').append(to).toString();
    }

    /**
     * Refuses a configuration whose sources and mirrors lead back to it: a walk over the local origins, breadth
     * first; meeting a stream already seen through a source that takes its subjects, or through a mirror, is a
     * cycle.
     */
    private static void checkCycles(StreamConfig config, Lookup streams) throws JsApiException {
        Deque<StreamConfig> toVisit = new ArrayDeque<>();
        Set<String> visited = new HashSet<>();
        toVisit.add(config);
        while (!toVisit.isEmpty()) {
            StreamConfig current = toVisit.poll();
            visited.add(current.name());
            for (StreamSource source : current.sources()) {
                if (source == null || source.external() != null) {
                    continue;
                }
                if (visited.contains(source.name())) {
                    if (takesSubjects(current.subjects(), source.filterSubject())) {
                        throw invalid("detected cycle");
                    }
                } else {
                    StreamConfig origin = streams.find(source.name());
                    if (origin != null) {
                        toVisit.add(origin);
                    }
                }
            }
            StreamSource mirror = current.mirror();
            if (mirror != null && mirror.external() == null) {
                if (visited.contains(mirror.name())) {
                    throw invalid("detected cycle");
                }
                StreamConfig origin = streams.find(mirror.name());
                if (origin != null) {
                    toVisit.add(origin);
                }
            }
        }
    }

    private static boolean takesSubjects(List<String> subjects, String filter) {
        if (filter.isEmpty()) {
            return true;
        }
        for (String subject : subjects) {
            if (collide(subject, filter)) {
                return true;
            }
        }
        return false;
    }

    private static void checkSubjects(StreamConfig.Builder c) throws JsApiException {
        if (c.subjects.isEmpty()) {
            if (c.mirror == null && c.sources.isEmpty()) {
                c.subjects = List.of(c.name);
            }
        } else {
            if (c.mirror != null) {
                throw new JsApiException(JsErrors.mirrorWithSubjects());
            }
            Set<String> seen = new HashSet<>();
            List<String> subjects = c.subjects;
            for (int i = 0; i < subjects.size(); i++) {
                String subject = subjects.get(i);
                if (!Subjects.isValidSubscribeSubject(subject)) {
                    throw invalid("invalid subject");
                }
                if (seen.contains(subject)) {
                    throw invalid("duplicate subjects detected");
                }
                if (subject.equals(ALL)) {
                    if (!c.noAck) {
                        throw invalid("capturing all subjects requires no-ack to be true");
                    }
                    if (c.numReplicas != 1) {
                        throw invalid("capturing all subjects requires replicas of 1");
                    }
                }
                if (!c.noAck) {
                    // Publishers would get the stream's acknowledgement where they expect the API's answer.
                    for (String namespace : List.of("$JS.>", "$JSC.>", "$NRG.>")) {
                        if (collide(subject, namespace) && !subsetOf(subject, "$JS.EVENT.>")) {
                            throw invalid("subjects that overlap with jetstream api require no-ack to be true");
                        }
                    }
                    if (collide(subject, "$SYS.>") && !subsetOf(subject, "$SYS.ACCOUNT.>")) {
                        throw invalid("subjects that overlap with system api require no-ack to be true");
                    }
                }
                for (String later : subjects.subList(i + 1, subjects.size())) {
                    if (collide(later, subject)) {
                        throw invalid("subject " + GoJson.quote(subject) + " overlaps with " + GoJson.quote(later));
                    }
                }
                seen.add(subject);
            }
        }
        if (c.subjects.isEmpty() && c.sources.isEmpty() && c.mirror == null) {
            throw invalid("stream needs at least one configured subject or be a source/mirror");
        }
    }

    private static void checkRepublish(StreamConfig.Builder c, boolean pedantic) throws JsApiException {
        String src = c.republish.src();
        String dest = c.republish.dest();
        if (src.isEmpty()) {
            if (pedantic) {
                throw pedanticError("republish source can not be empty");
            }
            src = ALL;
        }
        StreamConfig.SubjectTransformConfig transform = c.subjectTransform;
        if (dest.equals(ALL) && src.equals(ALL) && transform != null && c.subjects.size() == 1
                && transform.src().equals(c.subjects.get(0))) {
            if (pedantic) {
                throw pedanticError("implicit republish based on subject transform");
            }
            // Republishing everything to itself would loop; with a transform it means "the transformed subjects".
            src = transform.dest();
            dest = transform.dest();
        }
        for (String subject : c.subjects) {
            if (collide(dest, subject)) {
                throw invalid("stream configuration for republish destination forms a cycle");
            }
        }
        try {
            SubjectTransform.parse(src, dest);
        } catch (SubjectTransformException e) {
            throw invalid("stream configuration for republish with transform from '" + src + "' to '" + dest
                    + "' not valid");
        }
        c.republish = new StreamConfig.RePublish(src, dest, c.republish.headersOnly());
    }

    /**
     * nats-server's {@code ValidateMapping}: an empty destination is no transform; otherwise each destination
     * token must be non-empty, nothing may follow {@code >}, and whitespace is allowed only inside a function;
     * then the transform must build. Returns the error text, or null.
     */
    static String validateMapping(String src, String dest) {
        if (dest.isEmpty()) {
            return null;
        }
        boolean afterTail = false;
        for (String token : Subjects.tokens(dest)) {
            if (token.isEmpty() || afterTail) {
                return SubjectTransformException.Reason.INVALID_TRANSFORM.text()
                        + (token.isEmpty() ? "" : " in " + token);
            }
            if (token.length() > 4 && token.startsWith("{{") && token.endsWith("}}")) {
                continue;
            }
            if (token.equals(ALL)) {
                afterTail = true;
            } else if (token.chars().anyMatch(ch -> ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'
                    || ch == '\f')) {
                return SubjectTransformException.Reason.INVALID_TRANSFORM.text();
            }
        }
        try {
            SubjectTransform.parse(src, dest);
            return null;
        } catch (SubjectTransformException e) {
            return e.getMessage();
        }
    }

    /** A limit given as 0 or below -1 means unlimited, -1; below -1 is refused in pedantic mode. */
    private static long unlimited(long value, String field, boolean pedantic) throws JsApiException {
        if (value == 0 || value < -1) {
            if (pedantic && value < -1) {
                throw pedanticError(field + " must be set to -1");
            }
            return -1;
        }
        return value;
    }

    /** nats-server's {@code SubjectsCollide}: whether two subjects can match one literal subject. */
    static boolean collide(String a, String b) {
        return a.equals(b) || Subjects.intersect(a, b);
    }

    /** nats-server's {@code subjectIsSubsetMatch}: every subject {@code sub} matches, {@code of} matches. */
    private static boolean subsetOf(String sub, String of) {
        return Subjects.isSubsetOf(sub, of);
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static JsApiException invalid(String detail) {
        return new JsApiException(JsErrors.streamInvalidConfig(detail));
    }

    private static JsApiException pedanticError(String detail) {
        return new JsApiException(JsErrors.pedantic(detail));
    }
}
