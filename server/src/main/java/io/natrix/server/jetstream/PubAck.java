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

    /** An acknowledgement without domain or duplicate flag. */
    public static PubAck of(String stream, long seq) {
        return new PubAck(stream, seq, "", false);
    }
}
