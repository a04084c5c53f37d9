package io.natrix.server.protocol;

/**
 * The arguments of one PUB/HPUB: subject and reply as offsets into the parser's copy of the control line
 * ({@link #line}), headers and payload as offsets into the connection's input buffer.
 *
 * <p>One instance per connection is refilled for every message (no allocation on the hot path). Owned by the
 * connection's event-loop thread; never retained past {@link ProtocolHandler#onPublish}.
 */
public final class PubArgs {
    /** The control line's bytes; the subject and reply offsets index into it. */
    public byte[] line;
    /** Index of the subject's first byte in {@link #line}. */
    public int subjectOffset;
    public int subjectLength;
    /** Index of the reply subject in {@link #line}, or -1 when the message has none. */
    public int replyOffset = -1;
    public int replyLength;
    /** Length of the header block for HPUB (including the NATS/1.0 line and the blank line), -1 for PUB. */
    public int headerLength = -1;
    /** Total length: headers plus payload for HPUB, payload for PUB. */
    public int totalLength;
    /** Absolute index in the input buffer of the first byte after the control line (headers, else payload). */
    public int dataOffset;

    public boolean hasReply() {
        return replyOffset >= 0;
    }

    public boolean hasHeaders() {
        return headerLength >= 0;
    }

    /** The subject as a string (allocates: for tracing, errors and tests, not the hot path). */
    public String subject() {
        return new String(line, subjectOffset, subjectLength, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The reply subject as a string, or null (allocates). */
    public String reply() {
        return hasReply() ? new String(line, replyOffset, replyLength, java.nio.charset.StandardCharsets.UTF_8) : null;
    }

    /**
     * A copy that names {@code subject} and {@code reply} (null: none) instead, with the same headers and payload
     * offsets: for a mapped subject or a message crossing into another account. Allocates.
     */
    public PubArgs withSubject(String subject, String reply) {
        byte[] s = subject.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] r = reply == null ? null : reply.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        PubArgs a = new PubArgs();
        a.line = new byte[s.length + (r == null ? 0 : r.length + 1)];
        System.arraycopy(s, 0, a.line, 0, s.length);
        a.subjectOffset = 0;
        a.subjectLength = s.length;
        if (r != null) {
            a.line[s.length] = ' ';
            System.arraycopy(r, 0, a.line, s.length + 1, r.length);
            a.replyOffset = s.length + 1;
            a.replyLength = r.length;
        }
        a.headerLength = headerLength;
        a.totalLength = totalLength;
        a.dataOffset = dataOffset;
        return a;
    }

    void reset() {
        replyOffset = -1;
        replyLength = 0;
        headerLength = -1;
    }
}
