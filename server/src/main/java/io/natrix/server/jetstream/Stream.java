package io.natrix.server.jetstream;

import io.natrix.server.account.Account;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.Router;
import io.natrix.server.store.MessageStore;
import io.natrix.server.store.MessageTtl;
import io.natrix.server.store.StoreLimits;
import io.natrix.server.store.StoreState;
import io.natrix.server.store.StoredMessage;
import io.natrix.server.subject.SubjectTransform;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream: its configuration, its store, and the subscriptions that capture what is published to its subjects.
 *
 * <p>A message published on one of the stream's subjects reaches {@link #ingest} through an internal subscription,
 * on the publisher's thread: the checks nats-server makes (sealed, size, {@code Nats-Expected-*}, duplicate
 * {@code Nats-Msg-Id} within the window, discard-new limits, roll-ups) run under the stream's lock, the message is
 * appended to the store, and the publisher's reply subject gets the {@link PubAck} (or the error) unless the
 * stream is {@code no_ack}. With {@code sync_interval: group} or {@code always} a file stream's answers go through
 * {@link GroupCommit}, which sends them after an fsync covered the message.
 *
 * <p>Per-message TTLs ({@code Nats-TTL}, read by {@link MessageTtl}) are refused unless the stream allows them, and
 * handed to the store, which expires them. Storage is checked against the account's and the server's ceilings
 * ({@link StorageQuota}, fed by the store). Expiry runs on the JetStream thread ({@link #expire}); with
 * {@code subject_delete_marker_ttl}, a subject's last message that expires is replaced by a marker
 * ({@link SubjectDeleteMarkers}) stored through the same checks, and removed without one when the marker is refused.
 *
 * <p>Thread-safety: ingest and every change hold {@link #lock}; reads of the store are the store's business (it is
 * thread-safe).
 */
final class Stream {
    private static final Logger LOG = LoggerFactory.getLogger(Stream.class);
    /** Most messages one expiry pass hands to marker processing; the rest wait for the next pass. */
    private static final int EXPIRING_BATCH_MAX = 10_000;
    private static final byte[] EMPTY = new byte[0];

    private final Account account;
    private final String domain;
    private final MessageStore store;
    private final Instant created;
    private final ReentrantLock lock = new ReentrantLock();
    private final DedupeWindow dedupe;
    private final List<InternalSubscription> subscriptions = new ArrayList<>();
    /** The stream's consumers; read on every store (publisher's thread), changed on the JetStream thread. */
    private final java.util.concurrent.CopyOnWriteArrayList<Consumer> consumers =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    private final StorageQuota quota;
    private volatile StreamConfig config;
    /** The stream's subject_transform, applied before storing; null when none. */
    private volatile SubjectTransform transform;
    /** The stream's republish source-to-destination transform; null when none. */
    private volatile SubjectTransform republish;
    private String lastMsgId;
    /** Whether the duplicate window holds what the store had when the stream loaded ({@link #rebuildDedupe}). */
    private boolean dedupeLoaded;
    /** Told after every append; an empty array (never null) when nobody listens, so the append allocates nothing. */
    private volatile AppendListener[] appendListeners = NO_LISTENERS;
    /** Sends file-stream PubAcks after an fsync (sync_interval group/always); null: at once. */
    private final GroupCommit commit;
    /** The store as group commit's key: one object, so a batch fsyncs it once. */
    private final GroupCommit.Durable durable;
    /** What copies messages into this stream from its mirror's or sources' origins; null when it has none. */
    private volatile StreamSourcing sourcing;

    private static final AppendListener[] NO_LISTENERS = new AppendListener[0];

    /**
     * Told that a stream appended a message. Called on the appending thread under the stream's lock: it must only
     * hand work off (schedule a task), never block or call back into the stream.
     */
    @FunctionalInterface
    interface AppendListener {
        void appended();
    }

    Stream(Account account, String domain, StreamConfig config, MessageStore store, Instant created,
           StorageQuota quota) throws IOException {
        this(account, domain, config, store, created, quota, null);
    }

    Stream(Account account, String domain, StreamConfig config, MessageStore store, Instant created,
           StorageQuota quota, GroupCommit commit) throws IOException {
        this.account = account;
        this.commit = commit;
        this.durable = store::syncWrites;
        this.domain = domain;
        this.config = config;
        this.store = store;
        this.created = created;
        this.quota = quota;
        this.dedupe = new DedupeWindow(config.duplicateWindowNanos());
        store.trackUsage(quota.tracker(config.storage()));
        store.limits(limits(config));
        transforms(config);
        subscribe();
    }

    /**
     * Fills the duplicate window from the store, as nats-server does when it loads a stream: the message ids of the
     * messages stored within the window before now, so that a publisher retrying across a restart is still told
     * its message is a duplicate, and the last message's id for {@code Nats-Expected-Last-Msg-Id}. Reads only the
     * messages of the window, and only when the first publish that needs it comes ({@link #dedupeLoaded}), so that
     * a large stream written just before a restart does not slow the start. Under the stream's lock.
     */
    private void rebuildDedupe() throws IOException {
        dedupeLoaded = true;
        long window = config.duplicateWindowNanos();
        if (window <= 0) {
            return;
        }
        dedupe.clear(); // whatever was recorded since the load is in the store too
        long last = store.state().lastSeq();
        StoredMessage m = store.loadNext(">", store.sequenceAt(nowNanos() - window));
        while (m != null) {
            String id = m.headers() == null ? null : NatsHeaders.parse(m.headers()).get(NatsHeaders.MSG_ID);
            if (id != null && !id.isEmpty()) {
                dedupe.record(id, m.sequence(), m.timestampNanos());
            }
            if (m.sequence() == last) {
                lastMsgId = id; // the last message's id, none when it has none (as nats-server's lmsgId)
            }
            m = m.sequence() < last ? store.loadNext(">", m.sequence() + 1) : null;
        }
    }

    String name() {
        return config.name();
    }

    Account account() {
        return account;
    }

    List<Consumer> consumers() {
        return consumers;
    }

    /**
     * The consumers users see and limits count: all but the {@code direct} ones that mirrors and sources in other
     * accounts read this stream through, which nats-server leaves out of consumer names and lists, consumer
     * counts and monitoring.
     */
    List<Consumer> publicConsumers() {
        List<Consumer> shown = new ArrayList<>(consumers.size());
        for (Consumer c : consumers) {
            if (!c.config().direct()) {
                shown.add(c);
            }
        }
        return shown;
    }

    void addConsumer(Consumer c) {
        consumers.add(c);
    }

    void removeConsumer(Consumer c) {
        consumers.remove(c);
    }

    StreamConfig config() {
        return config;
    }

    Instant created() {
        return created;
    }

    MessageStore store() {
        return store;
    }

    StreamSourcing sourcing() {
        return sourcing;
    }

    void sourcing(StreamSourcing s) {
        sourcing = s;
    }

    /** Adds a listener told after each append (copy on write: adding is rare, appending is not). */
    synchronized void addAppendListener(AppendListener l) {
        AppendListener[] now = appendListeners;
        AppendListener[] next = java.util.Arrays.copyOf(now, now.length + 1);
        next[now.length] = l;
        appendListeners = next;
    }

    synchronized void removeAppendListener(AppendListener l) {
        AppendListener[] now = appendListeners;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == l) {
                AppendListener[] next = new AppendListener[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                appendListeners = next.length == 0 ? NO_LISTENERS : next;
                return;
            }
        }
    }

    private void appended() {
        for (AppendListener l : appendListeners) {
            l.appended();
        }
    }

    static StoreLimits limits(StreamConfig c) {
        return new StoreLimits(c.maxMsgs(), c.maxBytes(), Duration.ofNanos(Math.max(0, c.maxAgeNanos())),
                c.maxMsgsPerSubject());
    }

    /** Applies an updated configuration (already checked): limits, window, subjects. */
    void update(StreamConfig next) throws IOException {
        lock.lock();
        try {
            config = next;
            transforms(next);
            dedupe.window(next.duplicateWindowNanos());
            store.limits(limits(next));
            unsubscribe();
            subscribe();
        } finally {
            lock.unlock();
        }
    }

    private void transforms(StreamConfig c) {
        StreamConfig.SubjectTransformConfig t = c.subjectTransform();
        transform = t == null || t.dest().isEmpty() ? null
                : SubjectTransform.parse(t.src().isEmpty() ? ">" : t.src(), t.dest());
        StreamConfig.RePublish r = c.republish();
        republish = r == null || r.dest().isEmpty() ? null
                : SubjectTransform.parse(r.src().isEmpty() ? ">" : r.src(), r.dest());
    }

    private void subscribe() {
        if (config.mirror() != null) {
            return; // a mirror takes messages only from its origin
        }
        for (String subject : config.subjects()) {
            InternalSubscription sub = new InternalSubscription(subject, null) {
                @Override
                protected boolean onMessage(Message m) {
                    ingest(m);
                    return true;
                }
            };
            subscriptions.add(sub);
            account.index().insert(sub);
        }
    }

    private void unsubscribe() {
        for (InternalSubscription sub : subscriptions) {
            account.index().remove(sub);
        }
        subscriptions.clear();
    }

    /** Stops taking messages and closes the store (data kept; consumers write their state). */
    void stop() throws IOException {
        lock.lock();
        try {
            unsubscribe();
        } finally {
            lock.unlock();
        }
        for (Consumer c : consumers) {
            c.stop(false);
        }
        consumers.clear();
        store.close();
    }

    /** Stops taking messages and deletes the data, consumers included. */
    void delete() throws IOException {
        lock.lock();
        try {
            unsubscribe();
        } finally {
            lock.unlock();
        }
        for (Consumer c : consumers) {
            c.delete();
        }
        consumers.clear();
        store.delete();
    }

    // ---------------------------------------------------------------- ingest (publisher's thread)

    private void ingest(Message m) {
        String reply = m.reply();
        byte[] answer;
        boolean stored = false;
        try {
            answer = store(m.subject(), m.headers(), m.payload()).wire();
            stored = true;
        } catch (JsApiException e) {
            answer = JsJson.write(JsApi.PubAckResponse.failed(config.name(), e.error()));
        } catch (IOException | RuntimeException e) {
            if (e instanceof IOException) {
                // The disk's answer (no space left, an I/O error): one line, as nats-server logs it.
                LOG.error("Stream {} in account {}: store failed: {}", config.name(), account, e.getMessage());
            } else {
                // A defect must not leave the publisher waiting for an answer that never comes: it gets the error.
                LOG.error("Stream {} in account {}: store failed", config.name(), account, e);
            }
            answer = JsJson.write(JsApi.PubAckResponse.failed(config.name(),
                    storeFailed(String.valueOf(e.getMessage()))));
        }
        if (reply != null && !config.noAck()) {
            GroupCommit g = commit;
            if (g != null && config.storage() == StorageType.FILE) {
                acknowledgeAfterSync(g, reply, answer, stored);
            } else {
                Router.publish(account, reply, null, null, answer);
            }
        }
    }

    /**
     * Hands the answer to group commit: sent once the store's fsync covered the message ({@code stored}), or in
     * turn behind this publisher's earlier answers (an error); a failed fsync turns it into the store error.
     */
    private void acknowledgeAfterSync(GroupCommit g, String reply, byte[] answer, boolean stored) {
        g.acknowledge(stored ? durable : null, failure -> Router.publish(account, reply, null, null,
                failure == null ? answer : JsJson.write(JsApi.PubAckResponse.failed(config.name(),
                        storeFailed(failure.getMessage())))));
    }

    /** Stores one message after nats-server's checks; the acknowledgement (a duplicate's names the first copy). */
    PubAck store(String published, byte[] headers, byte[] payload) throws JsApiException, IOException {
        SubjectTransform t = transform;
        String mapped = t == null ? null : t.apply(published);
        return append(mapped == null ? published : mapped, headers, payload);
    }

    /** {@link #store} on the stream's own subject (transformed already, or a marker's). */
    private PubAck append(String subject, byte[] headers, byte[] payload) throws JsApiException, IOException {
        NatsHeaders h = NatsHeaders.parse(headers);
        if (h.get(NatsHeaders.REQUEST_INFO) != null) {
            // Who sent a request across an import is for its answerer, not for the log (nats-server removes it too).
            headers = SourceHeader.remove(headers, NatsHeaders.REQUEST_INFO, false);
        }
        long now = nowNanos();
        lock.lock();
        try {
            StreamConfig c = config;
            if (c.sealed()) {
                throw new JsApiException(JsErrors.streamSealed());
            }
            long size = (long) payload.length + (headers == null ? 0 : headers.length);
            if (c.maxMsgSize() > 0 && size > c.maxMsgSize()) {
                throw new JsApiException(JsErrors.streamMessageExceedsMaximum());
            }
            quota.checkServer(c.storage());
            String expectedStream = h.get(NatsHeaders.EXPECTED_STREAM);
            if (expectedStream != null && !expectedStream.equals(c.name())) {
                throw new JsApiException(JsErrors.streamNotMatch());
            }
            long ttl = MessageTtl.parse(h.get(NatsHeaders.TTL));
            if (ttl != MessageTtl.NONE && ttl != MessageTtl.INVALID && !c.allowMsgTtl()) {
                throw new JsApiException(JsErrors.get("JSMessageTTLDisabledErr"));
            }
            String msgId = h.get(NatsHeaders.MSG_ID);
            if (!dedupeLoaded && (msgId != null || h.get(NatsHeaders.EXPECTED_LAST_MSG_ID) != null)) {
                rebuildDedupe();
            }
            if (msgId != null && !msgId.isEmpty()) {
                long seen = dedupe.seen(msgId, now);
                if (seen > 0) {
                    return new PubAck(c.name(), seen, domain, true);
                }
            }
            StoreState state = store.state();
            String expectedLast = h.get(NatsHeaders.EXPECTED_LAST_SEQ);
            if (expectedLast != null && parseLong(expectedLast) != state.lastSeq()) {
                throw new JsApiException(JsErrors.streamWrongLastSequence(state.lastSeq()));
            }
            String expectedLastSubject = h.get(NatsHeaders.EXPECTED_LAST_SUBJECT_SEQ);
            if (expectedLastSubject != null) {
                String on = h.get(NatsHeaders.EXPECTED_LAST_SUBJECT_SEQ_SUBJECT);
                StoredMessage last = store.loadLast(on == null || on.isEmpty() ? subject : on);
                long lastSeq = last == null ? 0 : last.sequence();
                if (parseLong(expectedLastSubject) != lastSeq) {
                    throw new JsApiException(JsErrors.streamWrongLastSequence(lastSeq));
                }
            }
            String expectedLastId = h.get(NatsHeaders.EXPECTED_LAST_MSG_ID);
            if (expectedLastId != null && !expectedLastId.equals(lastMsgId == null ? "" : lastMsgId)) {
                throw new JsApiException(JsErrors.streamWrongLastMsgId(lastMsgId == null ? "" : lastMsgId));
            }
            String rollup = h.get(NatsHeaders.ROLLUP);
            if (rollup != null) {
                if (!c.allowRollupHdrs()) {
                    throw new JsApiException(rollupFailed("rollup not permitted"));
                }
                if (!rollup.equals("sub") && !rollup.equals("all")) {
                    throw new JsApiException(rollupFailed("rollup value invalid: " + rollup));
                }
            }
            if (c.discard() == DiscardPolicy.NEW) {
                DiscardNewLimits.check(c, store, state, subject, headers, payload, rollup != null);
            }
            quota.checkAccount(c.storage(), store.messageSize(subject, headers, payload));
            if (ttl == MessageTtl.INVALID) {
                throw new JsApiException(JsErrors.get("JSMessageTTLInvalidErr"));
            }
            long stored = SubjectDeleteMarkers.effectiveTtl(ttl, SubjectDeleteMarkers.ttlSeconds(c),
                    c.maxMsgsPerSubject());
            if (stored != ttl) {
                headers = SubjectDeleteMarkers.withTtl(headers, stored);
            }
            return new PubAck(c.name(), commit(c, subject, headers, payload, now, stored, rollup, msgId, now), domain,
                    false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The part of storing a publish or a copied message that follows the checks, under the stream's lock: an
     * interest stream nobody is interested in only uses up the sequence; otherwise the message is stored, the
     * consumers are told, it is republished and rolled up; then the message id is remembered and copiers woken.
     */
    private long commit(StreamConfig c, String subject, byte[] headers, byte[] payload, long timestampNanos,
                        long ttl, String rollup, String msgId, long now) throws IOException {
        long seq;
        if (c.retention() == RetentionPolicy.INTEREST && !interested(subject)) {
            seq = store.skip(); // nobody would ever read it (as nats-server)
        } else {
            StoredMessage previous = republish == null ? null : store.loadLast(subject);
            seq = store.store(subject, headers, payload, timestampNanos, ttl);
            for (Consumer consumer : consumers) {
                consumer.onStored(subject);
            }
            if (republish != null) {
                republish(subject, headers, payload, seq, timestampNanos,
                        previous == null ? 0 : previous.sequence());
            }
            if (rollup != null && store.purge(rollup.equals("sub") ? subject : null, seq, 0) > 0) {
                changed();
            }
        }
        if (msgId != null && !msgId.isEmpty()) {
            dedupe.record(msgId, seq, now);
        }
        lastMsgId = msgId; // the last stored message's id, none when it had none (as nats-server's lmsgId)
        appended();
        return seq;
    }

    private boolean interested(String subject) {
        for (Consumer consumer : consumers) {
            if (consumer.matches(subject)) {
                return true;
            }
        }
        return false;
    }

    /** Tells the consumers that messages were removed (purge, delete, expiry) so they recount and move on. */
    void changed() {
        long first = store.state().firstSeq();
        for (Consumer consumer : consumers) {
            consumer.streamChanged(first);
        }
    }

    /**
     * A consumer acknowledged {@code seq} (interest and work-queue retention): a work queue removes it at once; an
     * interest stream once no consumer still needs it. Called without the consumer's lock.
     */
    void ackMsg(Consumer by, long seq) {
        RetentionPolicy retention = config.retention();
        if (retention == RetentionPolicy.LIMITS) {
            return;
        }
        lock.lock();
        try {
            if (retention == RetentionPolicy.INTEREST) {
                StoredMessage m = store.load(seq);
                if (m == null) {
                    return;
                }
                for (Consumer c : consumers) {
                    if (c != by && c.needsAck(seq, m.subject())) {
                        return;
                    }
                }
            }
            store.remove(seq, false);
        } catch (IOException e) {
            LOG.error("Stream {} in account {}: removing acknowledged message {} failed: {}", config.name(), account,
                    seq, e.toString());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Interest retention after a consumer went away: removes the messages no remaining consumer needs. Called on the
     * JetStream thread.
     */
    void checkInterest() {
        if (config.retention() != RetentionPolicy.INTEREST) {
            return;
        }
        lock.lock();
        try {
            StoreState s = store.state();
            for (long seq = s.firstSeq(); seq > 0 && seq <= s.lastSeq(); seq++) {
                StoredMessage m = store.loadNext(null, seq);
                if (m == null) {
                    break;
                }
                seq = m.sequence();
                boolean needed = false;
                for (Consumer c : consumers) {
                    if (c.needsAck(seq, m.subject())) {
                        needed = true;
                        break;
                    }
                }
                if (!needed) {
                    store.remove(seq, false);
                }
            }
        } catch (IOException e) {
            LOG.error("Stream {} in account {}: interest check failed: {}", config.name(), account, e.toString());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stores a message a mirror or source copied from its origin ({@link StreamSourcing}), as nats-server stores
     * them: the stream's own subject transform and the {@code Nats-Expected-*} checks do not apply (copying strips
     * those headers); the stream being sealed, the message size, a duplicate {@code Nats-Msg-Id} (not for a
     * mirror), roll-ups, discard-new limits and republishing do.
     *
     * <p>For a mirror, {@code originSeq} is the sequence the message must get: the sequences up to it are skipped
     * (an empty store starts right there), so the mirror keeps its origin's numbering. A source passes 0 and the
     * message gets the next sequence.
     *
     * @return the sequence stored, or 0 when the message was a duplicate and not stored
     */
    long storeCopied(String subject, byte[] headers, byte[] payload, long timestampNanos, long originSeq)
            throws JsApiException, IOException {
        NatsHeaders h = NatsHeaders.parse(headers);
        long now = nowNanos();
        lock.lock();
        try {
            StreamConfig c = config;
            if (c.sealed()) {
                throw new JsApiException(JsErrors.streamSealed());
            }
            long size = (long) payload.length + (headers == null ? 0 : headers.length);
            if (c.maxMsgSize() > 0 && size > c.maxMsgSize()) {
                throw new JsApiException(JsErrors.streamMessageExceedsMaximum());
            }
            String msgId = originSeq > 0 ? null : h.get(NatsHeaders.MSG_ID);
            if (!dedupeLoaded && msgId != null) {
                rebuildDedupe();
            }
            if (msgId != null && !msgId.isEmpty() && dedupe.seen(msgId, now) > 0) {
                return 0;
            }
            String rollup = h.get(NatsHeaders.ROLLUP);
            if (rollup != null && (!c.allowRollupHdrs() || (!rollup.equals("sub") && !rollup.equals("all")))) {
                throw new JsApiException(rollupFailed(c.allowRollupHdrs() ? "rollup value invalid: " + rollup
                        : "rollup not permitted"));
            }
            StoreState state = store.state();
            if (c.discard() == DiscardPolicy.NEW) {
                DiscardNewLimits.check(c, store, state, subject, headers, payload, rollup != null);
            }
            if (originSeq > 0) {
                if (originSeq <= state.lastSeq()) {
                    return 0;
                }
                if (state.msgs() == 0) {
                    store.compact(originSeq);
                } else {
                    for (long gap = originSeq - state.lastSeq() - 1; gap > 0; gap--) {
                        store.skip();
                    }
                }
            }
            return commit(c, subject, headers, payload, timestampNanos, MessageTtl.NONE, rollup, msgId, now);
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- expiry (JetStream thread)

    /**
     * Removes what max_age and per-message TTLs say is due at {@code nowNanos}. Without subject delete markers the
     * store does it alone; with them each due message is looked at under the stream lock, so no publish slips in
     * between: the last message of its subject (and not a marker itself) gets a marker in its place, the others are
     * removed.
     */
    void expire(long nowNanos) throws IOException {
        long markerTtl = SubjectDeleteMarkers.ttlSeconds(config);
        if (markerTtl <= 0) {
            if (store.expire(nowNanos) > 0) {
                changed();
            }
            return;
        }
        long[] due = store.expiring(nowNanos, EXPIRING_BATCH_MAX);
        for (long seq : due) {
            lock.lock();
            try {
                expireLeavingMarker(seq, markerTtl);
            } finally {
                lock.unlock();
            }
        }
        if (due.length > 0) {
            changed();
        }
    }

    private void expireLeavingMarker(long seq, long markerTtl) throws IOException {
        StoredMessage m = store.load(seq);
        if (m == null) {
            return;
        }
        Long held = store.subjectCounts(m.subject()).get(m.subject());
        if (held != null && held == 1 && !SubjectDeleteMarkers.isMarker(m.headers())) {
            try {
                // The marker's roll-up removes the expired message.
                append(m.subject(), SubjectDeleteMarkers.maxAgeHeaders(markerTtl), EMPTY);
                if (store.load(seq) == null) {
                    return;
                }
            } catch (JsApiException e) {
                LOG.debug("Stream {} in account {}: delete marker for {} refused ({}); removing without one",
                        config.name(), account, m.subject(), e.error().description());
            }
        }
        store.remove(seq, false);
    }

    /**
     * Publishes a stored message again on the republish destination, with nats-server's headers
     * ({@code Nats-Stream}, {@code Nats-Subject}, {@code Nats-Sequence}, {@code Nats-Time-Stamp},
     * {@code Nats-Last-Sequence}; {@code Nats-Msg-Size} and no payload when headers only). Under the stream lock, so
     * republished messages keep the stream's order.
     */
    private void republish(String subject, byte[] headers, byte[] payload, long seq, long nowNanos, long lastSeq) {
        String dest = republish.apply(subject);
        if (dest == null) {
            return;
        }
        StringBuilder h = new StringBuilder("NATS/1.0\r\n");
        if (headers != null && headers.length > 0) {
            String original = new String(headers, java.nio.charset.StandardCharsets.UTF_8);
            int firstLine = original.indexOf("\r\n");
            String rest = firstLine < 0 ? "" : original.substring(firstLine + 2).replaceAll("(\r\n)+$", "");
            if (!rest.isEmpty()) {
                h.append(rest).append("\r\n");
            }
        }
        h.append("Nats-Stream: ").append(config.name()).append("\r\n");
        h.append("Nats-Subject: ").append(subject).append("\r\n");
        h.append("Nats-Sequence: ").append(seq).append("\r\n");
        h.append("Nats-Time-Stamp: ").append(JsAccount.RFC3339_NANO.format(Instant.ofEpochSecond(0, nowNanos)))
                .append("\r\n");
        h.append("Nats-Last-Sequence: ").append(lastSeq).append("\r\n");
        boolean headersOnly = config.republish().headersOnly();
        if (headersOnly) {
            h.append("Nats-Msg-Size: ").append(payload.length).append("\r\n");
        }
        h.append("\r\n");
        Router.publish(account, dest, null, h.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                headersOnly ? new byte[0] : payload);
    }

    /** nats-server's JSStreamStoreFailedF (503 10077) with the store's reason. */
    private static JsApiError storeFailed(String why) {
        return JsErrors.get("JSStreamStoreFailedF", Map.of("err", why));
    }

    /** nats-server's JSStreamRollupFailedF (500 10111). */
    private static JsApiError rollupFailed(String why) {
        return JsErrors.get("JSStreamRollupFailedF", Map.of("err", why));
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    // ---------------------------------------------------------------- info

    StreamInfo info(JsApi.StreamInfoRequest request) {
        StoreState s = store.state();
        Map<String, Long> subjects = request == null || request.subjectsFilter() == null
                || request.subjectsFilter().isEmpty() ? Map.of() : store.subjectCounts(request.subjectsFilter());
        StreamInfo.StreamState state = new StreamInfo.StreamState(s.msgs(), s.bytes(), s.firstSeq(),
                time(s.firstTimeNanos()), s.lastSeq(), time(s.lastTimeNanos()), s.numSubjects(), subjects,
                s.numDeleted(), List.of(), s.lost() == null ? null
                : new StreamInfo.LostData(s.lost().sequences(), s.lost().bytes()), publicConsumers().size());
        StreamSourcing from = sourcing;
        return new StreamInfo(config, created, state, domain, null, from == null ? null : from.mirrorInfo(),
                from == null ? List.of() : from.sourcesInfo(), List.of(), Instant.now());
    }

    private static Instant time(long nanos) {
        return nanos == 0 ? GoTime.ZERO : Instant.ofEpochSecond(0, nanos);
    }
}
