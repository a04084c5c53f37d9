package io.natrix.server.config;

import java.time.Duration;
import java.util.Locale;

/**
 * Sizes and durations as NATS configuration files spell them.
 *
 * <ul>
 *   <li>Size suffixes, case-insensitive, as nats-server's parser applies them to unquoted numbers: a bare letter is
 *       decimal ({@code k} = 1000, {@code m} = 1000², {@code g}, {@code t}, {@code p}, {@code e}) and a letter
 *       followed by {@code b}, {@code i} or {@code ib} is binary ({@code kb} = {@code ki} = {@code kib} = 1024,
 *       {@code mb} = 1024², ...). So {@code 1k} is 1000 and {@code 1KB} is 1024.</li>
 *   <li>Durations in Go's {@code time.ParseDuration} syntax: an optional sign, then one or more decimal numbers each
 *       with a unit among {@code ns us µs ms s m h}, as in {@code 250ms}, {@code 1m30s} or {@code 1.5h}; a bare
 *       {@code 0} is also accepted.</li>
 *   <li>JetStream storage sizes as nats-server's {@code getStorageSize} reads strings: digits then one of
 *       {@code K M G T} (upper case, binary).</li>
 * </ul>
 *
 * <p>Thread-safety: stateless.
 */
public final class ConfigUnits {
    private static final long NANOS_PER_MICRO = 1_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private ConfigUnits() {
    }

    /**
     * The factor a size suffix stands for, or 0 when the text is not a size suffix. The empty suffix is 1.
     */
    static long sizeMultiplier(String suffix) {
        String s = suffix.toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return 1;
        }
        int power = switch (s.charAt(0)) {
            case 'k' -> 1;
            case 'm' -> 2;
            case 'g' -> 3;
            case 't' -> 4;
            case 'p' -> 5;
            case 'e' -> 6;
            default -> 0;
        };
        if (power == 0) {
            return 0;
        }
        String rest = s.substring(1);
        long base;
        if (rest.isEmpty()) {
            base = 1000;
        } else if (rest.equals("b") || rest.equals("i") || rest.equals("ib")) {
            base = 1024;
        } else {
            return 0;
        }
        long factor = 1;
        for (int i = 0; i < power; i++) {
            factor *= base; // 1024^6 is 2^60, so no power here overflows a long.
        }
        return factor;
    }

    /**
     * Reads a size written as text, such as {@code "64MB"} or {@code "1k"}, with the same suffixes as unquoted numbers.
     *
     * @throws IllegalArgumentException when the text is not a size or the size does not fit a long
     */
    static long parseSize(String text) {
        int digitsEnd = 0;
        while (digitsEnd < text.length() && isDigit(text.charAt(digitsEnd))) {
            digitsEnd++;
        }
        if (digitsEnd == 0) {
            throw new IllegalArgumentException("a size starts with digits");
        }
        long multiplier = sizeMultiplier(text.substring(digitsEnd));
        if (multiplier == 0) {
            throw new IllegalArgumentException("unknown size unit '" + text.substring(digitsEnd) + "'");
        }
        try {
            return Math.multiplyExact(Long.parseLong(text, 0, digitsEnd, 10), multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("size out of range");
        }
    }

    /**
     * Reads a JetStream storage size string: digits followed by one of {@code K M G T} (powers of 1024). The empty
     * string is 0, as in nats-server.
     *
     * @throws IllegalArgumentException when the text has another shape
     */
    public static long parseStorageSize(String text) {
        if (text.isEmpty()) {
            return 0;
        }
        int shift = switch (text.charAt(text.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> throw new IllegalArgumentException("sizes defined as strings must end in K, M, G or T");
        };
        String digits = text.substring(0, text.length() - 1);
        if (digits.isEmpty() || !allDigits(digits)) {
            throw new IllegalArgumentException("sizes defined as strings must be digits followed by K, M, G or T");
        }
        try {
            return Math.multiplyExact(Long.parseLong(digits), 1L << shift);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("size out of range");
        }
    }

    /**
     * Reads a Go duration string ({@code time.ParseDuration}: "1m30s", "250ms", "1.5h"); shared with the auth
     * package, which reads durations inside permission blocks.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Duration parseDuration(String text) {
        int i = 0;
        boolean negative = false;
        if (!text.isEmpty() && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
            negative = text.charAt(0) == '-';
            i = 1;
        }
        if (text.substring(i).equals("0")) {
            return Duration.ZERO;
        }
        if (i == text.length()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\"");
        }
        long totalNanos = 0;
        try {
            while (i < text.length()) {
                int numberStart = i;
                long whole = 0;
                while (i < text.length() && isDigit(text.charAt(i))) {
                    whole = Math.addExact(Math.multiplyExact(whole, 10), text.charAt(i) - '0');
                    i++;
                }
                boolean hasWhole = i > numberStart;
                long fraction = 0;
                long scale = 1;
                boolean hasFraction = false;
                if (i < text.length() && text.charAt(i) == '.') {
                    i++;
                    int fractionStart = i;
                    while (i < text.length() && isDigit(text.charAt(i))) {
                        // Digits beyond nanosecond precision of the largest unit cannot change the result.
                        if (scale < 1_000_000_000_000_000L) {
                            fraction = fraction * 10 + (text.charAt(i) - '0');
                            scale *= 10;
                        }
                        i++;
                    }
                    hasFraction = i > fractionStart;
                }
                if (!hasWhole && !hasFraction) {
                    throw new IllegalArgumentException("invalid duration \"" + text + "\"");
                }
                int unitStart = i;
                while (i < text.length() && text.charAt(i) != '.' && !isDigit(text.charAt(i))) {
                    i++;
                }
                String unit = text.substring(unitStart, i);
                if (unit.isEmpty()) {
                    throw new IllegalArgumentException("missing unit in duration \"" + text + "\"");
                }
                long unitNanos = unitNanos(unit);
                if (unitNanos == 0) {
                    throw new IllegalArgumentException("unknown unit \"" + unit + "\" in duration \"" + text + "\"");
                }
                long nanos = Math.multiplyExact(whole, unitNanos);
                if (hasFraction) {
                    nanos = Math.addExact(nanos, (long) (fraction * ((double) unitNanos / scale)));
                }
                totalNanos = Math.addExact(totalNanos, nanos);
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\": out of range");
        }
        return Duration.ofNanos(negative ? -totalNanos : totalNanos);
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1;
            // Go accepts the micro sign (U+00B5) and the Greek small mu (U+03BC) alike.
            case "us", "\u00b5s", "\u03bcs" -> NANOS_PER_MICRO;
            case "ms" -> NANOS_PER_MILLI;
            case "s" -> NANOS_PER_SECOND;
            case "m" -> 60 * NANOS_PER_SECOND;
            case "h" -> 3600 * NANOS_PER_SECOND;
            default -> 0;
        };
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
