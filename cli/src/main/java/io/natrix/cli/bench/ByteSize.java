package io.natrix.cli.bench;

import java.util.Locale;

/**
 * Byte sizes as natscli's bench flags take them ({@code --size}, {@code --maxbytes}): a plain number of bytes, or a
 * whole number followed by a 1024-based unit, case-insensitive: {@code B}, {@code K}/{@code KB}/{@code KiB},
 * {@code M}/{@code MB}/{@code MiB}, {@code G}/{@code GB}/{@code GiB}, {@code T}/{@code TB}/{@code TiB}. Fractions
 * and unknown units are refused, as natscli refuses them. Stateless.
 */
final class ByteSize {

    private ByteSize() {
    }

    /**
     * The number of bytes {@code text} names.
     *
     * @throws IllegalArgumentException when it is not a whole number with an optional known unit, or overflows
     */
    static long parse(String text) {
        String s = text.strip();
        int digits = 0;
        while (digits < s.length() && Character.isDigit(s.charAt(digits))) {
            digits++;
        }
        if (digits == 0) {
            throw new IllegalArgumentException("invalid size \"" + text + "\"");
        }
        long number;
        try {
            number = Long.parseLong(s.substring(0, digits));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size \"" + text + "\" is out of range");
        }
        int shift = switch (s.substring(digits).toUpperCase(Locale.ROOT)) {
            case "", "B" -> 0;
            case "K", "KB", "KIB" -> 10;
            case "M", "MB", "MIB" -> 20;
            case "G", "GB", "GIB" -> 30;
            case "T", "TB", "TIB" -> 40;
            default -> throw new IllegalArgumentException(
                    "invalid size \"" + text + "\": units are B, K, KB, M, MB, G, GB, T or TB");
        };
        if (number > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size \"" + text + "\" is out of range");
        }
        return number << shift;
    }
}
