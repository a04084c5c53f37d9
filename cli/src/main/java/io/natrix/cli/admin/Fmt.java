package io.natrix.cli.admin;

import io.natrix.cli.output.Human;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The value formats natscli's admin commands print: durations as its {@code f()} shows them ({@code 250ms},
 * {@code 1.50s}, {@code 3m2s}, {@code 1d2h3m4s}), counts with separators, and server timestamps as local times.
 * Stateless.
 */
public final class Fmt {

    private Fmt() {
    }

    /** A duration as natscli's {@code HumanizeDuration} prints it: {@link io.natrix.cli.output.Columns#duration}. */
    public static String duration(Duration d) {
        return io.natrix.cli.output.Columns.duration(d);
    }

    /** A count with thousands separators. */
    public static String count(long n) {
        return Human.count(n);
    }

    /** A float as Go's humanize.CommafWithDigits(v, 3): separators, at most three decimals, no trailing zeros. */
    public static String decimal(double v) {
        String s = String.format(Locale.ROOT, "%,.3f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
        }
        return s;
    }

    /** An RFC 3339 timestamp from the server, or null when absent or unreadable. */
    public static ZonedDateTime time(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(rfc3339).toZonedDateTime();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A server timestamp as a local time ({@code 2026-11-26 18:06:06}), or the text itself when unreadable. */
    public static String localTime(String rfc3339) {
        ZonedDateTime t = time(rfc3339);
        return t == null ? (rfc3339 == null ? "" : rfc3339) : Human.time(t);
    }
}
