package io.natrix.cli.output;

import io.natrix.cli.support.GoDuration;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Numbers, sizes, durations and times the way natscli prints them for people. */
public final class Human {

    private static final String[] IEC = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Human() {
    }

    /** A count with thousands separators: {@code 1,234,567}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A size in binary units as Go's humanize.IBytes: {@code 0 B}, {@code 512 B}, {@code 1.5 KiB}, {@code 12 MiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        double value = n;
        int unit = 0;
        while (value >= 1024 && unit < IEC.length - 1) {
            value /= 1024;
            unit++;
        }
        String format = value < 10 ? "%.1f %s" : "%.0f %s";
        return String.format(Locale.ROOT, format, value, IEC[unit]);
    }

    /**
     * A duration for people, as natscli shows ages and intervals: days and larger units spelled out
     * ({@code 1y2d3h}, {@code 2d4h5m}), shorter ones as Go prints them ({@code 5m0s}, {@code 1.25s}, {@code 0s}).
     */
    public static String duration(Duration d) {
        if (d.isNegative()) {
            return "-" + duration(d.negated());
        }
        long days = d.toDays();
        if (days == 0) {
            Duration rounded = d.compareTo(Duration.ofSeconds(1)) >= 0
                    ? Duration.ofMillis(d.toMillis()) : d;
            return GoDuration.format(rounded);
        }
        StringBuilder sb = new StringBuilder();
        long years = days / 365;
        days %= 365;
        if (years > 0) {
            sb.append(years).append('y');
        }
        if (days > 0) {
            sb.append(days).append('d');
        }
        Duration rest = d.minusDays(d.toDays());
        if (rest.toHours() > 0) {
            sb.append(rest.toHours()).append('h');
        }
        if (rest.toMinutesPart() > 0) {
            sb.append(rest.toMinutesPart()).append('m');
        }
        if (rest.toSecondsPart() > 0) {
            sb.append(rest.toSecondsPart()).append('s');
        }
        return sb.toString();
    }

    /** A local date and time: {@code 2026-11-26 18:06:06}. */
    public static String time(ZonedDateTime t) {
        return t == null ? "" : TIME.format(t.withZoneSameInstant(ZoneId.systemDefault()));
    }
}
