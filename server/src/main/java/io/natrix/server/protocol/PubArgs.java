package io.natrix.server.protocol;

/**
 * The arguments of one PUB/HPUB, as offsets into the connection's input buffer.
 *
 * <p>One instance per connection is refilled for every message (no allocation on the hot path). Owned by the
 * connection's event-loop thread; never retained past {@link ProtocolHandler#onPublish}.
 */
public final class PubArgs {
    /** Absolute index of the subject's first byte in the input buffer. */
    public int subjectOffset;
    public int subjectLength;
    /** Absolute index of the reply subject, or -1 when the message has none. */
    public int replyOffset = -1;
    public int replyLength;
    /** Length of the header block for HPUB (including the NATS/1.0 line and the blank line), -1 for PUB. */
    public int headerLength = -1;
    /** Total length: headers plus payload for HPUB, payload for PUB. */
    public int totalLength;
    /** Absolute index of the first byte after the control line (headers for HPUB, payload for PUB). */
    public int dataOffset;

    public boolean hasReply() {
        return replyOffset >= 0;
    }

    public boolean hasHeaders() {
        return headerLength >= 0;
    }

    void reset() {
        replyOffset = -1;
        replyLength = 0;
        headerLength = -1;
    }
}
