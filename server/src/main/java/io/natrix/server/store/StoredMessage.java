package io.natrix.server.store;

/**
 * One message as a stream holds it.
 *
 * @param sequence       the stream sequence (1-based)
 * @param subject        the subject it was stored under
 * @param headers        the header block ({@code NATS/1.0 ...} through the blank line), or null
 * @param payload        the payload (never null)
 * @param timestampNanos when it was stored, in nanoseconds since the Unix epoch
 */
public record StoredMessage(long sequence, String subject, byte[] headers, byte[] payload, long timestampNanos) {
    public StoredMessage {
        payload = payload == null ? new byte[0] : payload;
    }

    /** The size nats-server accounts for a message: subject, headers, payload and a fixed overhead of 16 bytes. */
    public long size() {
        return subject.length() + (headers == null ? 0 : headers.length) + payload.length + 16;
    }
}
