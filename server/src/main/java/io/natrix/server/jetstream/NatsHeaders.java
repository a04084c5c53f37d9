package io.natrix.server.jetstream;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A message's header block read as nats-server reads it: {@code NATS/1.0[ <status>[ <description>]]\r\n}, then
 * {@code Name: value\r\n} lines, then a blank line. Names keep their case but are looked up without regard to it;
 * a name may repeat. Malformed lines are skipped, as nats-server's header scan skips what it cannot split.
 *
 * <p>Immutable once read; thread-safe.
 */
public final class NatsHeaders {
    public static final String MSG_ID = "Nats-Msg-Id";
    public static final String EXPECTED_STREAM = "Nats-Expected-Stream";
    public static final String EXPECTED_LAST_SEQ = "Nats-Expected-Last-Sequence";
    public static final String EXPECTED_LAST_SUBJECT_SEQ = "Nats-Expected-Last-Subject-Sequence";
    public static final String EXPECTED_LAST_SUBJECT_SEQ_SUBJECT = "Nats-Expected-Last-Subject-Sequence-Subject";
    public static final String EXPECTED_LAST_MSG_ID = "Nats-Expected-Last-Msg-Id";
    public static final String ROLLUP = "Nats-Rollup";
    public static final String TTL = "Nats-TTL";
    /** Who sent a request across a service import; never stored in a stream. */
    public static final String REQUEST_INFO = "Nats-Request-Info";

    private static final NatsHeaders EMPTY = new NatsHeaders(Map.of());

    private final Map<String, List<String>> values;

    private NatsHeaders(Map<String, List<String>> values) {
        this.values = values;
    }

    /** The headers of {@code block} (null or empty: none). */
    public static NatsHeaders parse(byte[] block) {
        if (block == null || block.length == 0) {
            return EMPTY;
        }
        String text = new String(block, StandardCharsets.UTF_8);
        Map<String, List<String>> values = new LinkedHashMap<>();
        String[] lines = text.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            values.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
        }
        return values.isEmpty() ? EMPTY : new NatsHeaders(values);
    }

    /** The first value of {@code name}, or null. */
    public String get(String name) {
        List<String> v = values.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }
}
