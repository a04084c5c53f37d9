package io.natrix.server.store;

import java.nio.charset.StandardCharsets;

/**
 * A message's time to live, from its {@code Nats-TTL} header (ADR-43), read exactly as nats-server 2.11/2.12 reads it
 * ({@code parseMessageTTL}): the value is first tried as a Go duration ({@code time.ParseDuration}: {@code "1h"},
 * {@code "1m30s"}, {@code "1.5s"}; whole seconds kept, rounding down), and when that fails as a plain count of
 * seconds (digits only). Results:
 * <ul>
 *   <li>{@code "never"} (any case): {@link #NEVER}, the message never expires, not even by the stream's max_age;</li>
 *   <li>a duration of one second or more, or a positive count of seconds: that many seconds;</li>
 *   <li>no header, an empty value, or a count of zero written as digits that are not a Go duration ({@code "00"}):
 *       {@link #NONE};</li>
 *   <li>anything else is {@link #INVALID}: a duration below one second ({@code "0"}, {@code "500ms"},
 *       {@code "-5s"}), a sign on a bare count ({@code "-5"}, {@code "-1"}), letters ({@code "abc"}).</li>
 * </ul>
 * One deliberate difference: a count of seconds too large for a signed 64-bit integer is {@link #INVALID}, where
 * nats-server's digit parser silently wraps it around. A valid TTL so large that its deadline passes the year 2262
 * never expires by TTL (the deadline saturates), where nats-server's arithmetic would overflow.
 *
 * <p>Header lookup follows {@code NatsHeaders} (the JetStream layer's reading): the name is matched without regard to
 * case, the first occurrence wins and the value is trimmed, so a stream and a recovering store always agree on a
 * message's TTL.
 *
 * <p>Stateless; thread-safe.
 */
public final class MessageTtl {
    /** No TTL: the message lives by the stream's limits only. */
    public static final long NONE = 0;
    /** {@code Nats-TTL: never}: the message is exempt from max_age and has no TTL. */
    public static final long NEVER = -1;
    /** A value nats-server refuses with {@code JSMessageTTLInvalidErr}. */
    public static final long INVALID = Long.MIN_VALUE;

    public static final String HEADER = "Nats-TTL";

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** Go's 1<<63 as an unsigned magnitude: the largest a duration's magnitude may reach while parsing. */
    private static final long MAGNITUDE_MAX = Long.MIN_VALUE;

    private MessageTtl() {
    }

    /** The TTL a header value asks for, in seconds, or {@link #NONE}, {@link #NEVER} or {@link #INVALID}. */
    public static long parse(String value) {
        if (value == null || value.isEmpty()) {
            return NONE;
        }
        if (value.equalsIgnoreCase("never")) {
            return NEVER;
        }
        long nanos = goDuration(value);
        if (nanos != INVALID) {
            if (nanos < NANOS_PER_SECOND) {
                return INVALID;
            }
            // Go's int64(d.Seconds()): whole seconds plus the fraction in float64, truncated.
            return (long) ((double) (nanos / NANOS_PER_SECOND) + (double) (nanos % NANOS_PER_SECOND) / 1e9);
        }
        return digits(value);
    }

    /** The TTL of a stored header block ({@link #parse} of its first {@code Nats-TTL} value). */
    public static long ofHeaders(byte[] headers) {
        String value = headerValue(headers, HEADER);
        return value == null ? NONE : parse(value);
    }

    /** When a message stored at {@code timestampNanos} with a positive TTL expires; saturates at Long.MAX_VALUE. */
    public static long expiresAt(long timestampNanos, long ttlSeconds) {
        if (ttlSeconds > Long.MAX_VALUE / NANOS_PER_SECOND) {
            return Long.MAX_VALUE;
        }
        long ttlNanos = ttlSeconds * NANOS_PER_SECOND;
        return timestampNanos > Long.MAX_VALUE - ttlNanos ? Long.MAX_VALUE : timestampNanos + ttlNanos;
    }

    /**
     * The trimmed value of the first header named {@code name} (any case) in a header block
     * ({@code NATS/1.0 ...\r\n} then {@code Name: value\r\n} lines), or null. Reads bytes; decodes only the value.
     */
    static String headerValue(byte[] block, String name) {
        if (block == null || block.length == 0) {
            return null;
        }
        int n = block.length;
        int line = lineEnd(block, 0);
        while (line < n) {
            int start = line + 2;
            if (start >= n) {
                return null;
            }
            int end = lineEnd(block, start);
            int colon = -1;
            for (int i = start; i < end; i++) {
                if (block[i] == ':') {
                    colon = i;
                    break;
                }
            }
            if (colon > start && nameMatches(block, start, colon, name)) {
                int from = colon + 1;
                int to = end;
                while (from < to && isSpace(block[from])) {
                    from++;
                }
                while (to > from && isSpace(block[to - 1])) {
                    to--;
                }
                return new String(block, from, to - from, StandardCharsets.UTF_8);
            }
            line = end;
        }
        return null;
    }

