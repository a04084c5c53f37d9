package io.natrix.server.jetstream;

import io.natrix.server.store.MessageTtl;
import java.nio.charset.StandardCharsets;

/**
 * Subject delete markers (ADR-43 "limit tombstones"), as nats-server 2.12 writes them: when a stream with
 * {@code subject_delete_marker_ttl} loses the last message of a subject to max_age or to the message's own TTL, it
 * stores in its place a message on that subject with no payload and the headers
 * <pre>
 *   NATS/1.0
 *   Nats-Marker-Reason: MaxAge
 *   Nats-TTL: &lt;marker TTL as a Go duration, e.g. 5m0s&gt;
 *   Nats-Rollup: sub
 * </pre>
 * The roll-up removes the expired message as the marker is stored; the marker expires by its own TTL, and a marker
 * that expires leaves no marker. nats-server 2.11.0 and 2.11.1 also left markers with reason {@code Purge} and
 * {@code Remove} after purges and deletes; later releases (2.11.2 on, 2.12) dropped that, and so does Natrix.
 *
 * <p>Also the rule that keeps markers from being missed: with markers on, a message TTL shorter than the marker TTL is
 * raised to it (its {@code Nats-TTL} header rewritten in seconds), unless the stream keeps one message per subject.
 *
 * <p>Stateless; thread-safe.
 */
final class SubjectDeleteMarkers {
    static final String REASON = "Nats-Marker-Reason";
    static final String REASON_MAX_AGE = "MaxAge";
    /** The key-value store's purge marker, which also counts as a delete marker. */
    private static final String KV_OPERATION = "KV-Operation";
    private static final String KV_PURGE = "PURGE";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private SubjectDeleteMarkers() {
    }

    /** The marker TTL in whole seconds (nats-server truncates the configured duration), 0 when markers are off. */
    static long ttlSeconds(StreamConfig c) {
        return Math.max(0, c.subjectDeleteMarkerTtlNanos() / NANOS_PER_SECOND);
    }

    /** The header block of a marker left by max_age or TTL expiry. */
    static byte[] maxAgeHeaders(long ttlSeconds) {
        String h = "NATS/1.0\r\n" + REASON + ": " + REASON_MAX_AGE + "\r\n"
                + MessageTtl.HEADER + ": " + GoTime.duration(ttlSeconds * NANOS_PER_SECOND) + "\r\n"
                + NatsHeaders.ROLLUP + ": sub\r\n\r\n";
        return h.getBytes(StandardCharsets.US_ASCII);
    }

    /** nats-server's isSubjectDeleteMarker: a {@code Nats-Marker-Reason}, or a key-value purge. */
    static boolean isMarker(byte[] headers) {
        if (headers == null || headers.length == 0) {
            return false;
        }
        NatsHeaders h = NatsHeaders.parse(headers);
        String reason = h.get(REASON);
        return (reason != null && !reason.isEmpty()) || KV_PURGE.equals(h.get(KV_OPERATION));
    }

    /**
     * The TTL a message is stored with on a stream whose markers live {@code markerTtlSeconds}: raised to the marker
     * TTL when shorter, unless markers are off or the stream keeps one message per subject: nats-server's rule, so
     * that a marker already on a subject is not outlived by nothing and then missed.
     */
    static long effectiveTtl(long ttlSeconds, long markerTtlSeconds, long maxMsgsPerSubject) {
        if (ttlSeconds > 0 && markerTtlSeconds > 0 && maxMsgsPerSubject != 1 && ttlSeconds < markerTtlSeconds) {
            return markerTtlSeconds;
        }
        return ttlSeconds;
    }

    /**
     * The header block with every {@code Nats-TTL} (any case) dropped and {@code Nats-TTL: <seconds>} added at the
     * end, so the stored header and the stored TTL agree (a recovering file store reads the TTL back from it).
     */
    static byte[] withTtl(byte[] headers, long ttlSeconds) {
        String text = new String(headers, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(text.length() + 24);
        int end = text.endsWith("\r\n\r\n") ? text.length() - 2 : text.length();
        int lineStart = 0;
        while (lineStart < end) {
            int lineEnd = text.indexOf("\r\n", lineStart);
            if (lineEnd < 0 || lineEnd > end) {
                lineEnd = end;
            }
            String line = text.substring(lineStart, lineEnd);
            int colon = line.indexOf(':');
            boolean isTtl = lineStart > 0 && colon > 0
                    && line.substring(0, colon).trim().equalsIgnoreCase(MessageTtl.HEADER);
            if (!isTtl && (!line.isEmpty() || lineStart == 0)) {
                out.append(line).append("\r\n");
            }
            lineStart = lineEnd + 2;
        }
        out.append(MessageTtl.HEADER).append(": ").append(ttlSeconds).append("\r\n\r\n");
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
