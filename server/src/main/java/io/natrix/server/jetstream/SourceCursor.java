package io.natrix.server.jetstream;

import io.natrix.server.store.MessageStore;
import io.natrix.server.store.StoredMessage;
import io.natrix.server.subject.SubjectTransform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How far a mirror or one source of a stream has read its origin: the last origin sequence taken, the subjects it
 * takes and what they become, and what its info reports ({@code lag}, {@code active}, {@code error}). nats-server's
 * {@code sourceInfo}, without the consumer: the cursor reads the origin's store directly.
 *
 * <p>The subjects taken are the {@code filter_subject} (empty: all) or the sources of the
 * {@code subject_transforms}; configuration checks made sure transform sources do not overlap, so a message matches
 * at most one of them and takes its destination.
 *
 * <p>Thread-safety: {@link #next}, {@link #copied} and the position fields are used by the one thread running the
 * stream's sourcing ({@link StreamSourcing}); what the info reads ({@link #info}) is volatile.
 */
final class SourceCursor {
    /** What {@link #next} reads ahead per filter; the message at or after the position for each filter. */
    private final StoredMessage[] ahead;
    private final StreamSource config;
    private final boolean mirror;
    private final String indexName;
    private final List<String> filters;
    /** Per filter, its transform; null entries where the subject is kept. */
    private final List<SubjectTransform> transforms;
    /** What {@link Stream.AppendListener} this cursor registered with its origin, so it can be taken off again. */
    final Stream.AppendListener listener;

    /**
     * How the origin is read when it is in another account ({@link ExternalSource}); null when its store is read
     * directly. Set once, before the first run.
     */
    ExternalSource remote;
    /** The origin read from now (null: not found yet, or gone); volatile for {@link #info}. */
    volatile Stream origin;
    /** The last origin sequence taken (0: none); volatile for {@link #info}. */
    volatile long lastSeq;
    /** Where to start, by time, once the origin is known (0: the position is {@link #lastSeq}). */
    long startTimeNanos;

    /** The lag when last caught up with the origin, shown while the origin is gone (or is read remotely). */
    private volatile long lag;
    /** Wall-clock nanoseconds of the last read of the origin (0: never). */
    private volatile long lastContactNanos;
    private volatile JsApiError error;

    SourceCursor(StreamSource config, boolean mirror, Stream.AppendListener listener) {
        this.config = config;
        this.mirror = mirror;
        this.listener = listener;
        this.indexName = SourceHeader.indexName(config);
        List<String> f = new ArrayList<>();
        List<SubjectTransform> t = new ArrayList<>();
        if (config.subjectTransforms().isEmpty()) {
            f.add(config.filterSubject().isEmpty() ? ">" : config.filterSubject());
            t.add(null);
        } else {
            for (StreamConfig.SubjectTransformConfig tc : config.subjectTransforms()) {
                String src = tc.src().isEmpty() ? ">" : tc.src();
                f.add(src);
                t.add(tc.dest().isEmpty() ? null : SubjectTransform.parse(src, tc.dest()));
            }
        }
        this.filters = List.copyOf(f);
        this.transforms = t;
        this.ahead = new StoredMessage[filters.size()];
    }

    StreamSource config() {
        return config;
    }

    boolean isMirror() {
        return mirror;
    }

    String indexName() {
        return indexName;
    }

    /** Forgets what was read ahead (the origin may have changed since). */
    void resetReadAhead() {
        java.util.Arrays.fill(ahead, null);
    }

    /** The next message of {@code origin} past {@link #lastSeq} on one of the subjects taken, or null. */
    StoredMessage next(MessageStore origin) throws IOException {
        StoredMessage best = null;
        for (int i = 0; i < ahead.length; i++) {
            StoredMessage m = ahead[i];
            if (m == null || m.sequence() <= lastSeq) {
                m = origin.loadNext(filters.get(i), lastSeq + 1);
                ahead[i] = m;
            }
            if (m != null && (best == null || m.sequence() < best.sequence())) {
                best = m;
            }
        }
        return best;
    }

    /**
     * The subject a message on {@code subject} is stored under: the destination of the first transform whose source
     * matches it, else the subject itself.
     */
    String subjectFor(String subject) {
        for (int i = 0; i < filters.size(); i++) {
            SubjectTransform t = transforms.get(i);
            String mapped = t == null ? null : t.apply(subject);
            if (mapped != null) {
                return mapped;
            }
        }
        return subject;
    }

    /** Messages of {@code origin} on the subjects taken past {@link #lastSeq}. */
    long pending(MessageStore origin) {
        long n = 0;
        for (String f : filters) {
            n += origin.pending(f, lastSeq + 1);
        }
        return n;
    }

    /** Records a successful read of the origin at {@code nowNanos}. */
    void contact(long nowNanos) {
        lastContactNanos = nowNanos;
        error = null;
    }

    /** Records the lag found after a read that took everything it could. */
    void lag(long lagNow) {
        lag = lagNow;
    }

    /** Records why the origin can not be read. */
    void fail(JsApiError why) {
        error = why;
    }

    JsApiError error() {
        return error;
    }

    /**
     * The info block: nats-server's {@code StreamSourceInfo} for this mirror or source. The lag is counted now when
     * the origin is there (so it is right while a large backlog is being copied), else the last one known.
     */
    StreamInfo.SourceInfo info(long nowNanos) {
        long last = lastContactNanos;
        long active = last == 0 ? -1 : Math.max(0, nowNanos - last);
        Stream o = origin;
        long lag = o == null ? this.lag : pending(o.store());
        return new StreamInfo.SourceInfo(config.name(), config.external(), lag, active, error,
                config.filterSubject(), config.subjectTransforms());
    }
}
