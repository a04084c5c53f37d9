package io.natrix.cli.support;

import java.time.Duration;

/**
 * Durations as Go writes them ({@code 1h2m3.5s}, {@code 500ms}, {@code 90s}), the form natscli's flags take and
 * its output shows. Parsing also takes a bare number of seconds, and {@code d}/{@code w}/{@code y} units as
 * natscli's age flags do.
 */
public final class GoDuration {

    private GoDuration() {
    }

    /** Parses a Go duration; a bad one is an {@link IllegalArgumentException} with a short reason. */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            s = s + "s";
        }
        long nanos = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("invalid duration \"" + text + "\"");
            }
            double number;
            try {
                number = Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid duration \"" + text + "\"");
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            long unit = switch (s.substring(unitStart, i)) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "d" -> 86_400_000_000_000L;
                case "w" -> 7 * 86_400_000_000_000L;
                case "y" -> 365 * 86_400_000_000_000L;
                case "" -> throw new IllegalArgumentException("missing unit in duration \"" + text + "\"");
                default -> throw new IllegalArgumentException("unknown unit \"" + s.substring(unitStart, i)
                        + "\" in duration \"" + text + "\"");
            };
            nanos += Math.round(number * unit);
        }
        return Duration.ofNanos(negative ? -nanos : nanos);
    }

    /**
     * A duration given for {@code flag} on the command line; a bad or negative one is a one-line error naming the
     * flag ({@code invalid value "soon" for --ttl: ...}).
     */
    public static Duration flag(String text, String flag) {
        try {
            Duration d = parse(text);
            if (d.isNegative()) {
                throw new io.natrix.cli.CliException("invalid value \"" + text + "\" for " + flag
                        + ": must not be negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new io.natrix.cli.CliException("invalid value \"" + text + "\" for " + flag + ": "
                    + e.getMessage());
        }
    }

    /** Formats as Go's {@code time.Duration.String()}: {@code 0s}, {@code 1.5s}, {@code 2m0s}, {@code 250ms}. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (nanos < 0) {
            sb.append('-');
            nanos = -nanos;
        }
        if (nanos < 1_000_000_000L) {
            if (nanos < 1_000) {
                return sb.append(nanos).append("ns").toString();
            }
            if (nanos < 1_000_000) {
                return sb.append(fraction(nanos, 1_000)).append("µs").toString();
            }
            return sb.append(fraction(nanos, 1_000_000)).append("ms").toString();
        }
        long hours = nanos / 3_600_000_000_000L;
        nanos %= 3_600_000_000_000L;
        long minutes = nanos / 60_000_000_000L;
        nanos %= 60_000_000_000L;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            sb.append(minutes).append('m');
        }
        return sb.append(fraction(nanos, 1_000_000_000L)).append('s').toString();
    }

    private static String fraction(long value, long unit) {
        long whole = value / unit;
        long rest = value % unit;
        if (rest == 0) {
            return Long.toString(whole);
        }
        String digits = String.format("%0" + Long.toString(unit).length() + "d", rest).substring(1);
        return whole + "." + digits.replaceAll("0+$", "");
    }
}
