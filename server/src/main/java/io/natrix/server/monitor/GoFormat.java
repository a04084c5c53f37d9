package io.natrix.server.monitor;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Times and durations written the way nats-server's monitoring JSON writes them, so that tools parsing those
 * strings read ours too:
 *
 * <ul>
 *   <li>{@link #time}: Go's {@code time.Time} in JSON, RFC 3339 with the fraction's trailing zeros dropped
 *       ({@code 2024-05-01T10:00:00.1234Z});</li>
 *   <li>{@link #duration}: Go's {@code time.Duration.String()} ({@code 1h2m3.5s}, {@code 902µs}, {@code 0s});</li>
 *   <li>{@link #uptime}: nats-server's own whole-second form for uptimes and idle times ({@code 1y2d3h4m5s}).</li>
 * </ul>
 *
 * <p>Stateless; safe on any thread.
 */
final class GoFormat {
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneOffset.UTC);

    private GoFormat() {
    }

    static String time(Instant instant) {
        return RFC3339.format(instant);
    }

    /** Go's {@code Duration.String()}. */
    static String duration(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        String sign = nanos < 0 ? "-" : "";
        long n = Math.abs(nanos);
        if (n < 1_000) {
            return sign + n + "ns";
        }
        if (n < 1_000_000) {
            return sign + fraction(n, 1_000) + "µs";
        }
        if (n < 1_000_000_000) {
            return sign + fraction(n, 1_000_000) + "ms";
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
        return sb.append(fraction(n % 60_000_000_000L, 1_000_000_000)).append('s').toString();
    }

    static String duration(Duration d) {
        return duration(d.toNanos());
    }

    /**
     * A round-trip time as nats-server reports it: between a microsecond and a millisecond it is truncated to whole
     * microseconds.
     */
    static String rtt(long nanos) {
        if (nanos > 1_000 && nanos < 1_000_000) {
            nanos -= nanos % 1_000;
        }
        return duration(nanos);
    }

    /** nats-server's uptime form: whole seconds, with minutes, hours, days and years as they become non-zero. */
    static String uptime(Duration d) {
        long secs = Math.max(0, d.getSeconds());
        long mins = secs / 60;
        long hours = mins / 60;
        long days = hours / 24;
        long years = days / 365;
        if (years > 0) {
            return String.format(Locale.ROOT, "%dy%dd%dh%dm%ds", years, days % 365, hours % 24, mins % 60, secs % 60);
        }
        if (days > 0) {
            return String.format(Locale.ROOT, "%dd%dh%dm%ds", days, hours % 24, mins % 60, secs % 60);
        }
        if (hours > 0) {
            return String.format(Locale.ROOT, "%dh%dm%ds", hours, mins % 60, secs % 60);
        }
        if (mins > 0) {
            return String.format(Locale.ROOT, "%dm%ds", mins, secs % 60);
        }
        return secs + "s";
    }

    /** {@code value / unit} in decimal, without trailing zeros (exact: no floating point). */
    private static String fraction(long value, long unit) {
        long whole = value / unit;
        long rest = value % unit;
        if (rest == 0) {
            return Long.toString(whole);
        }
        int digits = Long.toString(unit).length() - 1;
        StringBuilder frac = new StringBuilder(Long.toString(rest));
        while (frac.length() < digits) {
            frac.insert(0, '0');
        }
        int end = frac.length();
        while (frac.charAt(end - 1) == '0') {
            end--;
        }
        return whole + "." + frac.substring(0, end);
    }
}
