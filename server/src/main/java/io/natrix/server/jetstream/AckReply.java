package io.natrix.server.jetstream;

/**
 * What the reply subject of a JetStream delivery says about the message: nats-server's {@code ackReplyInfo}. A
 * mirror or source reading an origin through a consumer learns the origin sequence, time and lag from it.
 *
 * <p>Two forms:
 * <pre>
 *   v1  $JS.ACK.&lt;stream&gt;.&lt;consumer&gt;.&lt;delivered&gt;.&lt;stream seq&gt;.&lt;consumer seq&gt;.&lt;time&gt;.&lt;pending&gt;
 *   v2  $JS.ACK.&lt;domain&gt;.&lt;account hash&gt;.&lt;stream&gt;.&lt;consumer&gt;.&lt;delivered&gt;.&lt;stream seq&gt;
 *       .&lt;consumer seq&gt;.&lt;time&gt;.&lt;pending&gt;[.&lt;token&gt;]
 * </pre>
 * {@code delivered} counts deliveries of this message (1 the first time), {@code time} is nanoseconds since the
 * epoch when it was stored, {@code pending} what the consumer still has to deliver after it.
 *
 * <p>Immutable; safe on any thread.
 *
 * @param consumer       the consumer's name
 * @param deliveries     how often the message was delivered, this time included
 * @param streamSeq      the message's sequence in the origin
 * @param consumerSeq    the consumer's delivery sequence
 * @param timestampNanos when the origin stored it
 * @param pending        messages the consumer still has for its subscriber
 */
record AckReply(String consumer, long deliveries, long streamSeq, long consumerSeq, long timestampNanos,
                long pending) {
    private static final String PREFIX = "$JS.ACK.";
    private static final int V1_TOKENS = 9;
    private static final int V2_TOKENS_MIN = 11;
    private static final int TOKENS_MAX = 12;

    /** The reply's fields, or null when {@code reply} is not a delivery's acknowledgement subject. */
    static AckReply parse(String reply) {
        if (reply == null || !reply.startsWith(PREFIX)) {
            return null;
        }
        String[] t = new String[TOKENS_MAX];
        int n = 0;
        int start = 0;
        for (int i = 0; i <= reply.length(); i++) {
            if (i == reply.length() || reply.charAt(i) == '.') {
                if (n == TOKENS_MAX) {
                    return null;
                }
                t[n++] = reply.substring(start, i);
                start = i + 1;
            }
        }
        int first;
        if (n == V1_TOKENS) {
            first = 3;
        } else if (n >= V2_TOKENS_MIN) {
            first = 5;
        } else {
            return null;
        }
        long deliveries = number(t[first + 1]);
        long streamSeq = number(t[first + 2]);
        long consumerSeq = number(t[first + 3]);
        long time = number(t[first + 4]);
        long pending = number(t[first + 5]);
        if (deliveries < 0 || streamSeq < 0 || consumerSeq < 0 || time < 0 || pending < 0) {
            return null;
        }
        return new AckReply(t[first], deliveries, streamSeq, consumerSeq, time, pending);
    }

    /** A non-negative decimal, or -1. */
    private static long number(String s) {
        if (s.isEmpty() || s.length() > 19) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
            if (v < 0) {
                return -1;
            }
        }
        return v;
    }
}
