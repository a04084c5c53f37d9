package io.natrix.cli.support;

import io.natrix.cli.CliException;
import java.util.Locale;

/**
 * Sizes as natscli's flags take them ({@code --max-bytes 1GB}, {@code --js-disk 512M}): a plain number of bytes, or
 * a number with a unit {@code B}, {@code K}/{@code KB}/{@code KiB}, {@code M}..., {@code G}..., {@code T}... (all
 * powers of 1024, any case). Empty or negative means unlimited ({@code -1}). Stateless.
 */
public final class ByteSize {

    private ByteSize() {
    }

    /** Parses a size for {@code flag}; a bad one is a one-line error naming the flag. */
    public static long parse(String text, String flag) {
        return parse(text, flag, Long.MAX_VALUE);
    }

    /**
     * Parses a size for {@code flag}, at most {@code max} bytes (natscli parses some sizes as 32-bit). A bad or too
     * large size is a one-line error naming the flag.
     */
    public static long parse(String text, String flag, long max) {
        if (text == null || text.isBlank()) {
            return -1;
        }
        String s = text.strip();
        if (s.startsWith("-")) {
            return -1;
        }
        int digits = 0;
        while (digits < s.length() && Character.isDigit(s.charAt(digits))) {
            digits++;
        }
        if (digits == 0) {
            throw invalid(text, flag);
        }
        long number;
        try {
            number = Long.parseLong(s.substring(0, digits));
        } catch (NumberFormatException e) {
            throw outOfRange(text, flag, max);
        }
        int shift = switch (s.substring(digits).strip().toUpperCase(Locale.ROOT)) {
            case "", "B" -> 0;
            case "K", "KB", "KIB" -> 10;
            case "M", "MB", "MIB" -> 20;
            case "G", "GB", "GIB" -> 30;
            case "T", "TB", "TIB" -> 40;
            default -> throw invalid(text, flag);
        };
        if (number > (max >> shift)) {
            throw outOfRange(text, flag, max);
        }
        return number << shift;
    }

    private static CliException invalid(String text, String flag) {
        return new CliException("invalid value \"" + text + "\" for " + flag
                + ": not a size (use a number of bytes or units such as 512KB, 1GB)");
    }

    private static CliException outOfRange(String text, String flag, long max) {
        return new CliException("invalid value \"" + text + "\" for " + flag + ": out of range (at most " + max
                + " bytes)");
    }
}
