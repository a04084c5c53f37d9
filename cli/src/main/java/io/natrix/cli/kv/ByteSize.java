package io.natrix.cli.kv;

import io.natrix.cli.CliException;
import java.util.Locale;

/**
 * Sizes as natscli's limit flags take them ({@code --max-value-size}, {@code --max-bucket-size}): a plain number
 * of bytes, or a number with a 1024-based unit ({@code B}, {@code K}/{@code KB}/{@code KiB}, {@code M}, {@code G},
 * {@code T}, any case); empty or negative means unlimited ({@code -1}).
 */
public final class ByteSize {

    private ByteSize() {
    }

    /**
     * Parses a size for the flag named {@code flag}; {@code max} bounds the number (natscli parses value sizes as
     * 32-bit, bucket sizes as 64-bit). A bad size is a one-line error naming the flag.
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
            throw new CliException("invalid " + flag + " \"" + text + "\": out of range");
        }
        int shift = switch (s.substring(digits).toUpperCase(Locale.ROOT)) {
            case "", "B" -> 0;
            case "K", "KB", "KIB" -> 10;
            case "M", "MB", "MIB" -> 20;
            case "G", "GB", "GIB" -> 30;
            case "T", "TB", "TIB" -> 40;
            default -> throw invalid(text, flag);
        };
        if (number > (max >> shift)) {
            throw new CliException("invalid " + flag + " \"" + text + "\": larger than " + max + " bytes");
        }
        return number << shift;
    }

    private static CliException invalid(String text, String flag) {
        return new CliException("invalid " + flag + " \"" + text
                + "\": bytes must end in B, K, KB, M, MB, G, GB, T or TB");
    }
}
