package io.natrix.server.store;

/**
 * One message as a stream holds it.
 *
 * <p>Empty headers are held as null (as nats-server holds them), so a message stored with an empty header block
 * loads with {@code headers == null}. The arrays of a loaded message may be shared with the store (the memory store
 * hands out the arrays it holds): callers must treat them as read-only.
 *
 * <p>The size a stream reports for a message depends on the store that holds it; see
 * {@link MessageStore#messageSize}.
 *
 * @param sequence       the stream sequence (1-based)
 * @param subject        the subject it was stored under
 * @param headers        the header block ({@code NATS/1.0 ...} through the blank line), or null
 * @param payload        the payload (never null)
 * @param timestampNanos when it was stored, in nanoseconds since the Unix epoch
 */
public record StoredMessage(long sequence, String subject, byte[] headers, byte[] payload, long timestampNanos) {
    private static final byte[] EMPTY = new byte[0];

    public StoredMessage {
        headers = headers == null || headers.length == 0 ? null : headers;
        payload = payload == null ? EMPTY : payload;
    }
}