    /** The index of the next CRLF at or after {@code from}, or the block's length. */
    private static int lineEnd(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return b.length;
    }

    private static boolean nameMatches(byte[] b, int start, int end, String name) {
        while (start < end && isSpace(b[start])) {
            start++;
        }
        while (end > start && isSpace(b[end - 1])) {
            end--;
        }
        if (end - start != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.toLowerCase((char) (b[start + i] & 0xFF)) != Character.toLowerCase(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte c) {
        // String.trim() strips every control character and space.
        return (c & 0xFF) <= ' ';
    }

    /** nats-server's parseInt64: digits only, else invalid; here an overflow is invalid too. */
    private static long digits(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return INVALID;
            }
            int d = c - '0';
            if (n > (Long.MAX_VALUE - d) / 10) {
                return INVALID;
            }
            n = n * 10 + d;
        }
        return n;
    }

    /**
     * Go's {@code time.ParseDuration}: {@code [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+} with units ns, us (µs, μs), ms, s, m,
     * h, and the bare {@code "0"}; nanoseconds, or {@link #INVALID} where Go reports an error (including overflow).
     * A state machine over the characters, no regular expression.
     */
    static long goDuration(String s) {
        int i = 0;
        int n = s.length();
        boolean negative = false;
        if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        if (n - i == 1 && s.charAt(i) == '0') {
            return 0;
        }
        if (i == n) {
            return INVALID;
        }
        long total = 0; // an unsigned magnitude up to 1<<63
        while (i < n) {
            char c = s.charAt(i);
            if (!(c == '.' || (c >= '0' && c <= '9'))) {
                return INVALID;
            }
            // [0-9]*
            long v = 0;
            int start = i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                if (Long.compareUnsigned(v, MAGNITUDE_MAX / 10) > 0) {
                    return INVALID;
                }
                v = v * 10 + (s.charAt(i) - '0');
                if (Long.compareUnsigned(v, MAGNITUDE_MAX) > 0) {
                    return INVALID;
                }
                i++;
            }
            boolean pre = i != start;
            // (\.[0-9]*)?
            long f = 0;
            double scale = 1;
            boolean post = false;
            if (i < n && s.charAt(i) == '.') {
                i++;
                int fracStart = i;
                boolean overflow = false;
                while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    if (!overflow) {
                        if (f > Long.MAX_VALUE / 10) {
                            overflow = true;
                        } else {
                            long y = f * 10 + (s.charAt(i) - '0');
                            if (y < 0) {
                                overflow = true;
                            } else {
                                f = y;
                                scale *= 10;
                            }
                        }
                    }
                    i++;
                }
                post = i != fracStart;
            }
            if (!pre && !post) {
                return INVALID;
            }
            // The unit: everything up to the next digit or period.
            int unitStart = i;
            while (i < n && s.charAt(i) != '.' && (s.charAt(i) < '0' || s.charAt(i) > '9')) {
                i++;
            }
            long unit = unit(s, unitStart, i);
            if (unit == 0) {
                return INVALID;
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(MAGNITUDE_MAX, unit)) > 0) {
                return INVALID;
            }
            v *= unit;
            if (f > 0) {
                // As Go: float64 keeps fractions of hours nanosecond-accurate.
                v += (long) ((double) f * ((double) unit / scale));
                if (Long.compareUnsigned(v, MAGNITUDE_MAX) > 0) {
                    return INVALID;
                }
            }
            total += v;
            if (Long.compareUnsigned(total, MAGNITUDE_MAX) > 0 || Long.compareUnsigned(total, v) < 0) {
                return INVALID;
            }
        }
        if (negative) {
            return -total; // 1<<63 negated is Long.MIN_VALUE, Go's minimum duration
        }
        return total < 0 ? INVALID : total;
    }

    /** Nanoseconds per unit, or 0 for an unknown (or missing) unit. */
    private static long unit(String s, int from, int to) {
        return switch (s.substring(from, to)) {
            case "ns" -> 1L;
            case "us", "\u00b5s", "\u03bcs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> NANOS_PER_SECOND;
            case "m" -> 60 * NANOS_PER_SECOND;
            case "h" -> 3600 * NANOS_PER_SECOND;
            default -> 0L;
        };
    }
}
