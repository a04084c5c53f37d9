package io.natrix.server.jetstream;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The acknowledgement of a message a stream stored: nats-server's {@code PubAck},
 * {@code {"stream":"ORDERS","seq":22}}, with {@code domain} when the server has one and {@code "duplicate":true}
 * when the message was a duplicate inside the window (then {@code seq} is the original's).
 *
 * <p>On the wire a stream answers a publish with {@link #wire()}, the bytes of nats-server's pre-built template
 * rather than its JSON encoder ({@code {"stream":"ORDERS", "seq":22}}: a space after each comma of the template,
 * {@code domain} before {@code seq}); clients read both alike, but byte counts such as /varz's {@code out_bytes}
 * only agree with nats-server's when the bytes do.
 *
 * <p>Immutable; safe on any thread.
 *
 * @param stream    the stream that stored it
 * @param seq       its sequence
 * @param domain    the JetStream domain ("" for none)
 * @param duplicate it had been stored before
 */
@JsonPropertyOrder({"stream", "seq", "domain", "duplicate"})
public record PubAck(
        @JsonProperty("stream") String stream,
        @JsonProperty("seq") long seq,
        @JsonProperty("domain") @JsonInclude(Include.NON_EMPTY) String domain,
        @JsonProperty("duplicate") @JsonInclude(Include.NON_DEFAULT) boolean duplicate) {

    public PubAck {
        stream = stream == null ? "" : stream;
        domain = domain == null ? "" : domain;
    }

    /**
     * The acknowledgement as nats-server sends it: {@code {"stream":"S", "seq":N}},
     * {@code {"stream":"S", "domain":"D", "seq":N}}, a duplicate's with {@code ,"duplicate": true} after the
     * sequence (stream and domain quoted as Go's {@code %q}).
     */
    public byte[] wire() {
        StringBuilder sb = new StringBuilder(48).append("{\"stream\":");
        goQuote(sb, stream).append(", ");
        if (!domain.isEmpty()) {
            sb.append("\"domain\":");
            goQuote(sb, domain).append(", ");
        }
        sb.append("\"seq\":").append(seq);
        if (duplicate) {
            sb.append(",\"duplicate\": true");
        }
        return sb.append('}').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Go's {@code %q} for the names a stream or domain may have: quotes, backslashes and controls escaped. */
    private static StringBuilder goQuote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"');
    }

    /** An acknowledgement without domain or duplicate flag. */
    public static PubAck of(String stream, long seq) {
        return new PubAck(stream, seq, "", false);
    }
}
