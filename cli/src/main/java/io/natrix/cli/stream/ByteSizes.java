package io.natrix.cli.stream;

import io.natrix.cli.CliException;
import java.util.Locale;

/**
 * Sizes as natscli's flags take them ({@code --max-bytes 1GB}): a plain number of bytes, or a number with a unit
 * {@code B}, {@code K}/{@code KB}/{@code KiB}, {@code M}..., {@code G}..., {@code T}... (all binary, any case);
 * a negative value means unlimited ({@code -1}).
 */
public final class ByteSizes {

    private ByteSizes() {
    }

    /** Parses a size for {@code flag}; a bad one is a one-line error naming the flag. */
    public static long parse(String text, String flag) {
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
            throw new CliException("invalid value \"" + text + "\" for " + flag + ": out of range");
        }
        int shift = switch (s.substring(digits).toUpperCase(Locale.ROOT)) {
            case "", "B" -> 0;
            case "K", "KB", "KIB" -> 10;
            case "M", "MB", "MIB" -> 20;
            case "G", "GB", "GIB" -> 30;
            case "T", "TB", "TIB" -> 40;
            default -> throw invalid(text, flag);
        };
        if (number > (Long.MAX_VALUE >> shift)) {
            throw new CliException("invalid value \"" + text + "\" for " + flag + ": out of range");
        }
        return number << shift;
    }

    private static CliException invalid(String text, String flag) {
        return new CliException("invalid value \"" + text + "\" for " + flag
                + ": not a size (use a number of bytes or units such as 512KB, 1GB)");
    }
}
