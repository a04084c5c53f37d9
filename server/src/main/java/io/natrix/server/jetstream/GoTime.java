package io.natrix.server.jetstream;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Times in JetStream JSON as nats-server writes and reads them: Go's {@code time.Time} in JSON, RFC 3339 with up to
 * nine fraction digits, trailing zeros dropped ({@code 2024-05-01T10:00:00.1234Z}), {@code Z} for UTC, and Go's zero
 * time {@code 0001-01-01T00:00:00Z} for "never" (the first and last times of an empty stream).
 *
 * Durations in text are Go's {@code Duration.String()} ({@link #duration}).
 *
 * <p>{@link #parse} accepts what Go's strict RFC 3339 parser accepts and words its refusals as Go does
 * ({@code parsing time "x" as "2006-01-02T15:04:05Z07:00": cannot parse "x" as "2006"}).
 *
 * <p>Stateless; safe on any thread.
 */
public final class GoTime {
    /** Go's zero {@code time.Time}, which nats-server writes for times that never happened. */
    public static final Instant ZERO = Instant.parse("0001-01-01T00:00:00Z");

    private static final String LAYOUT = "2006-01-02T15:04:05Z07:00";

    private GoTime() {
    }

    /** RFC 3339 with nanoseconds, as Go marshals a UTC time. */
    public static String format(Instant instant) {
        return format(instant.atOffset(ZoneOffset.UTC));
    }

    /** RFC 3339 with nanoseconds in the time's own offset, as Go marshals a time parsed from a request. */
    public static String format(OffsetDateTime time) {
        StringBuilder sb = new StringBuilder(35);
        int year = time.getYear();
        if (year < 0) {
            sb.append('-');
            year = -year;
        }
        pad(sb, year, 4).append('-');
        pad(sb, time.getMonthValue(), 2).append('-');
        pad(sb, time.getDayOfMonth(), 2).append('T');
        pad(sb, time.getHour(), 2).append(':');
        pad(sb, time.getMinute(), 2).append(':');
        pad(sb, time.getSecond(), 2);
        int nanos = time.getNano();
        if (nanos != 0) {
            StringBuilder fraction = new StringBuilder(9);
            pad(fraction, nanos, 9);
            int end = 9;
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(fraction, 0, end);
        }
        int offset = time.getOffset().getTotalSeconds();
        if (offset == 0) {
            return sb.append('Z').toString();
        }
        sb.append(offset < 0 ? '-' : '+');
        offset = Math.abs(offset);
        pad(sb, offset / 3600, 2).append(':');
        pad(sb, offset / 60 % 60, 2);
        return sb.toString();
    }

    /** Go's {@code time.Duration.String()}: {@code 2m0s}, {@code 1.5s}, {@code 100ms}, {@code 0s}. */
    public static String duration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long n = Math.abs(nanos);
        if (n < 1_000) {
            return sign + n + "ns";
        }
        if (n < 1_000_000) {
            return sign + decimal(n, 1_000) + "\u00b5s";
        }
        if (n < 1_000_000_000) {
            return sign + decimal(n, 1_000_000) + "ms";
        }
        StringBuilder sb = new StringBuilder(sign);
        long hours = n / 3_600_000_000_000L;
        long minutes = n / 60_000_000_000L % 60;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        return sb.append(decimal(n % 60_000_000_000L, 1_000_000_000)).append('s').toString();
    }

    /** {@code value / unit} in decimal without trailing zeros, computed exactly. */
    private static String decimal(long value, long unit) {
        long whole = value / unit;
        long rest = value % unit;
        if (rest == 0) {
            return Long.toString(whole);
        }
        int digits = Long.toString(unit).length() - 1;
        StringBuilder fraction = new StringBuilder(Long.toString(rest));
        while (fraction.length() < digits) {
            fraction.insert(0, '0');
        }
        int end = fraction.length();
        while (fraction.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + fraction.substring(0, end);
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(digits);
    }

    /**
     * Parses an RFC 3339 time as Go's {@code time.Time} JSON decoder does.
     *
     * @throws IllegalArgumentException with Go's wording when the text is not such a time
     */
    public static OffsetDateTime parse(String text) {
        Cursor c = new Cursor(text);
        int year = c.digits(4, "2006");
        c.literal('-');
        int month = c.digits(2, "01");
        c.literal('-');
        int day = c.digits(2, "02");
        c.literal('T');
        int hour = c.digits(2, "15");
        c.literal(':');
        int minute = c.digits(2, "04");
        c.literal(':');
        int second = c.digits(2, "05");
        int nanos = 0;
        if (c.peek() == '.' || c.peek() == ',') {
            c.pos++;
            int start = c.pos;
            while (c.pos < text.length() && Character.isDigit(text.charAt(c.pos)) && text.charAt(c.pos) < 128) {
                c.pos++;
            }
            int n = c.pos - start;
            if (n == 0 || n > 9) {
                throw c.error(text.substring(start - 1), "Z07:00");
            }
            nanos = Integer.parseInt(text.substring(start, c.pos));
            for (int i = n; i < 9; i++) {
                nanos *= 10;
            }
        }
        int offsetSeconds;
        if (c.peek() == 'Z') {
            c.pos++;
            offsetSeconds = 0;
        } else if (c.peek() == '+' || c.peek() == '-') {
            int sign = c.peek() == '-' ? -1 : 1;
            int at = c.pos;
            c.pos++;
            int oh = c.digitsOr(2, text.substring(at), "Z07:00");
            if (c.peek() != ':') {
                throw c.error(text.substring(at), "Z07:00");
            }
            c.pos++;
            int om = c.digitsOr(2, text.substring(at), "Z07:00");
            if (oh > 23) {
                throw new IllegalArgumentException(
                        "parsing time " + GoJson.quote(text) + ": time zone offset hour out of range");
            }
            if (om > 59) {
                throw new IllegalArgumentException(
                        "parsing time " + GoJson.quote(text) + ": time zone offset minute out of range");
            }
            offsetSeconds = sign * (oh * 3600 + om * 60);
        } else {
            throw c.error(text.substring(c.pos), "Z07:00");
        }
        if (c.pos != text.length()) {
            throw new IllegalArgumentException("parsing time " + GoJson.quote(text) + ": extra text: "
                    + GoJson.quote(text.substring(c.pos)));
        }
        String range = month < 1 || month > 12 ? "month" : hour > 23 ? "hour" : minute > 59 ? "minute"
                : second > 59 ? "second" : null;
        if (range != null) {
            throw new IllegalArgumentException("parsing time " + GoJson.quote(text) + ": " + range
                    + " out of range");
        }
        try {
            return OffsetDateTime.of(year, month, day, hour, minute, second, nanos,
                    ZoneOffset.ofTotalSeconds(offsetSeconds));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("parsing time " + GoJson.quote(text) + ": day out of range");
        }
    }

    /** Where parsing has got to; errors name the rest of the input and the layout element that failed. */
    private static final class Cursor {
        final String text;
        int pos;

        Cursor(String text) {
            this.text = text;
        }

        char peek() {
            return pos < text.length() ? text.charAt(pos) : 0;
        }

        int digits(int n, String element) {
            return digitsOr(n, text.substring(Math.min(pos, text.length())), element);
        }

        int digitsOr(int n, String rest, String element) {
            if (pos + n > text.length()) {
                throw error(rest, element);
            }
            int value = 0;
            for (int i = 0; i < n; i++) {
                char ch = text.charAt(pos + i);
                if (ch < '0' || ch > '9') {
                    throw error(rest, element);
                }
                value = value * 10 + (ch - '0');
            }
            pos += n;
            return value;
        }

        void literal(char expected) {
            if (peek() != expected) {
                throw error(text.substring(Math.min(pos, text.length())), String.valueOf(expected));
            }
            pos++;
        }

        IllegalArgumentException error(String rest, String element) {
            return new IllegalArgumentException("parsing time " + GoJson.quote(text) + " as " + GoJson.quote(LAYOUT)
                    + ": cannot parse " + GoJson.quote(rest) + " as " + GoJson.quote(element));
        }
    }
}
