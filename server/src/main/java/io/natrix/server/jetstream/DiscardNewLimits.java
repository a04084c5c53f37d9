package io.natrix.server.jetstream;

import io.natrix.server.store.MessageStore;
import io.natrix.server.store.StoreState;
import io.natrix.server.store.StoredMessage;
import java.io.IOException;
import java.util.Map;

/**
 * The limits of a {@code discard: new} stream, checked before a message is stored, as nats-server's stores check them
 * (filestore/memstore {@code storeRawMsg}): a message that would take the stream past {@code max_msgs} or
 * {@code max_bytes} is refused instead of making room by removing the oldest.
 *
 * <ul>
 *   <li>Bytes are counted as the store counts them ({@link MessageStore#messageSize}: subject, headers and payload
 *       plus the store's per-message overhead), so the check and the store's own limit agree; a check on the payload
 *       alone would let the store reach its limit first and drop the oldest messages to make room — an object-store
 *       bucket lost its older objects' chunks that way.</li>
 *   <li>A subject at {@code max_msgs_per_subject} is replaced, not added to: the new message removes the subject's
 *       oldest, so {@code max_msgs} does not refuse it, and {@code max_bytes} only when the message is larger than
 *       the one it replaces. With {@code discard_new_per_subject} such a message is refused, unless it is a roll-up
 *       (which restores the limit by purging the subject).</li>
 * </ul>
 *
 * <p>Errors are nats-server's JSStreamStoreFailedF (503 10077) with the store's reason. Called under the stream's lock,
 * with {@code state} read under it; stateless.
 */
final class DiscardNewLimits {
    private DiscardNewLimits() {
    }

    /**
     * Refuses the message if storing it would break a limit of {@code c} (whose discard policy is {@code new}).
     *
     * @param rollup whether the message carries a {@code Nats-Rollup} header (already checked to be allowed)
     */
    static void check(StreamConfig c, MessageStore store, StoreState state, String subject, byte[] headers,
            byte[] payload, boolean rollup) throws JsApiException, IOException {
        boolean replacesOldest = false;
        if (c.maxMsgsPerSubject() > 0 && !subject.isEmpty()) {
            Long n = store.subjectCounts(subject).get(subject);
            if (n != null && n >= c.maxMsgsPerSubject()) {
                if (c.discardNewPerSubject() && !rollup) {
                    throw new JsApiException(storeFailed("maximum messages per subject exceeded"));
                }
                replacesOldest = true;
            }
        }
        if (c.maxMsgs() > 0 && state.msgs() >= c.maxMsgs() && !replacesOldest) {
            throw new JsApiException(storeFailed("maximum messages exceeded"));
        }
        long size = store.messageSize(subject, headers, payload);
        if (c.maxBytes() > 0 && state.bytes() + size > c.maxBytes()
                && (!replacesOldest || oldestSize(store, state, subject) < size)) {
            throw new JsApiException(storeFailed("maximum bytes exceeded"));
        }
    }

    /** The stored size of the oldest message on {@code subject}; 0 when there is none. */
    private static long oldestSize(MessageStore store, StoreState state, String subject) throws IOException {
        StoredMessage oldest = store.loadNext(subject, state.firstSeq());
        return oldest == null ? 0 : store.messageSize(oldest.subject(), oldest.headers(), oldest.payload());
    }

    /** nats-server's JSStreamStoreFailedF (503 10077) with the store's reason. */
    private static JsApiError storeFailed(String why) {
        return JsErrors.get("JSStreamStoreFailedF", Map.of("err", why));
    }
}
