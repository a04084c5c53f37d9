package io.natrix.server.jetstream;

import io.natrix.server.account.Account;
import io.natrix.server.client.InternalSubscription;
import io.natrix.server.client.Message;
import io.natrix.server.client.Router;
import io.natrix.server.store.MessageStore;
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
 * stream is {@code no_ack}.
 *
 * <p>Thread-safety: ingest and every change hold {@link #lock}; reads of the store are the store's business (it is
 * thread-safe).
 */
final class Stream {
    private static final Logger LOG = LoggerFactory.getLogger(Stream.class);

    private final Account account;
    private final String domain;
    private final MessageStore store;
    private final Instant created;
    private final ReentrantLock lock = new ReentrantLock();
    private final DedupeWindow dedupe;
    private final List<InternalSubscription> subscriptions = new ArrayList<>();
    private volatile StreamConfig config;
    /** The stream's subject_transform, applied before storing; null when none. */
    private volatile SubjectTransform transform;
    /** The stream's republish source-to-destination transform; null when none. */
    private volatile SubjectTransform republish;
    private String lastMsgId;

    Stream(Account account, String domain, StreamConfig config, MessageStore store, Instant created)
            throws IOException {
        this.account = account;
        this.domain = domain;
        this.config = config;
        this.store = store;
        this.created = created;
        this.dedupe = new DedupeWindow(config.duplicateWindowNanos());
        store.limits(limits(config));
        transforms(config);
        subscribe();
    }

    String name() {
        return config.name();
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

    /** Stops taking messages and closes the store (data kept). */
    void stop() throws IOException {
        lock.lock();
        try {
            unsubscribe();
        } finally {
            lock.unlock();
        }
        store.close();
    }

    /** Stops taking messages and deletes the data. */
    void delete() throws IOException {
        lock.lock();
        try {
            unsubscribe();
        } finally {
            lock.unlock();
        }
        store.delete();
    }

    // ---------------------------------------------------------------- ingest (publisher's thread)

    private void ingest(Message m) {
        String reply = m.reply();
        Object answer;
        try {
            answer = JsApi.PubAckResponse.of(store(m.subject(), m.headers(), m.payload()));
        } catch (JsApiException e) {
            answer = JsApi.PubAckResponse.failed(config.name(), e.error());
        } catch (IOException e) {
            LOG.error("Stream {} in account {}: store failed", config.name(), account, e);
            answer = JsApi.PubAckResponse.failed(config.name(), storeFailed(e.getMessage()));
        }
        if (reply != null && !config.noAck()) {
            Router.publish(account, reply, null, null, JsJson.write(answer));
        }
    }

    /** Stores one message after nats-server's checks; the acknowledgement (a duplicate's names the first copy). */
    PubAck store(String published, byte[] headers, byte[] payload) throws JsApiException, IOException {
        SubjectTransform t = transform;
        String mapped = t == null ? null : t.apply(published);
        String subject = mapped == null ? published : mapped;
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
            String expectedStream = h.get(NatsHeaders.EXPECTED_STREAM);
            if (expectedStream != null && !expectedStream.equals(c.name())) {
                throw new JsApiException(JsErrors.streamNotMatch());
            }
            String msgId = h.get(NatsHeaders.MSG_ID);
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
                checkDiscardNew(c, subject, size, state);
            }
            StoredMessage previous = republish == null ? null : store.loadLast(subject);
            long seq = store.store(subject, headers, payload, now);
            if (republish != null) {
                republish(subject, headers, payload, seq, now, previous == null ? 0 : previous.sequence());
            }
            if (rollup != null) {
                store.purge(rollup.equals("sub") ? subject : null, seq, 0);
            }
            if (msgId != null && !msgId.isEmpty()) {
                dedupe.record(msgId, seq, now);
                lastMsgId = msgId;
            }
            return new PubAck(c.name(), seq, domain, false);
        } finally {
            lock.unlock();
        }
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

    private void checkDiscardNew(StreamConfig c, String subject, long size, StoreState state)
            throws JsApiException {
        if (c.maxMsgs() > 0 && state.msgs() >= c.maxMsgs()) {
            throw new JsApiException(storeFailed("maximum messages exceeded"));
        }
        if (c.maxBytes() > 0 && state.bytes() + size > c.maxBytes()) {
            throw new JsApiException(storeFailed("maximum bytes exceeded"));
        }
        if (c.discardNewPerSubject() && c.maxMsgsPerSubject() > 0) {
            Long n = store.subjectCounts(subject).get(subject);
            if (n != null && n >= c.maxMsgsPerSubject()) {
                throw new JsApiException(storeFailed("maximum messages per subject exceeded"));
            }
        }
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
                : new StreamInfo.LostData(s.lost().sequences(), s.lost().bytes()), 0);
        return new StreamInfo(config, created, state, domain, null, null, List.of(), List.of(), Instant.now());
    }

    private static Instant time(long nanos) {
        return nanos == 0 ? GoTime.ZERO : Instant.ofEpochSecond(0, nanos);
    }
}
